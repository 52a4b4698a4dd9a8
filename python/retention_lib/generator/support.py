"""The support system: tickets and survey answers (NPS, CSAT, CES) with
their comments (retention_lib.comments)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from retention_lib.comments import write_comments
from retention_lib.generator.common import (
    DAY,
    TICKET_CATEGORIES,
    Chunk,
    choice,
    group_rank,
    ids,
    ts,
)


def support(chunk: Chunk) -> None:
    rng, h1 = chunk.rng, chunk.h1
    e_cust, a0, a1, churned = chunk.windows
    months = np.maximum((a1 - a0) / 30.44, 0)
    seats = chunk.seats0[e_cust]
    # at-risk accounts (churning within the window) open more tickets
    rate = 0.12 * (1 + np.log1p(seats) / 2) * np.where(churned, 2.0, 1.0)
    n_t = rng.poisson(rate * months)
    t_ep = np.repeat(np.arange(len(e_cust)), n_t)
    span = (a1 - a0)[t_ep]
    # tickets of churning accounts cluster in their last 90 days
    late = churned[t_ep] & (rng.random(len(t_ep)) < 0.6)
    off = np.where(late, np.maximum(span - rng.integers(1, 90, len(t_ep)), 0),
                   np.floor(rng.random(len(t_ep)) * span))
    opened = (a0[t_ep] + off) * DAY + rng.integers(0, DAY, len(t_ep))
    cust = e_cust[t_ep]
    pri = np.where(churned[t_ep],
                   choice(rng, range(4), [0.15, 0.4, 0.3, 0.15], len(t_ep)),
                   choice(rng, range(4), [0.3, 0.5, 0.15, 0.05], len(t_ep)))
    first_resp = opened + (rng.exponential(4, len(t_ep)) * 3600 * np.where(
        pri == 0, 3, 1)).astype(np.int64) + 60
    resolved = first_resp + (rng.exponential(30, len(t_ep)) * 3600).astype(np.int64)
    fr_vis = first_resp < h1 * DAY
    rs_vis = resolved < h1 * DAY
    status = np.where(rs_vis, np.where(rng.random(len(t_ep)) < 0.5, "solved",
                                        "closed"),
                      np.where(fr_vis, "pending", "open"))
    vis = opened < h1 * DAY
    has_user = rng.random(len(t_ep)) < 0.85
    t_num = chunk.first_id * 20 + np.arange(len(t_ep))
    category = np.where(churned[t_ep] & (rng.random(len(t_ep)) < 0.3), "billing",
                        rng.choice(TICKET_CATEGORIES, len(t_ep)))
    chunk.out["tickets"] = pa.table({
        "ticket_id": ids("tkt_", t_num[vis], 9),
        "customer_id": chunk.customer_ids.take(cust[vis]),
        "user_id": pc.if_else(pa.array(has_user[vis]), chunk.user_ids.take(
            chunk.first_user[cust[vis]]), pa.scalar(None, pa.string())),
        "status": pa.array(status[vis]),
        "priority": pa.array(np.array(["low", "normal", "high", "urgent"])[
            pri[vis]]),
        "category": pa.array(category[vis]),
        "channel": pa.array(rng.choice(["email", "chat", "phone"], len(t_ep))[vis]),
        "opened_at": ts(opened[vis]),
        "first_response_at": ts(first_resp[vis], fr_vis[vis]),
        "resolved_at": ts(resolved[vis], rs_vis[vis]),
    })
    # surveys: NPS every quarter (30% respond), CSAT/CES after tickets
    q_n = np.floor(months / 3).astype(int) + 1
    s_ep = np.repeat(np.arange(len(e_cust)), q_n)
    s_k = group_rank(q_n)
    s_day = a0[s_ep] + 20 + s_k * 91
    responds = (s_day < a1[s_ep]) & (rng.random(len(s_ep)) < 0.3)
    near = churned[s_ep] & (a1[s_ep] - s_day < 120)
    nps = np.clip(np.round(rng.normal(np.where(near, 5.5, 8.2), 1.8)), 0, 10)
    s_ep, s_day, nps = s_ep[responds], s_day[responds], nps[responds]
    after = rs_vis & vis & (rng.random(len(t_ep)) < 0.4)
    csat = np.clip(np.round(rng.normal(np.where(churned[t_ep], 3.2, 4.2), 0.9)),
                   1, 5)[after]
    ces_pick = rs_vis & vis & (rng.random(len(t_ep)) < 0.2)
    ces = np.clip(np.round(rng.normal(np.where(churned[t_ep], 4.5, 2.8), 1.2)),
                  1, 7)[ces_pick]
    s_type = np.concatenate([np.full(len(s_ep), "nps"),
                             np.full(int(after.sum()), "csat"),
                             np.full(int(ces_pick.sum()), "ces")])
    s_cust = np.concatenate([e_cust[s_ep], cust[after], cust[ces_pick]])
    s_time = np.concatenate([
        s_day * DAY + rng.integers(0, DAY, len(s_day)),
        resolved[after] + 3600, resolved[ces_pick] + 7200])
    score = np.concatenate([nps, csat, ces]).astype(int)
    vis_s = s_time < h1 * DAY
    r_num = chunk.first_id * 20 + np.arange(int(vis_s.sum()))
    response_ids = ids("rsp_", r_num, 9)
    # what each answer's comment is about: the situation it was given in
    s_ep_all = np.concatenate([s_ep, t_ep[after], t_ep[ces_pick]])
    leaving = churned[s_ep_all] & (a1[s_ep_all] * DAY - s_time < 120 * DAY)
    no_ticket = np.full(len(s_ep), "")
    hours = (first_resp - opened) / 3600
    comments, truth = write_comments(
        chunk.text_rng, s_type[vis_s], score[vis_s],
        np.where(leaving, chunk.episode_reason[s_ep_all], "")[vis_s],
        np.concatenate([no_ticket, category[after], category[ces_pick]])[vis_s],
        np.concatenate([np.full(len(s_ep), np.nan), hours[after],
                        hours[ces_pick]])[vis_s],
        response_ids.to_pylist())
    chunk.comment_truth = truth
    chunk.out["survey_responses"] = pa.table({
        "response_id": response_ids,
        "customer_id": chunk.customer_ids.take(s_cust[vis_s]),
        "user_id": chunk.user_ids.take(chunk.first_user[s_cust[vis_s]]),
        "survey_type": pa.array(s_type[vis_s]),
        "score": pa.array(score[vis_s]).cast(pa.string()),
        "comment": pa.array(comments, pa.string()),
        "responded_at": ts(s_time[vis_s]),
    })

# -- marketing emails ---------------------------------------------------
