"""The billing system: plans, customers, subscriptions (episodes of paying),
invoices with their line items, and payments."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from retention_lib.generator.common import (
    CANCEL_REASONS,
    CHANNELS,
    COUNTRIES,
    COUNTRY_CURRENCY,
    COUNTRY_TAX,
    CURRENCIES,
    DAY,
    PERIODS,
    PRICE_FACTOR,
    SEGMENTS,
    TIERS,
    Chunk,
    Truth,
    add_months,
    choice,
    group_rank,
    ids,
    money,
    strings,
    ts,
)


def plans_table(truth: Truth) -> tuple[pa.Table, dict]:
    rows = []
    price = {}
    for tier in TIERS:
        for months in PERIODS:
            for ccy in CURRENCIES:
                per_seat = (truth.usd_list_price_per_seat[tier] * PRICE_FACTOR[ccy]
                            * truth.period_discount[str(months)] * months)
                cents = int(round(per_seat)) * 100
                plan_id = f"{tier}_{months}m_{ccy.lower()}"
                price[(tier, int(months), ccy)] = cents
                rows.append((plan_id, f"{tier.title()} ({months} mo, {ccy})", tier,
                             int(months), cents, ccy))
    cols = list(zip(*rows, strict=True))
    table = pa.table({
        "plan_id": pa.array(cols[0]), "plan_name": pa.array(cols[1]),
        "tier": pa.array(cols[2]),
        "billing_period_months": pa.array(cols[3]).cast(pa.string()),
        "list_price": money(np.array(cols[4])), "currency": pa.array(cols[5]),
    })
    return table, price


def customers(chunk: Chunk) -> None:
    rng, n = chunk.rng, chunk.n
    span = chunk.h1 - chunk.h0 - 20
    # growing company: signup density rises over the window
    signup = chunk.h0 + np.floor(span * rng.random(n) ** 0.7).astype(np.int64)
    dom = signup.astype("datetime64[D]") - signup.astype(
        "datetime64[D]").astype("datetime64[M]").astype("datetime64[D]")
    signup = signup - np.maximum(dom.astype(np.int64) - 27, 0)  # day <= 28
    chunk.cid = chunk.first_id + np.arange(n)
    chunk.segment = choice(rng, [0, 1, 2], [0.6, 0.3, 0.1], n)
    chunk.channel = choice(rng, range(5), [0.3, 0.25, 0.2, 0.1, 0.15], n)
    chunk.country = choice(rng, range(7), [0.45, 0.07, 0.15, 0.12, 0.09, 0.07,
                                           0.05], n)
    chunk.currency = COUNTRY_CURRENCY[chunk.country]
    chunk.signup = signup
    chunk.created_s = signup * DAY + rng.integers(0, DAY, n)
    tier_p = np.array([[0.7, 0.28, 0.02], [0.25, 0.6, 0.15], [0.05, 0.35, 0.6]])
    u = rng.random(n)
    chunk.tier0 = (u[:, None] > np.cumsum(tier_p[chunk.segment], axis=1)).sum(1)
    period_p = np.array([[0.7, 0.15, 0.15], [0.5, 0.2, 0.3], [0.2, 0.1, 0.7]])
    u = rng.random(n)
    chunk.period = PERIODS[(u[:, None] > np.cumsum(
        period_p[chunk.segment], axis=1)).sum(1)]
    seat_mu = np.array([chunk.t.seat_lognormal_mu[s] for s in SEGMENTS])[
        chunk.segment]
    chunk.seats0 = np.maximum(1, np.round(rng.lognormal(
        seat_mu, chunk.t.seat_lognormal_sigma))).astype(int)
    chunk.theta = rng.beta(chunk.t.sbg_alpha, chunk.t.sbg_beta, n)
    chunk.risk = 0.5 + rng.random(n)  # payment-failure propensity
    num = ids("", chunk.cid, 6)
    chunk.customer_ids = ids("cus_", chunk.cid, 7)
    chunk.out["customers"] = pa.table({
        "customer_id": chunk.customer_ids,
        "name": pc.binary_join_element_wise("Company ", num, ""),
        "email": pc.binary_join_element_wise("billing@company", num,
                                             ".example.com", ""),
        "country": pa.array(COUNTRIES[chunk.country]),
        "segment": pa.array(SEGMENTS[chunk.segment]),
        "acquisition_channel": pa.array(CHANNELS[chunk.channel]),
        "created_at": ts(chunk.created_s),
    })


def subscriptions(chunk: Chunk) -> None:
    t, rng, n = chunk.t, chunk.rng, chunk.n
    has_trial = rng.random(n) < t.trial_share
    converts = ~has_trial | (rng.random(n) < t.trial_conversion)
    trial_end = chunk.signup + t.trial_days
    paid_start = np.where(has_trial, trial_end, chunk.signup)
    # keep billing anchors on day <= 28 so month arithmetic is exact
    pdom = (paid_start.astype("datetime64[D]") - paid_start.astype(
        "datetime64[D]").astype("datetime64[M]").astype("datetime64[D]")
    ).astype(np.int64)
    paid_start = paid_start + np.where(pdom > 27, 31 - pdom + 1, 0)
    paid_start = add_months(paid_start, np.zeros(n, int))
    q_period = 1 - (1 - chunk.theta) ** chunk.period
    k_vol = rng.geometric(q_period)
    f = np.clip(t.involuntary_failure_per_invoice * chunk.risk * np.array(
        [t.involuntary_failure_by_segment[s] for s in SEGMENTS])[chunk.segment],
        1e-6, 0.3)
    k_inv = rng.geometric(f)
    # episode 2: reactivation after a gap of 1-8 months
    invol1 = k_inv <= k_vol
    k1 = np.minimum(k_vol, k_inv)
    end1 = add_months(paid_start, k1 * chunk.period)
    react = converts & (rng.random(n) < np.where(
        invol1, 1.6 * t.reactivation_probability, t.reactivation_probability))
    gap = rng.integers(1, 9, n)
    start2 = add_months(end1, gap)
    react &= start2 < chunk.h1 - 1
    k_vol2 = rng.geometric(q_period)
    k_inv2 = rng.geometric(f)
    # episode table: one row per subscription
    ep_cust = np.concatenate([np.arange(n), np.flatnonzero(react)])
    ep_no = np.concatenate([np.zeros(n, int), np.ones(int(react.sum()), int)])
    r = np.flatnonzero(react)
    chunk.ep = {
        "cust": ep_cust,
        "no": ep_no,
        "start": np.concatenate([paid_start, start2[r]]),
        "k_vol": np.concatenate([k_vol, k_vol2[r]]),
        "k_inv": np.concatenate([k_inv, k_inv2[r]]),
        "trial": np.concatenate([has_trial, np.zeros(len(r), bool)]),
        "converts": np.concatenate([converts, np.ones(len(r), bool)]),
        "tier0": np.concatenate([chunk.tier0, np.clip(
            chunk.tier0[r] + rng.integers(-1, 2, len(r)), 0, 2)]),
    }
    chunk.has_trial, chunk.trial_end = has_trial, trial_end


# the arrays _invoices hands to the later billing steps (line items,
# payments, subscription states)
_INVOICE_STATE = frozenset({
    "a_new", "a_old", "amount", "c_day", "c_pe", "ccy", "ccy_i", "chg", "conv",
    "credit", "cust", "d_new", "d_old", "disc", "due_s", "ep", "has_change",
    "inv_ids_all", "inv_issued", "inv_sel", "inv_sub", "invol", "k_paid",
    "keep", "m", "n_c", "n_per", "n_r", "n_t", "one_time", "outcome", "paid_s",
    "pend", "period", "pstart", "row_sub", "seats0", "seats1", "seats_r",
    "start", "sub_ids", "tier0", "tier1", "tier_r", "total", "tr_end",
    "tr_start", "tri", "void", "void_ids",
})


def plan_id_table() -> np.ndarray:
    """plan_id by [tier, billing period months, currency] index."""
    return np.array([f"{tr}_{p}m_{c.lower()}" for tr in TIERS for p in range(13)
                     for c in CURRENCIES]).reshape(3, 13, 4)


def billing(chunk: Chunk) -> None:
    """Renewal, proration, trial invoices and their line items, payments."""
    state = _invoices(chunk)
    _line_items(chunk, state)
    _payments(chunk, state)
    _subscription_states(chunk, state)


def _invoices(chunk: Chunk) -> SimpleNamespace:
    """Renewal, proration and trial invoices with their payment outcome; what
    the later steps need, as a namespace."""
    t, rng, ep, h1 = chunk.t, chunk.rng, chunk.ep, chunk.h1
    m = len(ep["cust"])
    cust = ep["cust"]
    period = chunk.period[cust]
    start = ep["start"]
    conv = ep["converts"]
    k_paid = np.minimum(ep["k_vol"], ep["k_inv"])
    invol = ep["k_inv"] <= ep["k_vol"]
    # periods that start before the horizon
    n_before = np.zeros(m, np.int64)
    for j in range(0, 200):
        starts_j = add_months(start, np.full(m, j) * period)
        alive = (starts_j < h1) & (j < k_paid) & conv
        if not alive.any():
            break
        n_before += alive
    n_per = n_before
    chunk.sub_num = chunk.first_id * 2 + np.arange(m)
    sub_ids = ids("sub_", chunk.sub_num, 8)
    # one change (seats or tier) mid-period for some subscriptions
    p_change = 1 - (1 - t.mid_period_change_probability_per_period) ** n_per
    has_change = (rng.random(m) < p_change) & (n_per >= 1)
    change_j = np.floor(rng.random(m) * np.maximum(n_per, 1)).astype(int)
    kind = choice(rng, range(4), [0.5, 0.2, 0.2, 0.1], m)
    tier0 = ep["tier0"]
    seats0 = chunk.seats0[cust]
    dseat = np.maximum(1, np.round(seats0 * rng.uniform(0.1, 0.5, m))).astype(int)
    seats1 = np.where(kind == 0, seats0 + dseat,
                      np.where(kind == 1, np.maximum(1, seats0 - dseat), seats0))
    tier1 = np.where(kind == 2, np.minimum(tier0 + 1, 2),
                     np.where(kind == 3, np.maximum(tier0 - 1, 0), tier0))
    seats1 = np.where(has_change, seats1, seats0)
    tier1 = np.where(has_change, tier1, tier0)
    coupon = rng.random(m) < t.coupon_share
    coupon_pct = rng.choice([0.10, 0.20, 0.25], m)
    coupon_periods = np.where(period == 12, 1, np.where(period == 3, 1, 3))
    ccy = chunk.currency[cust]
    price_table = np.zeros((3, 13, 4), np.int64)
    for (tier, months, c), cents in chunk.price.items():
        price_table[list(TIERS).index(tier), months, CURRENCIES.index(c)] = cents
    ccy_i = np.array([CURRENCIES.index(c) for c in ccy], int) if m else np.array([])

    # ---- renewal periods
    row_sub = np.repeat(np.arange(m), n_per)
    j = group_rank(n_per)
    pstart = add_months(start[row_sub], j * period[row_sub])
    pend = add_months(start[row_sub], (j + 1) * period[row_sub])
    after = has_change[row_sub] & (j > change_j[row_sub])
    tier_r = np.where(after, tier1[row_sub], tier0[row_sub])
    seats_r = np.where(after, seats1[row_sub], seats0[row_sub])
    unit = price_table[tier_r, period[row_sub], ccy_i[row_sub]]
    amount = unit * seats_r
    disc = np.where(coupon[row_sub] & (j < coupon_periods[row_sub]),
                    np.round(amount * coupon_pct[row_sub]), 0).astype(np.int64)
    last = j == n_per[row_sub] - 1
    unpaid_final = last & invol[row_sub] & (j == ep["k_inv"][row_sub] - 1)
    seg = chunk.segment[cust[row_sub]]
    net_days = np.where(seg == 2, 30, 14)
    issued_s = pstart * DAY + rng.integers(0, 3600, len(pstart))
    due_s = issued_s + net_days * DAY

    # ---- mid-period change: two proration lines on their own invoice
    chg = np.flatnonzero(has_change)
    c_row = np.zeros(len(chg), np.int64)
    if len(chg):
        first_row = np.cumsum(n_per) - n_per
        c_row = first_row[chg] + change_j[chg]
    c_ps, c_pe = pstart[c_row], pend[c_row]
    c_len = c_pe - c_ps
    c_day = c_ps + 1 + np.floor(rng.random(len(chg)) * np.maximum(c_len - 2, 1))
    c_day = c_day.astype(np.int64)
    frac = (c_pe - c_day) / c_len
    old_amt = price_table[tier0[chg], period[chg], ccy_i[chg]] * seats0[chg]
    new_amt = price_table[tier1[chg], period[chg], ccy_i[chg]] * seats1[chg]
    c_disc_pct = np.where(coupon[chg] & (change_j[chg] < coupon_periods[chg]),
                          coupon_pct[chg], 0.0)
    a_old = -np.round(old_amt * frac).astype(np.int64)
    a_new = np.round(new_amt * frac).astype(np.int64)
    d_old = -np.round(-a_old * c_disc_pct).astype(np.int64)
    d_new = np.round(a_new * c_disc_pct).astype(np.int64)

    # ---- trial invoices (amount 0)
    tri = np.flatnonzero(ep["trial"])
    tr_start = chunk.signup[cust[tri]]
    tr_end = chunk.trial_end[cust[tri]]

    # ---- invoice table: renewal, then change, then trial invoices
    n_r, n_c, n_t = len(row_sub), len(chg), len(tri)
    inv_sub = np.concatenate([row_sub, chg, tri])
    inv_kind = np.concatenate([np.zeros(n_r, int), np.ones(n_c, int),
                               np.full(n_t, 2)])
    inv_issued = np.concatenate([issued_s, c_day * DAY + rng.integers(
        0, DAY, n_c), tr_start * DAY + chunk.created_s[cust[tri]] % DAY])
    inv_net = np.concatenate([net_days, np.where(
        chunk.segment[cust[chg]] == 2, 30, 14), np.zeros(n_t, int)])
    inv_due = inv_issued + inv_net * DAY
    one_time = np.zeros(len(inv_sub), np.int64)
    first_paid = (inv_kind == 0) & (np.concatenate(
        [j, np.zeros(n_c + n_t, int)]) == 0)
    ent = chunk.segment[cust[inv_sub]] == 2
    one_time[first_paid & ent & (ep["no"][inv_sub] == 0)] = int(
        500 * PRICE_FACTOR["USD"]) * 100
    credit = np.where((inv_kind == 0) & (rng.random(len(inv_sub)) < 0.02),
                      -np.round(0.1 * np.concatenate(
                          [amount, np.zeros(n_c + n_t)])), 0).astype(np.int64)
    sub_amount = np.concatenate([amount, a_old + a_new, np.zeros(n_t, np.int64)])
    sub_disc = np.concatenate([disc, d_old + d_new, np.zeros(n_t, np.int64)])
    subtotal = sub_amount + one_time + credit
    tax_rate = COUNTRY_TAX[chunk.country[cust[inv_sub]]]
    tax = np.round(np.maximum(subtotal - sub_disc, 0) * tax_rate).astype(np.int64)
    total = subtotal - sub_disc + tax
    n_inv = len(inv_sub)
    inv_num = chunk.first_id * 40 + np.arange(n_inv)

    # ---- payment outcome per invoice
    u = rng.random(n_inv)
    outcome = np.select([u < 0.90, u < 0.96, u < 0.99], [0, 1, 2], 3)
    outcome = np.where(inv_kind == 0, outcome, 0)
    final_fail = np.concatenate([unpaid_final, np.zeros(n_c + n_t, bool)])
    outcome = np.where(final_fail, 4, outcome)
    outcome = np.where(total <= 0, 5, outcome)  # nothing to collect
    paid_s = np.select(
        [outcome == 0, outcome == 1, outcome == 2, outcome == 3, outcome == 5],
        [inv_issued + rng.integers(60, 2 * DAY, n_inv),
         inv_issued + rng.integers(2 * DAY, 6 * DAY, n_inv),
         inv_due + rng.integers(DAY, 25 * DAY, n_inv),
         inv_due + rng.integers(35 * DAY, 60 * DAY, n_inv),
         inv_issued], -1)
    is_paid = (paid_s >= 0) & (paid_s < h1 * DAY)
    grace_end = inv_due + t.past_due_grace_days * DAY
    status = np.where(is_paid, "paid", np.where(
        (outcome == 4) & (grace_end < h1 * DAY), "uncollectible", "open"))
    # void duplicates: re-issued invoices whose first copy was voided
    void = (inv_kind == 0) & (rng.random(n_inv) < 0.005)
    keep = inv_issued < h1 * DAY
    inv_sel = np.concatenate([np.flatnonzero(keep), np.flatnonzero(keep & void)])
    is_void = np.concatenate([np.zeros(int(keep.sum()), bool),
                              np.ones(int((keep & void).sum()), bool)])
    inv_ids_all = ids("inv_", inv_num, 9)
    void_ids = ids("inv_v", inv_num, 9)
    inv_id_sel = pa.concat_arrays([inv_ids_all.take(np.flatnonzero(keep)),
                                   void_ids.take(np.flatnonzero(keep & void))])
    shift = np.where(is_void, -DAY, 0)
    chunk.out["invoices"] = pa.table({
        "invoice_id": inv_id_sel,
        "customer_id": chunk.customer_ids.take(cust[inv_sub[inv_sel]]),
        "subscription_id": sub_ids.take(inv_sub[inv_sel]),
        "status": pa.array(np.where(is_void, "void", status[inv_sel])),
        "currency": pa.array(ccy[inv_sub[inv_sel]]),
        "subtotal": money(subtotal[inv_sel]),
        "discount": money(sub_disc[inv_sel]),
        "tax": money(tax[inv_sel]),
        "total": money(total[inv_sel]),
        "issued_at": ts(inv_issued[inv_sel] + shift),
        "due_at": ts(inv_due[inv_sel] + shift),
        "paid_at": ts(paid_s[inv_sel], is_paid[inv_sel] & ~is_void),
    })

    return SimpleNamespace(**{name: value for name, value in locals().items()
                              if name in _INVOICE_STATE})


def _line_items(chunk: Chunk, state: SimpleNamespace) -> None:
    """The invoices' lines: subscription, proration, one_time, credit."""
    # ---- line items: subscription / proration / state.one_time / state.credit
    plan_ids = plan_id_table()
    li_parts = []

    def lines(inv_idx, line_type, plan, qty, amt, dsc, ps, pe):
        ok = np.isin(inv_idx, state.inv_sel)
        idx = inv_idx[ok]
        dup = idx[state.void[idx]]
        all_idx = np.concatenate([idx, dup])
        sel = np.concatenate([np.flatnonzero(ok),
                              np.flatnonzero(ok)[state.void[idx]]])
        inv_id = pa.concat_arrays([state.inv_ids_all.take(idx),
                                   state.void_ids.take(dup)])
        li_parts.append({
            "invoice_id": inv_id,
            "subscription_id": state.sub_ids.take(state.inv_sub[all_idx]),
            "plan_id": pa.array(plan[sel]),
            "line_type": pa.array([line_type] * len(all_idx), pa.string()),
            "quantity": pa.array(qty[sel]).cast(pa.string()),
            "amount": money(amt[sel]), "discount_amount": money(dsc[sel]),
            "currency": pa.array(state.ccy[state.inv_sub[all_idx]]),
            "period_start": ts(ps[sel] * DAY), "period_end": ts(pe[sel] * DAY),
        })

    r_idx = np.arange(state.n_r)
    lines(r_idx, "subscription",
          plan_ids[state.tier_r, state.period[state.row_sub],
                   state.ccy_i[state.row_sub]],
          state.seats_r, state.amount, state.disc, state.pstart, state.pend)
    c_idx = state.n_r + np.arange(state.n_c)
    chg = state.chg
    lines(c_idx, "proration",
          plan_ids[state.tier0[chg], state.period[chg], state.ccy_i[chg]],
          state.seats0[chg], state.a_old, state.d_old, state.c_day, state.c_pe)
    lines(c_idx, "proration",
          plan_ids[state.tier1[chg], state.period[chg], state.ccy_i[chg]],
          state.seats1[chg], state.a_new, state.d_new, state.c_day, state.c_pe)
    t_idx = state.n_r + state.n_c + np.arange(state.n_t)
    tri = state.tri
    lines(t_idx, "subscription",
          plan_ids[state.tier0[tri], state.period[tri], state.ccy_i[tri]],
          state.seats0[tri], np.zeros(state.n_t, np.int64),
          np.zeros(state.n_t, np.int64), state.tr_start, state.tr_end)
    ot = np.flatnonzero(state.one_time != 0)
    inv_day = state.inv_issued // DAY
    lines(ot, "one_time", np.full(len(ot), ""), np.ones(len(ot), int),
          state.one_time[ot], np.zeros(len(ot), np.int64), inv_day[ot], inv_day[ot])
    cr = np.flatnonzero(state.credit != 0)
    lines(cr, "credit", np.full(len(cr), ""), np.ones(len(cr), int), state.credit[cr],
          np.zeros(len(cr), np.int64), inv_day[cr], inv_day[cr])
    li = {k: pa.concat_arrays([p[k] for p in li_parts]) for k in li_parts[0]}
    n_li = len(li["invoice_id"])
    li["plan_id"] = pc.if_else(pc.equal(li["plan_id"], ""),
                               pa.scalar(None, pa.string()), li["plan_id"])
    for col in ("period_start", "period_end"):
        li[col] = pc.if_else(pc.is_in(li["line_type"], pa.array(
            ["one_time", "credit"])), pa.scalar(None, pa.string()), li[col])
    chunk.out["invoice_line_items"] = pa.table(
        {"line_item_id": ids("li_", chunk.first_id * 80 + np.arange(n_li), 10),
         **li})



def _payments(chunk: Chunk, state: SimpleNamespace) -> None:
    """Payment attempts per invoice (failures, then success) and refunds."""
    rng, h1 = chunk.rng, chunk.h1
    # ---- payments: attempts per invoice, refunds
    inv = np.flatnonzero(state.keep & (state.total > 0))
    o = state.outcome[inv]
    n_fail = np.select([o == 0, o == 1, o == 2, o == 3, o == 4], [0, 1, 1, 2, 3], 0)
    pay_inv = np.concatenate([np.repeat(inv, n_fail), inv[o != 4]])
    f_rank = group_rank(n_fail)
    pay_time = np.concatenate([
        state.inv_issued[np.repeat(inv, n_fail)] + 3600 + f_rank * 3 * DAY,
        state.paid_s[inv[o != 4]]])
    pay_ok = np.concatenate([np.zeros(int(n_fail.sum()), bool),
                             np.ones(int((o != 4).sum()), bool)])
    refund_src = inv[(o != 4) & (rng.random(len(inv)) < 0.01)]
    ref_amt = np.where(rng.random(len(refund_src)) < 0.5, state.total[refund_src],
                       state.total[refund_src] // 2)
    ref_time = state.paid_s[refund_src] + rng.integers(DAY, 20 * DAY, len(refund_src))
    all_inv = np.concatenate([pay_inv, refund_src])
    all_time = np.concatenate([pay_time, ref_time])
    all_amt = np.concatenate([state.total[pay_inv], ref_amt])
    all_ok = np.concatenate([pay_ok, np.ones(len(refund_src), bool)])
    all_type = np.concatenate([np.full(len(pay_inv), "charge"),
                               np.full(len(refund_src), "refund")])
    vis = all_time < h1 * DAY
    fail_reason = rng.choice(["card_declined", "insufficient_funds",
                              "expired_card"], len(all_inv))
    chunk.out["payments"] = pa.table({
        "payment_id": ids("pay_", chunk.first_id * 60 + np.flatnonzero(vis), 10),
        "invoice_id": state.inv_ids_all.take(all_inv[vis]),
        "customer_id": chunk.customer_ids.take(state.cust[state.inv_sub[all_inv[vis]]]),
        "payment_type": pa.array(all_type[vis]),
        "status": pa.array(np.where(all_ok[vis], "succeeded", "failed")),
        "amount": money(all_amt[vis]),
        "currency": pa.array(state.ccy[state.inv_sub[all_inv[vis]]]),
        "created_at": ts(all_time[vis]),
        "failure_reason": strings(fail_reason[vis], ~all_ok[vis]),
    })



def _subscription_states(chunk: Chunk, state: SimpleNamespace) -> None:
    """The subscriptions export (state as of the horizon) and the activity
    windows the product and support systems read."""
    t, rng, h1 = chunk.t, chunk.rng, chunk.h1
    # ---- subscriptions export: state as of the horizon
    last_row = np.cumsum(state.n_per) - 1
    has_paid = state.n_per > 0
    paid_end = np.where(has_paid, state.pend[np.clip(last_row, 0, None)], state.start)
    last_due = np.where(has_paid, state.due_s[np.clip(last_row, 0, None)], 0)
    invol_end_s = last_due + t.past_due_grace_days * DAY
    ran_out = (state.n_per < state.k_paid) & state.conv  # censored by the horizon
    vol_end = add_months(state.start, state.k_paid * state.period)
    cancel_s = ((vol_end - rng.integers(1, 21, state.m)) * DAY
                + rng.integers(0, DAY, state.m))
    trial_only = ~state.conv
    t_end = np.where(state.ep["trial"], chunk.trial_end[state.cust], state.start)
    end_s = np.select([trial_only, state.invol, ~state.invol],
                      [t_end * DAY, invol_end_s, vol_end * DAY])
    canceled_s = np.select([trial_only, state.invol], [t_end * DAY, invol_end_s],
                           cancel_s)
    ended = ~ran_out & (end_s < h1 * DAY)
    canceled = ~ran_out & (canceled_s < h1 * DAY)
    trialing = trial_only & (t_end >= h1)
    status_s = np.select(
        [trialing, ended, state.invol & ~ran_out & has_paid],
        ["trialing", "canceled", "past_due"], "active")
    reason = np.where(trial_only, "trial_not_converted", np.where(
        state.invol, "payment_failed",
        rng.choice(CANCEL_REASONS, state.m, p=[.3, .2, .15, .15, .08, .07, .05])))
    cur_end = np.where(trial_only, t_end, paid_end)
    current_plan = plan_id_table()[
        np.where(state.has_change, state.tier1, state.tier0), state.period, state.ccy_i]
    started = np.where(state.ep["trial"], chunk.signup[state.cust] * DAY + (
        chunk.created_s[state.cust] % DAY), state.start * DAY)
    chunk.out["subscriptions"] = pa.table({
        "subscription_id": state.sub_ids,
        "customer_id": chunk.customer_ids.take(state.cust),
        "plan_id": pa.array(current_plan),
        "quantity": pa.array(np.where(
            state.has_change, state.seats1, state.seats0)).cast(pa.string()),
        "status": pa.array(status_s),
        "trial_start": ts(chunk.signup[state.cust] * DAY, state.ep["trial"]),
        "trial_end": ts(t_end * DAY, state.ep["trial"]),
        "started_at": ts(started),
        "current_period_end": ts(cur_end * DAY),
        "canceled_at": ts(canceled_s, canceled),
        "ended_at": ts(end_s, ended),
        "cancel_reason": strings(reason, canceled & (reason != "")),
    })
    # activity windows per episode, for product and support data
    act_start = np.where(state.ep["trial"], chunk.signup[state.cust], state.start)
    act_end = np.where(ran_out | ~((end_s // DAY) < h1), h1,
                       end_s // DAY).astype(np.int64)
    chunk.windows = (state.cust, act_start, np.maximum(act_end, act_start + 1),
                    ~ran_out & (end_s // DAY < h1))
    chunk.episode_reason = np.where(canceled & (reason != ""), reason, "")
