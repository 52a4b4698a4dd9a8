"""What every source system of the generator shares: the company's
constants, the generating parameters (Truth), the state of one chunk of
customers (Chunk), and the array helpers that write exports as text."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

DAY = 86_400
# the generating parameters, and the planted topics and sentiment of every
# survey comment (retention_lib.comments), beside the data
TRUTH_FILE = "_truth.json"
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
def add_months(days: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Add k calendar months to day numbers whose day of month is <= 28."""
    d = days.astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    offset = d - month.astype("datetime64[D]")
    out = (month + k.astype("timedelta64[M]")).astype("datetime64[D]") + offset
    return out.astype(np.int64)


def group_rank(counts: np.ndarray) -> np.ndarray:
    """0..n-1 within each group of np.repeat(..., counts)."""
    total = int(counts.sum())
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return np.arange(total) - starts


def ids(prefix: str, numbers: np.ndarray, width: int = 8) -> pa.Array:
    text = pc.utf8_lpad(pa.array(numbers, pa.int64()).cast(pa.string()), width, "0")
    return pc.binary_join_element_wise(pa.scalar(prefix), text, "")


def ts(seconds: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Epoch seconds -> ISO 8601 UTC strings; NULL where not valid."""
    arr = pa.array(seconds.astype("datetime64[s]"), pa.timestamp("s"))
    text = pc.strftime(arr, format="%Y-%m-%dT%H:%M:%SZ")
    if valid is not None:
        text = pc.if_else(pa.array(valid), text, pa.scalar(None, pa.string()))
    return text


def date_text(days: np.ndarray) -> pa.Array:
    arr = pa.array(days.astype("datetime64[D]"), pa.date32())
    return pc.strftime(arr, format="%Y-%m-%d")


def money(cents: np.ndarray) -> pa.Array:
    """Integer cents -> decimal strings in major units ('12.30')."""
    cents = np.asarray(cents, dtype=np.int64)
    sign = np.where(cents < 0, "-", "")
    absolute = np.abs(cents)
    major = pa.array(absolute // 100).cast(pa.string())
    minor = pc.utf8_lpad(pa.array(absolute % 100).cast(pa.string()), 2, "0")
    return pc.binary_join_element_wise(pa.array(sign), major, ".", minor, "")


def strings(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    arr = pa.array(np.asarray(values).astype(str))
    if valid is not None:
        arr = pc.if_else(pa.array(valid), arr, pa.scalar(None, pa.string()))
    return arr


def choice(rng: np.random.Generator, values, probs, size) -> np.ndarray:
    weights = np.asarray(probs) / np.sum(probs)
    return rng.choice(np.asarray(values), size=size, p=weights)


class Chunk:
    """One chunk of customers: its random streams, the state each source
    system leaves for the next (signups, windows, ...) and its exports."""

    def __init__(self, truth: Truth, price: dict, first_id: int, n: int,
                 rng: np.random.Generator, h0: int, h1: int,
                 text_rng: np.random.Generator):
        self.t, self.price, self.rng = truth, price, rng
        # comments draw from their own stream: every other export stays the
        # same whatever the comments are
        self.text_rng = text_rng
        self.first_id, self.n, self.h0, self.h1 = first_id, n, h0, h1
        self.out: dict[str, pa.Table] = {}
