"""The product system: users of each account and their daily events."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from retention_lib.generator.common import (
    DAY,
    EVENT_FEATURES,
    EVENT_NAMES,
    Chunk,
    add_months,
    choice,
    group_rank,
    ids,
    strings,
    ts,
)


def product(chunk: Chunk) -> None:
    rng, n, h1 = chunk.rng, chunk.n, chunk.h1
    n_users = np.clip(np.round(chunk.seats0 * rng.uniform(0.3, 0.6, n)),
                      1, 15).astype(int)
    u_cust = np.repeat(np.arange(n), n_users)
    u_rank = group_rank(n_users)
    nu = len(u_cust)
    u_num = chunk.first_id * 30 + np.arange(nu)
    u_created = chunk.created_s[u_cust] + np.where(
        u_rank == 0, 0, rng.integers(3600, 3 * DAY, nu))
    chunk.user_ids = ids("usr_", u_num, 9)
    chunk.u_cust, chunk.u_created = u_cust, u_created
    # index of each customer's first user (the admin), for tickets,
    # surveys and emails
    chunk.first_user = np.cumsum(n_users) - n_users
    chunk.out["users"] = pa.table({
        "user_id": chunk.user_ids,
        "customer_id": chunk.customer_ids.take(u_cust),
        "email": pc.binary_join_element_wise(
            "user", ids("", u_num, 9), "@company",
            ids("", chunk.cid[u_cust], 6), ".example.com", ""),
        "role": pa.array(np.where(u_rank == 0, "admin", "member")),
        "created_at": ts(u_created),
    })
    # users of each episode: cells = (episode window x user x month)
    e_cust, a0, a1, churned = chunk.windows
    base = rng.beta(2, 3, nu) * chunk.t.daily_activity_scale
    users_per = n_users[e_cust]
    ue = np.repeat(np.arange(len(e_cust)), users_per)
    uid = (np.cumsum(n_users) - n_users)[e_cust[ue]] + group_rank(users_per)
    ws, we = a0[ue], a1[ue]
    n_months = ((we - 1).astype("datetime64[D]").astype("datetime64[M]")
                - ws.astype("datetime64[D]").astype("datetime64[M]")
                ).astype(int) + 1
    cell_ue = np.repeat(np.arange(len(ue)), n_months)
    k = group_rank(n_months)
    mstart = (ws[cell_ue].astype("datetime64[D]").astype("datetime64[M]")
              + k.astype("timedelta64[M]")).astype("datetime64[D]").astype(np.int64)
    mend = add_months(mstart, np.ones(len(mstart), int))
    c0 = np.maximum(mstart, ws[cell_ue])
    c1 = np.minimum(mend, we[cell_ue])
    days = np.maximum(c1 - c0, 0)
    to_end = np.where(churned[ue][cell_ue], we[cell_ue] - (c0 + c1) / 2, 1e9)
    mult = np.clip(to_end / 90.0, 0.15, 1.0)
    p = base[uid[cell_ue]] * mult
    active_days = rng.binomial(days, np.clip(p, 0, 1))
    n_ev = active_days + rng.poisson(active_days * 0.8)
    ev_cell = np.repeat(np.arange(len(c0)), n_ev)
    ev_user = uid[cell_ue[ev_cell]]
    ev_s = (c0[ev_cell] * DAY + np.floor(rng.random(len(ev_cell))
                                       * days[ev_cell] * DAY).astype(np.int64))
    ev_s = np.maximum(ev_s, chunk.u_created[ev_user] + 60)
    ev_kind = choice(rng, range(8), [0.3, 0.25, 0.15, 0.1, 0.04, 0.03, 0.07,
                                      0.06], len(ev_cell))
    # activation: most users view a dashboard and invite someone early
    act_users = np.flatnonzero(rng.random(nu) < 0.75)
    late = rng.random(len(act_users)) < 0.2
    act_days = np.where(late, rng.integers(7, 15, len(act_users)),
                        rng.integers(0, 7, len(act_users)))
    act_s = chunk.u_created[act_users] + act_days * DAY + rng.integers(
        60, DAY, len(act_users))
    ev_user = np.concatenate([ev_user, act_users, act_users])
    ev_s = np.concatenate([ev_s, act_s, act_s + 600])
    ev_kind = np.concatenate([ev_kind, np.full(len(act_users), 1),
                              np.full(len(act_users), 4)])
    vis = ev_s < h1 * DAY
    ev_user, ev_s, ev_kind = ev_user[vis], ev_s[vis], ev_kind[vis]
    order = np.argsort(ev_s, kind="stable")
    ev_user, ev_s, ev_kind = ev_user[order], ev_s[order], ev_kind[order]
    chunk.out["events"] = pa.table({
        "event_id": ids("evt_", chunk.first_id * 4000 + np.arange(len(ev_s)), 11),
        "user_id": chunk.user_ids.take(ev_user),
        "customer_id": chunk.customer_ids.take(chunk.u_cust[ev_user]),
        "event_name": pa.array(EVENT_NAMES[ev_kind]),
        "feature": strings(EVENT_FEATURES[ev_kind], EVENT_FEATURES[ev_kind] != ""),
        "occurred_at": ts(ev_s),
    })

# -- support ----------------------------------------------------------
