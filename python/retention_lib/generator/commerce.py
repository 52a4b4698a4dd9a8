"""The optional commerce system: orders, order items, returns and
checkouts (BG/NBD purchases and Gamma-Gamma order values)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from retention_lib.generator.common import (
    DAY,
    RETURN_REASONS,
    Chunk,
    ids,
    money,
    ts,
)


def commerce(chunk: Chunk) -> None:
    t, rng, h1 = chunk.t, chunk.rng, chunk.h1
    buyers = np.flatnonzero(rng.random(chunk.n) < t.order_customer_share)
    nb = len(buyers)
    first = chunk.signup[buyers] + rng.integers(0, 60, nb)
    horizon_w = (h1 - first) / 7.0
    lam = rng.gamma(t.bgnbd_r, 1.0 / t.bgnbd_alpha, nb)
    p = rng.beta(t.bgnbd_a, t.bgnbd_b, nb)
    cap = 60
    gaps = rng.exponential(1.0, (nb, cap)) / np.maximum(lam, 1e-9)[:, None]
    times = np.cumsum(gaps, axis=1)
    # BG/NBD (Fader, Hardie and Lee 2005): the customer may drop out after
    # each repeat purchase with probability p, so the number of repeat
    # purchases made before dropping out is K ~ Geometric(p) >= 1 (not
    # K - 1: the first purchase at t = 0 is not a dropout point)
    n_after = rng.geometric(np.clip(p, 1e-9, 1))
    k = np.arange(cap)[None, :]
    ok = (times < horizon_w[:, None]) & (k < n_after[:, None])
    n_rep = ok.sum(1)
    o_b = np.concatenate([np.arange(nb), np.repeat(np.arange(nb), n_rep)])
    o_w = np.concatenate([np.zeros(nb), times[ok]])
    nu = rng.gamma(t.gg_q, 1.0 / t.gg_gamma, nb)
    value = rng.gamma(t.gg_p, 1.0 / nu[o_b])
    o_s = ((first[o_b] + o_w * 7) * DAY).astype(np.int64) + rng.integers(
        0, 3600, len(o_b))
    vis = (o_s < h1 * DAY) & (first[o_b] < h1)
    o_b, o_s, value = o_b[vis], o_s[vis], value[vis]
    no = len(o_b)
    # items: split the order value over 1-3 items of 1-2 units
    n_items = rng.integers(1, 4, no)
    it_o = np.repeat(np.arange(no), n_items)
    w = rng.random(len(it_o)) + 0.2
    w = w / np.bincount(it_o, w)[it_o]
    qty = rng.integers(1, 3, len(it_o))
    unit_cents = np.maximum(100, np.round(value[it_o] * w * 100 / qty)).astype(
        np.int64)
    amount = np.bincount(it_o, unit_cents * qty, minlength=no).astype(np.int64)
    o_num = chunk.first_id * 20 + np.arange(no)
    order_ids = ids("ord_", o_num, 9)
    cust = buyers[o_b]
    cancelled = rng.random(no) < 0.02
    chunk.out["orders"] = pa.table({
        "order_id": order_ids,
        "customer_id": chunk.customer_ids.take(cust),
        "status": pa.array(np.where(cancelled, "cancelled", "completed")),
        "currency": pa.array(chunk.currency[cust]),
        "amount": money(amount), "ordered_at": ts(o_s),
    })
    it_num = chunk.first_id * 60 + np.arange(len(it_o))
    item_ids = ids("oi_", it_num, 10)
    chunk.out["order_items"] = pa.table({
        "order_item_id": item_ids, "order_id": order_ids.take(it_o),
        "product_id": ids("prd_", rng.integers(1, 31, len(it_o)), 3),
        "quantity": pa.array(qty).cast(pa.string()),
        "unit_price": money(unit_cents),
    })
    ret = np.flatnonzero((rng.random(len(it_o)) < 0.08) & ~cancelled[it_o])
    r_qty = np.minimum(qty[ret], rng.integers(1, 3, len(ret)))
    r_s = o_s[it_o[ret]] + rng.integers(2 * DAY, 30 * DAY, len(ret))
    rv = r_s < h1 * DAY
    chunk.out["returns"] = pa.table({
        "return_id": ids("ret_", chunk.first_id * 10 + np.flatnonzero(rv), 9),
        "order_item_id": item_ids.take(ret[rv]),
        "quantity": pa.array(r_qty[rv]).cast(pa.string()),
        "amount": money(r_qty[rv] * unit_cents[ret[rv]]),
        "reason": pa.array(rng.choice(RETURN_REASONS, int(rv.sum()))),
        "returned_at": ts(r_s[rv]),
    })
    # checkouts: one per order, plus abandoned ones (some complete late)
    ab = t.checkout_abandonment
    n_ab = rng.poisson(ab / (1 - ab) * no) if no else 0
    ab_cust = rng.choice(buyers, n_ab) if nb else np.array([], int)
    ab_s = (chunk.signup[ab_cust] * DAY + np.floor(rng.random(n_ab) * (
        h1 - chunk.signup[ab_cust]) * DAY)).astype(np.int64)
    c_start = np.concatenate([o_s - rng.integers(60, 1800, no), ab_s])
    late = rng.random(no) < 0.02  # order placed after the checkout window
    c_start[:no] = np.where(late, o_s - 30 * 3600, c_start[:no])
    c_cust = np.concatenate([cust, ab_cust])
    c_order = pa.concat_arrays([order_ids, pa.nulls(n_ab, pa.string())])
    c_num = chunk.first_id * 40 + np.arange(len(c_cust))
    chunk.out["checkouts"] = pa.table({
        "checkout_id": ids("chk_", c_num, 10),
        "customer_id": chunk.customer_ids.take(c_cust),
        "started_at": ts(c_start), "order_id": c_order,
    })
