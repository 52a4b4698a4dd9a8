"""Synthetic B2B SaaS company: writes every raw export of the contract.

Vectorised with numpy and deterministic for a given seed: customers are
simulated in chunks (each chunk with its own child random stream), so memory
stays bounded for large sets and the output depends only on the seed and the
chunk size. The true generating parameters are written beside the data
(`_truth.json`) so that tests can check estimates against them.

Usage: python -m retention_lib.generator --customers 500 --out seeds \
           --format csv
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from retention_lib.comments import write_comments
from retention_lib.contract import EXPORTS

DAY = 86_400
# planted topics and sentiment of every survey comment (retention_lib.comments)
COMMENT_TRUTH_FILE = "_truth_comments.tsv"
SEGMENTS = np.array(["smb", "mid_market", "enterprise"])
CHANNELS = np.array(["organic", "paid_search", "paid_social", "partner", "outbound"])
COUNTRIES = np.array(["US", "CA", "GB", "DE", "FR", "NL", "IE"])
COUNTRY_CURRENCY = np.array(["USD", "CAD", "GBP", "EUR", "EUR", "EUR", "EUR"])
COUNTRY_TAX = np.array([0.0, 0.05, 0.20, 0.19, 0.20, 0.21, 0.23])
CURRENCIES = ["USD", "EUR", "GBP", "CAD"]
TIERS = np.array(["basic", "pro", "enterprise"])
PERIODS = np.array([1, 3, 12])
CANCEL_REASONS = np.array([
    "too_expensive", "missing_features", "switched_competitor", "not_using",
    "business_closed", "other", ""])
EVENT_NAMES = np.array([
    "login", "dashboard_viewed", "report_created", "export_downloaded",
    "invite_sent", "integration_connected", "alert_configured", "comment_added"])
EVENT_FEATURES = np.array([
    "", "dashboards", "reports", "exports", "collaboration", "integrations",
    "alerts", "collaboration"])
TICKET_CATEGORIES = np.array(["billing", "bug", "how_to", "feature_request",
                              "account"])
RETURN_REASONS = np.array(["damaged", "wrong_item", "not_as_described",
                           "changed_mind", "other"])


@dataclass
class Truth:
    """Generating parameters; written as _truth.json beside the data."""

    seed: int
    n_customers: int
    start_date: str
    months: int
    chunk_size: int
    # monthly churn probability theta ~ Beta(alpha, beta): the sBG model
    sbg_alpha: float = 1.2
    sbg_beta: float = 20.0
    trial_share: float = 0.5
    trial_days: int = 14
    trial_conversion: float = 0.6
    involuntary_failure_per_invoice: float = 0.008
    # ... times this per segment: enterprise contracts are invoiced and paid
    # by transfer, so a whole annual invoice going unpaid is rare (an
    # uncollectible CAD 318,260.88 annual invoice once made up 94-99 % of
    # the sample's receivables)
    involuntary_failure_by_segment: dict = field(default_factory=lambda: {
        "smb": 1.0, "mid_market": 0.5, "enterprise": 0.1})
    reactivation_probability: float = 0.15
    mid_period_change_probability_per_period: float = 0.05
    coupon_share: float = 0.2
    # purchases: BG/NBD (time unit: week) and Gamma-Gamma on order value
    order_customer_share: float = 0.4
    bgnbd_r: float = 0.243
    bgnbd_alpha: float = 4.414
    bgnbd_a: float = 0.793
    bgnbd_b: float = 2.426
    gg_p: float = 6.25
    gg_q: float = 3.74
    gg_gamma: float = 15.44
    checkout_abandonment: float = 0.69
    usd_list_price_per_seat: dict = field(default_factory=lambda: {
        "basic": 29.0, "pro": 79.0, "enterprise": 199.0})
    period_discount: dict = field(default_factory=lambda: {
        "1": 1.0, "3": 0.95, "12": 0.85})
    channel_cac_usd: dict = field(default_factory=lambda: {
        "organic": 150.0, "paid_search": 900.0, "paid_social": 700.0,
        "partner": 1200.0, "outbound": 2500.0})
    past_due_grace_days: int = 30
    # share of days a user is active = Beta(2, 3) x this scale
    daily_activity_scale: float = 0.4
    # seats per subscription ~ max(1, round(LogNormal(mu[segment], sigma))):
    # medians about 2, 10 and 37 seats; invoice amounts are seats x the
    # plan's list price per seat (usd_list_price_per_seat x the currency's
    # price factor x period_discount x months) less coupons, plus tax, so an
    # annual enterprise invoice of a 100-seat customer is about USD 203,000
    seat_lognormal_mu: dict = field(default_factory=lambda: {
        "smb": 0.8, "mid_market": 2.3, "enterprise": 3.6})
    seat_lognormal_sigma: float = 0.6


PRICE_FACTOR = {"USD": 1.0, "EUR": 0.92, "GBP": 0.79, "CAD": 1.36}
FX_BASE = {"USD": 1.0, "EUR": 1.08, "GBP": 1.27, "CAD": 0.74}


# --------------------------------------------------------------- helpers
def _add_months(days: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Add k calendar months to day numbers whose day of month is <= 28."""
    d = days.astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    offset = d - month.astype("datetime64[D]")
    out = (month + k.astype("timedelta64[M]")).astype("datetime64[D]") + offset
    return out.astype(np.int64)


def _group_rank(counts: np.ndarray) -> np.ndarray:
    """0..n-1 within each group of np.repeat(..., counts)."""
    total = int(counts.sum())
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return np.arange(total) - starts


def _ids(prefix: str, numbers: np.ndarray, width: int = 8) -> pa.Array:
    text = pc.utf8_lpad(pa.array(numbers, pa.int64()).cast(pa.string()), width, "0")
    return pc.binary_join_element_wise(pa.scalar(prefix), text, "")


def _ts(seconds: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Epoch seconds -> ISO 8601 UTC strings; NULL where not valid."""
    arr = pa.array(seconds.astype("datetime64[s]"), pa.timestamp("s"))
    text = pc.strftime(arr, format="%Y-%m-%dT%H:%M:%SZ")
    if valid is not None:
        text = pc.if_else(pa.array(valid), text, pa.scalar(None, pa.string()))
    return text


def _date(days: np.ndarray) -> pa.Array:
    arr = pa.array(days.astype("datetime64[D]"), pa.date32())
    return pc.strftime(arr, format="%Y-%m-%d")


def _money(cents: np.ndarray) -> pa.Array:
    """Integer cents -> decimal strings in major units ('12.30')."""
    cents = np.asarray(cents, dtype=np.int64)
    sign = np.where(cents < 0, "-", "")
    absolute = np.abs(cents)
    major = pa.array(absolute // 100).cast(pa.string())
    minor = pc.utf8_lpad(pa.array(absolute % 100).cast(pa.string()), 2, "0")
    return pc.binary_join_element_wise(pa.array(sign), major, ".", minor, "")


def _str(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    arr = pa.array(np.asarray(values).astype(str))
    if valid is not None:
        arr = pc.if_else(pa.array(valid), arr, pa.scalar(None, pa.string()))
    return arr


def _choice(rng: np.random.Generator, values, probs, size) -> np.ndarray:
    weights = np.asarray(probs) / np.sum(probs)
    return rng.choice(np.asarray(values), size=size, p=weights)


# ---------------------------------------------------------------- plans
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
        "list_price": _money(np.array(cols[4])), "currency": pa.array(cols[5]),
    })
    return table, price


def fx_table(truth: Truth, rng: np.random.Generator, first_day: int,
             last_day: int) -> pa.Table:
    days = np.arange(first_day - 31, last_day + 1)
    parts = []
    for ccy in CURRENCIES:
        if ccy == "USD":
            rate = np.ones(len(days))
        else:
            walk = np.cumsum(rng.normal(0, 0.003, len(days)))
            rate = FX_BASE[ccy] * np.exp(walk - walk.mean())
        parts.append(pa.table({
            "rate_date": _date(days), "currency": pa.array([ccy] * len(days)),
            "rate_to_usd": pa.array(np.char.mod("%.6f", rate)),
        }))
    return pa.concat_tables(parts)


# ------------------------------------------------------------ simulation
class _Chunk:
    """One chunk of customers and everything they generate."""

    def __init__(self, truth: Truth, price: dict, first_id: int, n: int,
                 rng: np.random.Generator, h0: int, h1: int,
                 text_rng: np.random.Generator):
        self.t, self.price, self.rng = truth, price, rng
        # comments draw from their own stream: every other export stays the
        # same whatever the comments are
        self.text_rng = text_rng
        self.first_id, self.n, self.h0, self.h1 = first_id, n, h0, h1
        self.out: dict[str, pa.Table] = {}

    # -- customers ------------------------------------------------------
    def customers(self):
        rng, n = self.rng, self.n
        span = self.h1 - self.h0 - 20
        # growing company: signup density rises over the window
        signup = self.h0 + np.floor(span * rng.random(n) ** 0.7).astype(np.int64)
        dom = signup.astype("datetime64[D]") - signup.astype(
            "datetime64[D]").astype("datetime64[M]").astype("datetime64[D]")
        signup = signup - np.maximum(dom.astype(np.int64) - 27, 0)  # day <= 28
        self.cid = self.first_id + np.arange(n)
        self.segment = _choice(rng, [0, 1, 2], [0.6, 0.3, 0.1], n)
        self.channel = _choice(rng, range(5), [0.3, 0.25, 0.2, 0.1, 0.15], n)
        self.country = _choice(rng, range(7), [0.45, 0.07, 0.15, 0.12, 0.09, 0.07,
                                               0.05], n)
        self.currency = COUNTRY_CURRENCY[self.country]
        self.signup = signup
        self.created_s = signup * DAY + rng.integers(0, DAY, n)
        tier_p = np.array([[0.7, 0.28, 0.02], [0.25, 0.6, 0.15], [0.05, 0.35, 0.6]])
        u = rng.random(n)
        self.tier0 = (u[:, None] > np.cumsum(tier_p[self.segment], axis=1)).sum(1)
        period_p = np.array([[0.7, 0.15, 0.15], [0.5, 0.2, 0.3], [0.2, 0.1, 0.7]])
        u = rng.random(n)
        self.period = PERIODS[(u[:, None] > np.cumsum(
            period_p[self.segment], axis=1)).sum(1)]
        seat_mu = np.array([self.t.seat_lognormal_mu[s] for s in SEGMENTS])[
            self.segment]
        self.seats0 = np.maximum(1, np.round(rng.lognormal(
            seat_mu, self.t.seat_lognormal_sigma))).astype(int)
        self.theta = rng.beta(self.t.sbg_alpha, self.t.sbg_beta, n)
        self.risk = 0.5 + rng.random(n)  # payment-failure propensity
        num = _ids("", self.cid, 6)
        self.customer_ids = _ids("cus_", self.cid, 7)
        self.out["customers"] = pa.table({
            "customer_id": self.customer_ids,
            "name": pc.binary_join_element_wise("Company ", num, ""),
            "email": pc.binary_join_element_wise("billing@company", num,
                                                 ".example.com", ""),
            "country": pa.array(COUNTRIES[self.country]),
            "segment": pa.array(SEGMENTS[self.segment]),
            "acquisition_channel": pa.array(CHANNELS[self.channel]),
            "created_at": _ts(self.created_s),
        })

    # -- subscriptions (episodes) ---------------------------------------
    def subscriptions(self):
        t, rng, n = self.t, self.rng, self.n
        has_trial = rng.random(n) < t.trial_share
        converts = ~has_trial | (rng.random(n) < t.trial_conversion)
        trial_end = self.signup + t.trial_days
        paid_start = np.where(has_trial, trial_end, self.signup)
        # keep billing anchors on day <= 28 so month arithmetic is exact
        pdom = (paid_start.astype("datetime64[D]") - paid_start.astype(
            "datetime64[D]").astype("datetime64[M]").astype("datetime64[D]")
        ).astype(np.int64)
        paid_start = paid_start + np.where(pdom > 27, 31 - pdom + 1, 0)
        paid_start = _add_months(paid_start, np.zeros(n, int))
        q_period = 1 - (1 - self.theta) ** self.period
        k_vol = rng.geometric(q_period)
        f = np.clip(t.involuntary_failure_per_invoice * self.risk * np.array(
            [t.involuntary_failure_by_segment[s] for s in SEGMENTS])[self.segment],
            1e-6, 0.3)
        k_inv = rng.geometric(f)
        # episode 2: reactivation after a gap of 1-8 months
        invol1 = k_inv <= k_vol
        k1 = np.minimum(k_vol, k_inv)
        end1 = _add_months(paid_start, k1 * self.period)
        react = converts & (rng.random(n) < np.where(
            invol1, 1.6 * t.reactivation_probability, t.reactivation_probability))
        gap = rng.integers(1, 9, n)
        start2 = _add_months(end1, gap)
        react &= start2 < self.h1 - 1
        k_vol2 = rng.geometric(q_period)
        k_inv2 = rng.geometric(f)
        # episode table: one row per subscription
        ep_cust = np.concatenate([np.arange(n), np.flatnonzero(react)])
        ep_no = np.concatenate([np.zeros(n, int), np.ones(int(react.sum()), int)])
        r = np.flatnonzero(react)
        self.ep = {
            "cust": ep_cust,
            "no": ep_no,
            "start": np.concatenate([paid_start, start2[r]]),
            "k_vol": np.concatenate([k_vol, k_vol2[r]]),
            "k_inv": np.concatenate([k_inv, k_inv2[r]]),
            "trial": np.concatenate([has_trial, np.zeros(len(r), bool)]),
            "converts": np.concatenate([converts, np.ones(len(r), bool)]),
            "tier0": np.concatenate([self.tier0, np.clip(
                self.tier0[r] + rng.integers(-1, 2, len(r)), 0, 2)]),
        }
        self.has_trial, self.trial_end = has_trial, trial_end

    def billing(self):
        """Renewal, proration, trial invoices and their line items, payments."""
        t, rng, ep, h1 = self.t, self.rng, self.ep, self.h1
        m = len(ep["cust"])
        cust = ep["cust"]
        period = self.period[cust]
        start = ep["start"]
        conv = ep["converts"]
        k_paid = np.minimum(ep["k_vol"], ep["k_inv"])
        invol = ep["k_inv"] <= ep["k_vol"]
        # periods that start before the horizon
        n_before = np.zeros(m, np.int64)
        for j in range(0, 200):
            starts_j = _add_months(start, np.full(m, j) * period)
            alive = (starts_j < h1) & (j < k_paid) & conv
            if not alive.any():
                break
            n_before += alive
        n_per = n_before
        self.sub_num = self.first_id * 2 + np.arange(m)
        sub_ids = _ids("sub_", self.sub_num, 8)
        # one change (seats or tier) mid-period for some subscriptions
        p_change = 1 - (1 - t.mid_period_change_probability_per_period) ** n_per
        has_change = (rng.random(m) < p_change) & (n_per >= 1)
        change_j = np.floor(rng.random(m) * np.maximum(n_per, 1)).astype(int)
        kind = _choice(rng, range(4), [0.5, 0.2, 0.2, 0.1], m)
        tier0 = ep["tier0"]
        seats0 = self.seats0[cust]
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
        ccy = self.currency[cust]
        price_table = np.zeros((3, 13, 4), np.int64)
        for (tier, months, c), cents in self.price.items():
            price_table[list(TIERS).index(tier), months, CURRENCIES.index(c)] = cents
        ccy_i = np.array([CURRENCIES.index(c) for c in ccy], int) if m else np.array([])

        # ---- renewal periods
        row_sub = np.repeat(np.arange(m), n_per)
        j = _group_rank(n_per)
        pstart = _add_months(start[row_sub], j * period[row_sub])
        pend = _add_months(start[row_sub], (j + 1) * period[row_sub])
        after = has_change[row_sub] & (j > change_j[row_sub])
        tier_r = np.where(after, tier1[row_sub], tier0[row_sub])
        seats_r = np.where(after, seats1[row_sub], seats0[row_sub])
        unit = price_table[tier_r, period[row_sub], ccy_i[row_sub]]
        amount = unit * seats_r
        disc = np.where(coupon[row_sub] & (j < coupon_periods[row_sub]),
                        np.round(amount * coupon_pct[row_sub]), 0).astype(np.int64)
        last = j == n_per[row_sub] - 1
        unpaid_final = last & invol[row_sub] & (j == ep["k_inv"][row_sub] - 1)
        seg = self.segment[cust[row_sub]]
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
        tr_start = self.signup[cust[tri]]
        tr_end = self.trial_end[cust[tri]]

        # ---- invoice table: renewal, then change, then trial invoices
        n_r, n_c, n_t = len(row_sub), len(chg), len(tri)
        inv_sub = np.concatenate([row_sub, chg, tri])
        inv_kind = np.concatenate([np.zeros(n_r, int), np.ones(n_c, int),
                                   np.full(n_t, 2)])
        inv_issued = np.concatenate([issued_s, c_day * DAY + rng.integers(
            0, DAY, n_c), tr_start * DAY + self.created_s[cust[tri]] % DAY])
        inv_net = np.concatenate([net_days, np.where(
            self.segment[cust[chg]] == 2, 30, 14), np.zeros(n_t, int)])
        inv_due = inv_issued + inv_net * DAY
        one_time = np.zeros(len(inv_sub), np.int64)
        first_paid = (inv_kind == 0) & (np.concatenate(
            [j, np.zeros(n_c + n_t, int)]) == 0)
        ent = self.segment[cust[inv_sub]] == 2
        one_time[first_paid & ent & (ep["no"][inv_sub] == 0)] = int(
            500 * PRICE_FACTOR["USD"]) * 100
        credit = np.where((inv_kind == 0) & (rng.random(len(inv_sub)) < 0.02),
                          -np.round(0.1 * np.concatenate(
                              [amount, np.zeros(n_c + n_t)])), 0).astype(np.int64)
        sub_amount = np.concatenate([amount, a_old + a_new, np.zeros(n_t, np.int64)])
        sub_disc = np.concatenate([disc, d_old + d_new, np.zeros(n_t, np.int64)])
        subtotal = sub_amount + one_time + credit
        tax_rate = COUNTRY_TAX[self.country[cust[inv_sub]]]
        tax = np.round(np.maximum(subtotal - sub_disc, 0) * tax_rate).astype(np.int64)
        total = subtotal - sub_disc + tax
        n_inv = len(inv_sub)
        inv_num = self.first_id * 40 + np.arange(n_inv)

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
        inv_ids_all = _ids("inv_", inv_num, 9)
        void_ids = _ids("inv_v", inv_num, 9)
        inv_id_sel = pa.concat_arrays([inv_ids_all.take(np.flatnonzero(keep)),
                                       void_ids.take(np.flatnonzero(keep & void))])
        shift = np.where(is_void, -DAY, 0)
        self.out["invoices"] = pa.table({
            "invoice_id": inv_id_sel,
            "customer_id": self.customer_ids.take(cust[inv_sub[inv_sel]]),
            "subscription_id": sub_ids.take(inv_sub[inv_sel]),
            "status": pa.array(np.where(is_void, "void", status[inv_sel])),
            "currency": pa.array(ccy[inv_sub[inv_sel]]),
            "subtotal": _money(subtotal[inv_sel]),
            "discount": _money(sub_disc[inv_sel]),
            "tax": _money(tax[inv_sel]),
            "total": _money(total[inv_sel]),
            "issued_at": _ts(inv_issued[inv_sel] + shift),
            "due_at": _ts(inv_due[inv_sel] + shift),
            "paid_at": _ts(paid_s[inv_sel], is_paid[inv_sel] & ~is_void),
        })

        # ---- line items: subscription / proration / one_time / credit
        plan_ids = np.array([f"{tr}_{p}m_{c.lower()}" for tr in TIERS for p in
                             (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
                             for c in CURRENCIES]).reshape(3, 13, 4)
        li_parts = []

        def lines(inv_idx, line_type, plan, qty, amt, dsc, ps, pe):
            ok = np.isin(inv_idx, inv_sel)
            idx = inv_idx[ok]
            dup = idx[void[idx]]
            all_idx = np.concatenate([idx, dup])
            sel = np.concatenate([np.flatnonzero(ok), np.flatnonzero(ok)[void[idx]]])
            inv_id = pa.concat_arrays([inv_ids_all.take(idx), void_ids.take(dup)])
            li_parts.append({
                "invoice_id": inv_id,
                "subscription_id": sub_ids.take(inv_sub[all_idx]),
                "plan_id": pa.array(plan[sel]),
                "line_type": pa.array([line_type] * len(all_idx), pa.string()),
                "quantity": pa.array(qty[sel]).cast(pa.string()),
                "amount": _money(amt[sel]), "discount_amount": _money(dsc[sel]),
                "currency": pa.array(ccy[inv_sub[all_idx]]),
                "period_start": _ts(ps[sel] * DAY), "period_end": _ts(pe[sel] * DAY),
            })

        r_idx = np.arange(n_r)
        lines(r_idx, "subscription",
              plan_ids[tier_r, period[row_sub], ccy_i[row_sub]], seats_r, amount,
              disc, pstart, pend)
        c_idx = n_r + np.arange(n_c)
        lines(c_idx, "proration", plan_ids[tier0[chg], period[chg], ccy_i[chg]],
              seats0[chg], a_old, d_old, c_day, c_pe)
        lines(c_idx, "proration", plan_ids[tier1[chg], period[chg], ccy_i[chg]],
              seats1[chg], a_new, d_new, c_day, c_pe)
        t_idx = n_r + n_c + np.arange(n_t)
        lines(t_idx, "subscription",
              plan_ids[tier0[tri], period[tri], ccy_i[tri]], seats0[tri],
              np.zeros(n_t, np.int64), np.zeros(n_t, np.int64), tr_start, tr_end)
        ot = np.flatnonzero(one_time != 0)
        inv_day = inv_issued // DAY
        lines(ot, "one_time", np.full(len(ot), ""), np.ones(len(ot), int),
              one_time[ot], np.zeros(len(ot), np.int64), inv_day[ot], inv_day[ot])
        cr = np.flatnonzero(credit != 0)
        lines(cr, "credit", np.full(len(cr), ""), np.ones(len(cr), int), credit[cr],
              np.zeros(len(cr), np.int64), inv_day[cr], inv_day[cr])
        li = {k: pa.concat_arrays([p[k] for p in li_parts]) for k in li_parts[0]}
        n_li = len(li["invoice_id"])
        li["plan_id"] = pc.if_else(pc.equal(li["plan_id"], ""),
                                   pa.scalar(None, pa.string()), li["plan_id"])
        for col in ("period_start", "period_end"):
            li[col] = pc.if_else(pc.is_in(li["line_type"], pa.array(
                ["one_time", "credit"])), pa.scalar(None, pa.string()), li[col])
        self.out["invoice_line_items"] = pa.table(
            {"line_item_id": _ids("li_", self.first_id * 80 + np.arange(n_li), 10),
             **li})

        # ---- payments: attempts per invoice, refunds
        inv = np.flatnonzero(keep & (total > 0))
        o = outcome[inv]
        n_fail = np.select([o == 0, o == 1, o == 2, o == 3, o == 4], [0, 1, 1, 2, 3], 0)
        pay_inv = np.concatenate([np.repeat(inv, n_fail), inv[o != 4]])
        f_rank = _group_rank(n_fail)
        pay_time = np.concatenate([
            inv_issued[np.repeat(inv, n_fail)] + 3600 + f_rank * 3 * DAY,
            paid_s[inv[o != 4]]])
        pay_ok = np.concatenate([np.zeros(int(n_fail.sum()), bool),
                                 np.ones(int((o != 4).sum()), bool)])
        refund_src = inv[(o != 4) & (rng.random(len(inv)) < 0.01)]
        ref_amt = np.where(rng.random(len(refund_src)) < 0.5, total[refund_src],
                           total[refund_src] // 2)
        ref_time = paid_s[refund_src] + rng.integers(DAY, 20 * DAY, len(refund_src))
        all_inv = np.concatenate([pay_inv, refund_src])
        all_time = np.concatenate([pay_time, ref_time])
        all_amt = np.concatenate([total[pay_inv], ref_amt])
        all_ok = np.concatenate([pay_ok, np.ones(len(refund_src), bool)])
        all_type = np.concatenate([np.full(len(pay_inv), "charge"),
                                   np.full(len(refund_src), "refund")])
        vis = all_time < h1 * DAY
        fail_reason = rng.choice(["card_declined", "insufficient_funds",
                                  "expired_card"], len(all_inv))
        self.out["payments"] = pa.table({
            "payment_id": _ids("pay_", self.first_id * 60 + np.flatnonzero(vis), 10),
            "invoice_id": inv_ids_all.take(all_inv[vis]),
            "customer_id": self.customer_ids.take(cust[inv_sub[all_inv[vis]]]),
            "payment_type": pa.array(all_type[vis]),
            "status": pa.array(np.where(all_ok[vis], "succeeded", "failed")),
            "amount": _money(all_amt[vis]),
            "currency": pa.array(ccy[inv_sub[all_inv[vis]]]),
            "created_at": _ts(all_time[vis]),
            "failure_reason": _str(fail_reason[vis], ~all_ok[vis]),
        })

        # ---- subscriptions export: state as of the horizon
        last_row = np.cumsum(n_per) - 1
        has_paid = n_per > 0
        paid_end = np.where(has_paid, pend[np.clip(last_row, 0, None)], start)
        last_due = np.where(has_paid, due_s[np.clip(last_row, 0, None)], 0)
        invol_end_s = last_due + t.past_due_grace_days * DAY
        ran_out = (n_per < k_paid) & conv  # censored by the horizon
        vol_end = _add_months(start, k_paid * period)
        cancel_s = (vol_end - rng.integers(1, 21, m)) * DAY + rng.integers(0, DAY, m)
        trial_only = ~conv
        t_end = np.where(ep["trial"], self.trial_end[cust], start)
        end_s = np.select([trial_only, invol, ~invol], [t_end * DAY, invol_end_s,
                                                        vol_end * DAY])
        canceled_s = np.select([trial_only, invol], [t_end * DAY, invol_end_s],
                               cancel_s)
        ended = ~ran_out & (end_s < h1 * DAY)
        canceled = ~ran_out & (canceled_s < h1 * DAY)
        trialing = trial_only & (t_end >= h1)
        status_s = np.select(
            [trialing, ended, invol & ~ran_out & has_paid],
            ["trialing", "canceled", "past_due"], "active")
        reason = np.where(trial_only, "trial_not_converted", np.where(
            invol, "payment_failed",
            rng.choice(CANCEL_REASONS, m, p=[.3, .2, .15, .15, .08, .07, .05])))
        cur_end = np.where(trial_only, t_end, paid_end)
        current_plan = plan_ids[np.where(has_change, tier1, tier0), period, ccy_i]
        started = np.where(ep["trial"], self.signup[cust] * DAY + (
            self.created_s[cust] % DAY), start * DAY)
        self.out["subscriptions"] = pa.table({
            "subscription_id": sub_ids,
            "customer_id": self.customer_ids.take(cust),
            "plan_id": pa.array(current_plan),
            "quantity": pa.array(np.where(has_change, seats1, seats0)).cast(
                pa.string()),
            "status": pa.array(status_s),
            "trial_start": _ts(self.signup[cust] * DAY, ep["trial"]),
            "trial_end": _ts(t_end * DAY, ep["trial"]),
            "started_at": _ts(started),
            "current_period_end": _ts(cur_end * DAY),
            "canceled_at": _ts(canceled_s, canceled),
            "ended_at": _ts(end_s, ended),
            "cancel_reason": _str(reason, canceled & (reason != "")),
        })
        # activity windows per episode, for product and support data
        act_start = np.where(ep["trial"], self.signup[cust], start)
        act_end = np.where(ran_out | ~((end_s // DAY) < h1), h1,
                           end_s // DAY).astype(np.int64)
        self.windows = (cust, act_start, np.maximum(act_end, act_start + 1),
                        ~ran_out & (end_s // DAY < h1))
        self.episode_reason = np.where(canceled & (reason != ""), reason, "")

    # -- product ----------------------------------------------------------
    def product(self):
        rng, n, h1 = self.rng, self.n, self.h1
        n_users = np.clip(np.round(self.seats0 * rng.uniform(0.3, 0.6, n)),
                          1, 15).astype(int)
        u_cust = np.repeat(np.arange(n), n_users)
        u_rank = _group_rank(n_users)
        nu = len(u_cust)
        u_num = self.first_id * 30 + np.arange(nu)
        u_created = self.created_s[u_cust] + np.where(
            u_rank == 0, 0, rng.integers(3600, 3 * DAY, nu))
        self.user_ids = _ids("usr_", u_num, 9)
        self.u_cust, self.u_created = u_cust, u_created
        # index of each customer's first user (the admin), for tickets,
        # surveys and emails
        self.first_user = np.cumsum(n_users) - n_users
        self.out["users"] = pa.table({
            "user_id": self.user_ids,
            "customer_id": self.customer_ids.take(u_cust),
            "email": pc.binary_join_element_wise(
                "user", _ids("", u_num, 9), "@company",
                _ids("", self.cid[u_cust], 6), ".example.com", ""),
            "role": pa.array(np.where(u_rank == 0, "admin", "member")),
            "created_at": _ts(u_created),
        })
        # users of each episode: cells = (episode window x user x month)
        e_cust, a0, a1, churned = self.windows
        base = rng.beta(2, 3, nu) * self.t.daily_activity_scale
        users_per = n_users[e_cust]
        ue = np.repeat(np.arange(len(e_cust)), users_per)
        uid = (np.cumsum(n_users) - n_users)[e_cust[ue]] + _group_rank(users_per)
        ws, we = a0[ue], a1[ue]
        n_months = ((we - 1).astype("datetime64[D]").astype("datetime64[M]")
                    - ws.astype("datetime64[D]").astype("datetime64[M]")
                    ).astype(int) + 1
        cell_ue = np.repeat(np.arange(len(ue)), n_months)
        k = _group_rank(n_months)
        mstart = (ws[cell_ue].astype("datetime64[D]").astype("datetime64[M]")
                  + k.astype("timedelta64[M]")).astype("datetime64[D]").astype(np.int64)
        mend = _add_months(mstart, np.ones(len(mstart), int))
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
        ev_s = np.maximum(ev_s, self.u_created[ev_user] + 60)
        ev_kind = _choice(rng, range(8), [0.3, 0.25, 0.15, 0.1, 0.04, 0.03, 0.07,
                                          0.06], len(ev_cell))
        # activation: most users view a dashboard and invite someone early
        act_users = np.flatnonzero(rng.random(nu) < 0.75)
        late = rng.random(len(act_users)) < 0.2
        act_days = np.where(late, rng.integers(7, 15, len(act_users)),
                            rng.integers(0, 7, len(act_users)))
        act_s = self.u_created[act_users] + act_days * DAY + rng.integers(
            60, DAY, len(act_users))
        ev_user = np.concatenate([ev_user, act_users, act_users])
        ev_s = np.concatenate([ev_s, act_s, act_s + 600])
        ev_kind = np.concatenate([ev_kind, np.full(len(act_users), 1),
                                  np.full(len(act_users), 4)])
        vis = ev_s < h1 * DAY
        ev_user, ev_s, ev_kind = ev_user[vis], ev_s[vis], ev_kind[vis]
        order = np.argsort(ev_s, kind="stable")
        ev_user, ev_s, ev_kind = ev_user[order], ev_s[order], ev_kind[order]
        self.out["events"] = pa.table({
            "event_id": _ids("evt_", self.first_id * 4000 + np.arange(len(ev_s)), 11),
            "user_id": self.user_ids.take(ev_user),
            "customer_id": self.customer_ids.take(self.u_cust[ev_user]),
            "event_name": pa.array(EVENT_NAMES[ev_kind]),
            "feature": _str(EVENT_FEATURES[ev_kind], EVENT_FEATURES[ev_kind] != ""),
            "occurred_at": _ts(ev_s),
        })

    # -- support ----------------------------------------------------------
    def support(self):
        rng, h1 = self.rng, self.h1
        e_cust, a0, a1, churned = self.windows
        months = np.maximum((a1 - a0) / 30.44, 0)
        seats = self.seats0[e_cust]
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
                       _choice(rng, range(4), [0.15, 0.4, 0.3, 0.15], len(t_ep)),
                       _choice(rng, range(4), [0.3, 0.5, 0.15, 0.05], len(t_ep)))
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
        t_num = self.first_id * 20 + np.arange(len(t_ep))
        category = np.where(churned[t_ep] & (rng.random(len(t_ep)) < 0.3), "billing",
                            rng.choice(TICKET_CATEGORIES, len(t_ep)))
        self.out["tickets"] = pa.table({
            "ticket_id": _ids("tkt_", t_num[vis], 9),
            "customer_id": self.customer_ids.take(cust[vis]),
            "user_id": pc.if_else(pa.array(has_user[vis]), self.user_ids.take(
                self.first_user[cust[vis]]), pa.scalar(None, pa.string())),
            "status": pa.array(status[vis]),
            "priority": pa.array(np.array(["low", "normal", "high", "urgent"])[
                pri[vis]]),
            "category": pa.array(category[vis]),
            "channel": pa.array(rng.choice(["email", "chat", "phone"], len(t_ep))[vis]),
            "opened_at": _ts(opened[vis]),
            "first_response_at": _ts(first_resp[vis], fr_vis[vis]),
            "resolved_at": _ts(resolved[vis], rs_vis[vis]),
        })
        # surveys: NPS every quarter (30% respond), CSAT/CES after tickets
        q_n = np.floor(months / 3).astype(int) + 1
        s_ep = np.repeat(np.arange(len(e_cust)), q_n)
        s_k = _group_rank(q_n)
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
        r_num = self.first_id * 20 + np.arange(int(vis_s.sum()))
        response_ids = _ids("rsp_", r_num, 9)
        # what each answer's comment is about: the situation it was given in
        s_ep_all = np.concatenate([s_ep, t_ep[after], t_ep[ces_pick]])
        leaving = churned[s_ep_all] & (a1[s_ep_all] * DAY - s_time < 120 * DAY)
        no_ticket = np.full(len(s_ep), "")
        hours = (first_resp - opened) / 3600
        comments, truth = write_comments(
            self.text_rng, s_type[vis_s], score[vis_s],
            np.where(leaving, self.episode_reason[s_ep_all], "")[vis_s],
            np.concatenate([no_ticket, category[after], category[ces_pick]])[vis_s],
            np.concatenate([np.full(len(s_ep), np.nan), hours[after],
                            hours[ces_pick]])[vis_s],
            response_ids.to_pylist())
        self.comment_truth = truth
        self.out["survey_responses"] = pa.table({
            "response_id": response_ids,
            "customer_id": self.customer_ids.take(s_cust[vis_s]),
            "user_id": self.user_ids.take(self.first_user[s_cust[vis_s]]),
            "survey_type": pa.array(s_type[vis_s]),
            "score": pa.array(score[vis_s]).cast(pa.string()),
            "comment": pa.array(comments, pa.string()),
            "responded_at": _ts(s_time[vis_s]),
        })

    # -- marketing emails ---------------------------------------------------
    def emails(self):
        rng, h0, h1 = self.rng, self.h0, self.h1
        e_cust, a0, a1, churned = self.windows
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
        self.out["email_sends"] = pa.table({
            "send_id": _ids("snd_", self.first_id * 40 + np.flatnonzero(vis), 10),
            "campaign_id": pa.array(camp[vis]),
            "customer_id": self.customer_ids.take(cust[vis]),
            "user_id": self.user_ids.take(self.first_user[cust[vis]]),
            "sent_at": _ts(sent[vis]),
            "delivered": pa.array(np.where(delivered[vis], "true", "false")),
            "opened_at": _ts(open_s[vis], (opened & (open_s < h1 * DAY))[vis]),
            "clicked_at": _ts(click_s[vis], (clicked & (click_s < h1 * DAY))[vis]),
        })

    # -- commerce (BG/NBD purchasing, Gamma-Gamma order values) -----------
    def commerce(self):
        t, rng, h1 = self.t, self.rng, self.h1
        buyers = np.flatnonzero(rng.random(self.n) < t.order_customer_share)
        nb = len(buyers)
        first = self.signup[buyers] + rng.integers(0, 60, nb)
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
        o_num = self.first_id * 20 + np.arange(no)
        order_ids = _ids("ord_", o_num, 9)
        cust = buyers[o_b]
        cancelled = rng.random(no) < 0.02
        self.out["orders"] = pa.table({
            "order_id": order_ids,
            "customer_id": self.customer_ids.take(cust),
            "status": pa.array(np.where(cancelled, "cancelled", "completed")),
            "currency": pa.array(self.currency[cust]),
            "amount": _money(amount), "ordered_at": _ts(o_s),
        })
        it_num = self.first_id * 60 + np.arange(len(it_o))
        item_ids = _ids("oi_", it_num, 10)
        self.out["order_items"] = pa.table({
            "order_item_id": item_ids, "order_id": order_ids.take(it_o),
            "product_id": _ids("prd_", rng.integers(1, 31, len(it_o)), 3),
            "quantity": pa.array(qty).cast(pa.string()),
            "unit_price": _money(unit_cents),
        })
        ret = np.flatnonzero((rng.random(len(it_o)) < 0.08) & ~cancelled[it_o])
        r_qty = np.minimum(qty[ret], rng.integers(1, 3, len(ret)))
        r_s = o_s[it_o[ret]] + rng.integers(2 * DAY, 30 * DAY, len(ret))
        rv = r_s < h1 * DAY
        self.out["returns"] = pa.table({
            "return_id": _ids("ret_", self.first_id * 10 + np.flatnonzero(rv), 9),
            "order_item_id": item_ids.take(ret[rv]),
            "quantity": pa.array(r_qty[rv]).cast(pa.string()),
            "amount": _money(r_qty[rv] * unit_cents[ret[rv]]),
            "reason": pa.array(rng.choice(RETURN_REASONS, int(rv.sum()))),
            "returned_at": _ts(r_s[rv]),
        })
        # checkouts: one per order, plus abandoned ones (some complete late)
        ab = t.checkout_abandonment
        n_ab = rng.poisson(ab / (1 - ab) * no) if no else 0
        ab_cust = rng.choice(buyers, n_ab) if nb else np.array([], int)
        ab_s = (self.signup[ab_cust] * DAY + np.floor(rng.random(n_ab) * (
            h1 - self.signup[ab_cust]) * DAY)).astype(np.int64)
        c_start = np.concatenate([o_s - rng.integers(60, 1800, no), ab_s])
        late = rng.random(no) < 0.02  # order placed after the checkout window
        c_start[:no] = np.where(late, o_s - 30 * 3600, c_start[:no])
        c_cust = np.concatenate([cust, ab_cust])
        c_order = pa.concat_arrays([order_ids, pa.nulls(n_ab, pa.string())])
        c_num = self.first_id * 40 + np.arange(len(c_cust))
        self.out["checkouts"] = pa.table({
            "checkout_id": _ids("chk_", c_num, 10),
            "customer_id": self.customer_ids.take(c_cust),
            "started_at": _ts(c_start), "order_id": c_order,
        })


def _marketing_spend(truth: Truth, rng: np.random.Generator, signups: np.ndarray,
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
        "spend_date": _date(np.concatenate(rows_day)),
        "channel": pa.array(np.concatenate(rows_ch)),
        "amount": _money(np.concatenate(rows_amt)),
        "currency": pa.array(["USD"] * sum(len(d) for d in rows_day)),
    })


# ----------------------------------------------------------------- output
class _Writer:
    def __init__(self, out: Path, fmt: str):
        self.out, self.fmt = out, fmt
        self.writers: dict[str, object] = {}
        out.mkdir(parents=True, exist_ok=True)

    def write(self, export: str, table: pa.Table):
        cols = EXPORTS[export]["columns"]
        table = table.select(cols).cast(pa.schema([(c, pa.string()) for c in cols]))
        w = self.writers.get(export)
        path = self.out / f"{export}.{self.fmt}"
        if w is None:
            if self.fmt == "parquet":
                w = pq.ParquetWriter(path, table.schema, compression="zstd")
            else:
                w = pacsv.CSVWriter(path, table.schema)
            self.writers[export] = w
        w.write_table(table)

    def close(self):
        for w in self.writers.values():
            w.close()


def generate(out_dir: str | Path, n_customers: int, seed: int = 42,
             fmt: str = "csv", start_date: str = "2024-01-01", months: int = 24,
             chunk_size: int = 20_000) -> Truth:
    """Simulate the company and write every export to out_dir."""
    truth = Truth(seed=seed, n_customers=n_customers, start_date=start_date,
                  months=months, chunk_size=chunk_size)
    h0 = int(np.datetime64(start_date, "D").astype(np.int64))
    h1 = int(_add_months(np.array([h0]), np.array([months]))[0])
    root = np.random.default_rng(seed)
    writer = _Writer(Path(out_dir), fmt)
    plans, price = plans_table(truth)
    writer.write("plans", plans)
    writer.write("fx_rates", fx_table(truth, np.random.default_rng([seed, 1]), h0,
                                      h1))
    all_signups, all_channels, comment_truth = [], [], []
    n_chunks = max(1, -(-n_customers // chunk_size))
    chunk_rngs = root.spawn(n_chunks)
    for i in range(n_chunks):
        first = i * chunk_size
        n = min(chunk_size, n_customers - first)
        chunk = _Chunk(truth, price, first + 1, n, chunk_rngs[i], h0, h1,
                       np.random.default_rng([seed, 3, i]))
        chunk.customers()
        chunk.subscriptions()
        chunk.billing()
        chunk.product()
        chunk.support()
        chunk.emails()
        chunk.commerce()
        for export, table in chunk.out.items():
            writer.write(export, table)
        comment_truth += chunk.comment_truth
        all_signups.append(chunk.signup)
        all_channels.append(chunk.channel)
    writer.write("marketing_spend", _marketing_spend(
        truth, np.random.default_rng([seed, 2]), np.concatenate(all_signups),
        np.concatenate(all_channels), h0, h1))
    writer.close()
    (Path(out_dir) / "_truth.json").write_text(json.dumps(asdict(truth), indent=2)
                                               + "\n")
    (Path(out_dir) / COMMENT_TRUTH_FILE).write_text("\n".join(
        ["response_id\ttopics\tsentiment\tlanguage\tpersonal_values",
         *comment_truth]) + "\n")
    return truth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--out", required=True)
    parser.add_argument("--format", choices=["csv", "parquet"], default="parquet")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--start-date", default="2024-01-01")
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--chunk-size", type=int, default=20_000)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    generate(args.out, args.customers, args.seed, args.format, args.start_date,
             args.months, args.chunk_size)
    elapsed = time.perf_counter() - began
    print(f"wrote {args.customers} customers to {args.out} "
          f"({args.format}) in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
