"""The marketing system: e-mail sends to users and daily spend per channel."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from retention_lib.generator.common import (
    CHANNELS,
    DAY,
    Chunk,
    Truth,
    date_text,
    ids,
    money,
    ts,
)


def emails(chunk: Chunk) -> None:
    rng, h0, h1 = chunk.rng, chunk.h0, chunk.h1
    e_cust, a0, a1, churned = chunk.windows
    months = np.arange(np.datetime64(int(h0), "D").astype("datetime64[M]"),
                       np.datetime64(int(h1 - 1), "D").astype("datetime64[M]") + 1)
    sends = []
    for mo in months:
        day = (mo.astype("datetime64[D]") + 9).astype(np.int64)
        alive = (a0 <= day) & (a1 > day) & (rng.random(len(e_cust)) < 0.5)
        idx = np.flatnonzero(alive)
        sends.append((np.full(len(idx), day), e_cust[idx],
                      churned[idx] & (a1[idx] - day < 90),
                      str(mo).replace("-", "")))
    day = np.concatenate([s[0] for s in sends]) if sends else np.array([], int)
    cust = np.concatenate([s[1] for s in sends]) if sends else np.array([], int)
    risky = np.concatenate([s[2] for s in sends]) if sends else np.array([], bool)
    camp = np.concatenate([np.full(len(s[0]), "cmp_" + s[3]) for s in sends]) \
        if sends else np.array([], str)
    n_s = len(day)
    sent = day * DAY + 9 * 3600 + rng.integers(0, 3600, n_s)
    delivered = rng.random(n_s) < 0.97
    opened = delivered & (rng.random(n_s) < np.where(risky, 0.18, 0.38))
    open_s = sent + rng.integers(600, 3 * DAY, n_s)
    clicked = opened & (rng.random(n_s) < 0.25)
    click_s = open_s + rng.integers(5, 600, n_s)
    vis = sent < h1 * DAY
    chunk.out["email_sends"] = pa.table({
        "send_id": ids("snd_", chunk.first_id * 40 + np.flatnonzero(vis), 10),
        "campaign_id": pa.array(camp[vis]),
        "customer_id": chunk.customer_ids.take(cust[vis]),
        "user_id": chunk.user_ids.take(chunk.first_user[cust[vis]]),
        "sent_at": ts(sent[vis]),
        "delivered": pa.array(np.where(delivered[vis], "true", "false")),
        "opened_at": ts(open_s[vis], (opened & (open_s < h1 * DAY))[vis]),
        "clicked_at": ts(click_s[vis], (clicked & (click_s < h1 * DAY))[vis]),
    })

# -- commerce (BG/NBD purchasing, Gamma-Gamma order values) -----------


def marketing_spend(truth: Truth, rng: np.random.Generator, signups: np.ndarray,
                    channels: np.ndarray, h0: int, h1: int) -> pa.Table:
    """Daily spend per channel: trailing-30-day acquisitions x CAC, with noise."""
    days = np.arange(h0 - 30, h1)
    rows_day, rows_ch, rows_amt = [], [], []
    for c, name in enumerate(CHANNELS):
        counts = np.bincount(signups[channels == c] - (h0 - 30),
                             minlength=len(days))[: len(days)]
        smooth = np.convolve(counts, np.ones(30) / 30, mode="same")
        cents = np.round(smooth * truth.channel_cac_usd[name] * 100 * rng.lognormal(
            0, 0.15, len(days))).astype(np.int64)
        rows_day.append(days)
        rows_ch.append(np.full(len(days), name))
        rows_amt.append(cents)
    return pa.table({
        "spend_date": date_text(np.concatenate(rows_day)),
        "channel": pa.array(np.concatenate(rows_ch)),
        "amount": money(np.concatenate(rows_amt)),
        "currency": pa.array(["USD"] * sum(len(d) for d in rows_day)),
    })
