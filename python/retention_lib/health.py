"""Customer health score: components, weighted score, bands and back-test.

docs/metrics.md section 7. The dbt Python models fct_customer_health_snapshots
and fct_health_score_backtest call these functions on the inputs of
int_health_inputs_aggregated_to_customer_week.

Components, each 0-100 (higher is healthier); a missing input gets the
neutral value 50, never NULL:
- usage = 100 x (0.6 x active share + 0.4 x trend), active share = users
  active in the last 30 days / users (neutral without users), trend =
  events in the last 30 days / events in the 30 before, capped at 2 and
  halved (0.5 = flat; neutral when both windows are empty, 1 when activity
  starts from nothing);
- breadth = 100 x key features used last month / key features;
- support = 100 - 10 x open tickets - 25 x open urgent or high tickets -
  15 x slow resolutions in 90 days, floored at 0;
- billing = 100 - 35 x failed payments in 90 days - 50 x overdue invoices,
  floored at 0;
- sentiment = 10 x the latest NPS score, else 25 x (latest CSAT - 1),
  else neutral.
A system that is missing altogether (inputs has_product_data or
has_support_data false: its export holds no staged row) gives its
components the neutral value: no events means "no product data", not
"customers did nothing" (usage and breadth), and no tickets means "no
support system", not a clean record (support).
health_score = the weighted sum rounded to an integer; bands green >=
green_min, yellow >= yellow_min, red below.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NEUTRAL = 50.0
COMPONENTS = ["usage", "breadth", "support", "billing", "sentiment"]
# input flag -> the components that are neutral when it is false
SYSTEM_COMPONENTS = {"has_product_data": ["usage", "breadth"],
                     "has_support_data": ["support"]}


def components(inputs: pd.DataFrame, n_key_features: int) -> pd.DataFrame:
    """The five component scores (0-100) of each input row."""
    users = inputs["user_count"].astype(float)
    active_share = np.where(users > 0,
                            np.minimum(inputs["active_users_30d"] / users.where(
                                users > 0, 1), 1.0), NEUTRAL / 100)
    recent = inputs["events_30d"].astype(float)
    before = inputs["events_previous_30d"].astype(float)
    trend = np.where(before > 0, np.minimum(recent / before.where(before > 0, 1),
                                            2.0) / 2,
                     np.where(recent > 0, 1.0, NEUTRAL / 100))
    out = pd.DataFrame(index=inputs.index)
    out["usage"] = 100 * (0.6 * active_share + 0.4 * trend)
    out["breadth"] = (100 * inputs["key_features_used"].astype(float)
                      / max(n_key_features, 1)).clip(0, 100)
    out["support"] = (100 - 10 * inputs["open_tickets"]
                      - 25 * inputs["open_urgent_tickets"]
                      - 15 * inputs["slow_resolutions_90d"]).clip(lower=0)
    out["billing"] = (100 - 35 * inputs["failed_payments_90d"]
                      - 50 * inputs["overdue_invoices"]).clip(lower=0)
    nps = inputs["latest_nps_score"].astype(float)
    csat = inputs["latest_csat_score"].astype(float)
    out["sentiment"] = np.where(nps.notna(), 10 * nps,
                                np.where(csat.notna(), 25 * (csat - 1), NEUTRAL))
    for flag, names in SYSTEM_COMPONENTS.items():
        if flag in inputs:
            present = inputs[flag].astype(bool).to_numpy()
            for name in names:
                out[name] = np.where(present, out[name], NEUTRAL)
    return out.astype(float)


def check_weights(weights: dict) -> dict[str, float]:
    missing = set(COMPONENTS) - set(weights)
    extra = set(weights) - set(COMPONENTS)
    if missing or extra:
        raise ValueError(f"var health_weights needs exactly {COMPONENTS}; "
                         f"missing {sorted(missing)}, unknown {sorted(extra)}")
    values = {name: float(weights[name]) for name in COMPONENTS}
    if any(v < 0 for v in values.values()) or abs(sum(values.values()) - 1) > 1e-9:
        raise ValueError(f"var health_weights must be >= 0 and sum to 1, got "
                         f"{values} (sum {sum(values.values())})")
    return values


def band(score, green_min: float, yellow_min: float) -> np.ndarray:
    score = np.asarray(score, dtype=float)
    return np.where(score >= green_min, "green",
                    np.where(score >= yellow_min, "yellow", "red"))


def score_snapshots(inputs: pd.DataFrame, *, weights: dict,
                    n_key_features: int, green_min: float,
                    yellow_min: float) -> pd.DataFrame:
    """Inputs + components, weighted contributions, health_score and band."""
    weights = check_weights(weights)
    parts = components(inputs, n_key_features)
    out = inputs[["snapshot_date", "customer_id"]].copy()
    for name in COMPONENTS:
        out[f"{name}_score"] = parts[name]
    for name in COMPONENTS:
        out[f"{name}_contribution"] = parts[name] * weights[name]
    raw = sum(out[f"{name}_contribution"] for name in COMPONENTS)
    out["health_score"] = np.floor(raw + 0.5).astype("int64").clip(0, 100)
    out["health_band"] = band(out["health_score"], green_min, yellow_min)
    for flag in SYSTEM_COMPONENTS:
        out[flag] = inputs[flag].astype(bool) if flag in inputs else True
    return out


def roc_auc(risk, churned) -> float:
    """Probability that a random churner has a higher risk than a random
    stayer (ties count half): the Mann-Whitney statistic from midranks.
    NaN when either class is empty."""
    risk = np.asarray(risk, dtype=float)
    churned = np.asarray(churned, dtype=bool)
    positives, negatives = churned.sum(), (~churned).sum()
    if positives == 0 or negatives == 0:
        return float("nan")
    ranks = pd.Series(risk).rank(method="average").to_numpy()
    return float((ranks[churned].sum() - positives * (positives + 1) / 2)
                 / (positives * negatives))


def top_decile_lift(risk, churned) -> float:
    """Churn rate of the riskiest tenth (at least one customer; ties broken
    by order of input) over the overall churn rate; NaN without churn."""
    risk = np.asarray(risk, dtype=float)
    churned = np.asarray(churned, dtype=bool)
    if churned.sum() == 0:
        return float("nan")
    size = max(1, int(np.ceil(risk.size / 10)))
    top = np.argsort(-risk, kind="stable")[:size]
    return float(churned[top].mean() / churned.mean())


def churn_labels(snapshots: pd.DataFrame, churn_months: pd.DataFrame,
                 horizon_days: int = 90) -> pd.Series:
    """Whether each (snapshot_date, customer_id) has a logo churn within
    horizon_days after the snapshot: a churn month whose last day falls in
    (snapshot_date, snapshot_date + horizon_days]."""
    events = churn_months[["customer_id", "date_month"]].copy()
    month = pd.to_datetime(events["date_month"])
    events["churn_date"] = month + pd.offsets.MonthEnd(0)
    pairs = snapshots[["snapshot_date", "customer_id"]].reset_index().merge(
        events[["customer_id", "churn_date"]], on="customer_id", how="left")
    snap = pd.to_datetime(pairs["snapshot_date"])
    pairs["hit"] = ((pairs["churn_date"] > snap)
                    & (pairs["churn_date"] <= snap + pd.Timedelta(days=horizon_days)))
    hits = pairs.groupby("index")["hit"].any()
    return hits.reindex(snapshots.index, fill_value=False)


def backtest(snapshots: pd.DataFrame, churn_months: pd.DataFrame, as_of_date,
             horizon_days: int = 90) -> pd.DataFrame:
    """Per back-test snapshot (one whose horizon has fully passed by
    as_of_date) and for all of them pooled: customers, churners, churn
    rate, ROC AUC of 100 - health_score, top-decile lift, churn rate per
    band and the AUC of each component alone (100 - component)."""
    as_of = pd.Timestamp(as_of_date)
    snap = pd.to_datetime(snapshots["snapshot_date"])
    # in a fixed order: top_decile_lift breaks ties by position, and the
    # rows arrive from SQL in no particular order (repeatable builds)
    eligible = snapshots[snap + pd.Timedelta(days=horizon_days) <= as_of].sort_values(
        ["snapshot_date", "customer_id"], kind="stable").copy()
    columns = ["scope", "snapshot_date", "customers", "churned_customers",
               "churn_rate", "roc_auc", "top_decile_lift", "green_churn_rate",
               "yellow_churn_rate", "red_churn_rate"] + [
        f"{name}_roc_auc" for name in COMPONENTS]
    if eligible.empty:
        return pd.DataFrame(columns=columns)
    eligible["churned"] = churn_labels(eligible, churn_months, horizon_days)
    rows = []
    groups = [("snapshot", date, group)
              for date, group in eligible.groupby("snapshot_date")]
    groups.append(("all_snapshots", None, eligible))
    for scope, date, group in groups:
        churned = group["churned"].to_numpy()
        risk = 100 - group["health_score"].to_numpy(dtype=float)
        row = {"scope": scope, "snapshot_date": date,
               "customers": len(group), "churned_customers": int(churned.sum()),
               "churn_rate": float(churned.mean()),
               "roc_auc": roc_auc(risk, churned),
               "top_decile_lift": top_decile_lift(risk, churned)}
        for name in ("green", "yellow", "red"):
            in_band = (group["health_band"] == name).to_numpy()
            row[f"{name}_churn_rate"] = (float(churned[in_band].mean())
                                         if in_band.any() else float("nan"))
        for name in COMPONENTS:
            row[f"{name}_roc_auc"] = roc_auc(
                100 - group[f"{name}_score"].to_numpy(dtype=float), churned)
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)
