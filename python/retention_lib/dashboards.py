"""Static retention dashboards: one self-contained HTML page per dashboard
exposure (warehouse/dashboards/<exposure>.html) and an index page, read
from the published marts only.

Each page shows the as-of date and the data's time range, the headline
figures of the latest complete month with the previous month and the
change (fct_headline_metrics_monthly), and charts drawn by Vega-Lite (specs
written with altair; the Vega, Vega-Lite and Vega-Embed libraries inlined
once per page from vl-convert, so a page opens from file:// with no
network). Beside each chart: the definition of what it shows, read from
the column descriptions of the manifest. Rates are lines whose month of
as_of_date, when incomplete, is drawn as a hollow triangle ("partial
month"); a sliced mart gets a "Slice by" selector; cohorts are heatmaps
(future cells blank, an "All cohorts" row on top); the MRR bridge is a
waterfall.

Usage: python -m retention_lib.dashboards --warehouse warehouse \
           --manifest target/manifest.json
"""

from __future__ import annotations

import argparse
import html
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import altair as alt
import duckdb
import pandas as pd

from retention_lib.runner import published_docs, read_manifest

PARTIAL = "partial month"
COMPLETE = "complete month"
WIDTH, HEIGHT = 560, 220
UNIT_SUFFIX = {"days": " d", "hours": " h", "months": " mo"}


@dataclass
class Chart:
    """One chart: its key (the DOM id), title, Vega-Lite spec, and the
    mart columns it shows (their descriptions are its definition)."""

    key: str
    title: str
    spec: alt.TopLevelMixin
    columns: list[tuple[str, str]]


@dataclass
class Table:
    """An HTML table of rows (alerts, renewals): key, title, the frame."""

    key: str
    title: str
    frame: pd.DataFrame
    columns: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Page:
    name: str
    title: str
    headline: list[str]
    build: Callable[[Data], list[Chart | Table]]


class Data:
    """Read-only queries on the published file."""

    def __init__(self, published: Path):
        self.con = duckdb.connect(str(published), read_only=True)
        as_of = self.con.execute(
            "select as_of_date, first_activity_date from util_as_of_date"
        ).fetchone()
        self.as_of_date, self.first_date = as_of

    def df(self, sql: str) -> pd.DataFrame:
        """The query's rows (DuckDB hands DATE columns to pandas as
        datetime64, which altair writes as ISO dates)."""
        return self.con.execute(sql).df()

    def has(self, table: str) -> bool:
        return bool(self.con.execute(
            "select count(*) from information_schema.tables "
            "where table_name = ?", [table]).fetchone()[0])

    def close(self) -> None:
        self.con.close()


# ------------------------------------------------------------------ charts
def _period(frame: pd.DataFrame) -> pd.Series:
    if "is_complete_period" not in frame:
        return pd.Series(COMPLETE, index=frame.index)
    return frame["is_complete_period"].map(
        lambda complete: PARTIAL if complete is False else COMPLETE)


def _point_marks(base: alt.Chart) -> alt.Chart:
    """Points that show which month is partial (a triangle, not a dot)."""
    return base.mark_point(size=60, filled=True).encode(
        shape=alt.Shape("period:N", title=None, scale=alt.Scale(
            domain=[COMPLETE, PARTIAL], range=["circle", "triangle-down"])))


def lines(key: str, title: str, frame: pd.DataFrame, x: str,
          metrics: dict[str, str], mart: str, fmt: str = ",.2f") -> Chart:
    """One line per metric over time, the partial month marked."""
    long = frame.melt(id_vars=[x], value_vars=list(metrics),
                      var_name="column", value_name="value")
    long["metric"] = long["column"].map(metrics)
    long["period"] = list(_period(frame)) * len(metrics)
    base = alt.Chart(long).encode(
        x=alt.X(f"{x}:T", title=None),
        y=alt.Y("value:Q", title=None, axis=alt.Axis(format=fmt),
                scale=alt.Scale(zero=False)),
        color=alt.Color("metric:N", title=None),
        tooltip=[alt.Tooltip(f"{x}:T"), "metric:N",
                 alt.Tooltip("value:Q", format=fmt), "period:N"])
    spec = (base.mark_line() + _point_marks(base)).properties(
        width=WIDTH, height=HEIGHT)
    return Chart(key, title, spec, [(mart, c) for c in metrics])


def sliced_lines(key: str, title: str, frame: pd.DataFrame, metric: str,
                 mart: str, fmt: str = ",.2f", x: str = "date_month") -> Chart:
    """A metric of a sliced mart over time, one line per value of the
    dimension picked in the "Slice by" selector (all by default)."""
    frame = frame[[x, "dimension_name", "dimension_value", metric,
                   *(["is_complete_period"] if "is_complete_period" in frame
                     else [])]].copy()
    frame["period"] = _period(frame)
    options = ["all", *sorted(set(frame["dimension_name"]) - {"all"})]
    selector = alt.param(name=f"slice_{key}", value="all", bind=alt.binding_select(
        options=options, name="Slice by "))
    base = alt.Chart(frame).transform_filter(
        alt.datum.dimension_name == selector).encode(
        x=alt.X(f"{x}:T", title=None),
        y=alt.Y(f"{metric}:Q", title=None, axis=alt.Axis(format=fmt),
                scale=alt.Scale(zero=False)),
        color=alt.Color("dimension_value:N", title=None),
        tooltip=[alt.Tooltip(f"{x}:T"), "dimension_value:N",
                 alt.Tooltip(f"{metric}:Q", format=fmt), "period:N"])
    spec = (base.mark_line() + _point_marks(base)).add_params(selector).properties(
        width=WIDTH, height=HEIGHT)
    return Chart(key, title, spec, [(mart, metric)])


def bars(key: str, title: str, frame: pd.DataFrame, category: str,
         value: str, mart: str, fmt: str = ",.0f",
         columns: list[str] | None = None) -> Chart:
    spec = alt.Chart(frame).mark_bar().encode(
        x=alt.X(f"{value}:Q", title=None, axis=alt.Axis(format=fmt)),
        y=alt.Y(f"{category}:N", title=None, sort="-x"),
        tooltip=[f"{category}:N", alt.Tooltip(f"{value}:Q", format=fmt)],
    ).properties(width=WIDTH, height=max(80, 22 * len(frame)))
    return Chart(key, title, spec, [(mart, c) for c in (columns or [value])])


def share_bars(key: str, title: str, frame: pd.DataFrame,
               metrics: dict[str, str], mart: str) -> Chart:
    """Shares per month as bars side by side; the partial month paler."""
    long = frame.melt(id_vars=["date_month"], value_vars=list(metrics),
                      var_name="column", value_name="value")
    long["metric"] = long["column"].map(metrics)
    long["period"] = list(_period(frame)) * len(metrics)
    spec = alt.Chart(long).mark_bar().encode(
        x=alt.X("yearmonth(date_month):O", title=None),
        xOffset="metric:N",
        y=alt.Y("value:Q", title=None, axis=alt.Axis(format=".0%")),
        color=alt.Color("metric:N", title=None),
        opacity=alt.Opacity("period:N", title=None, scale=alt.Scale(
            domain=[COMPLETE, PARTIAL], range=[1.0, 0.4])),
        tooltip=[alt.Tooltip("date_month:T"), "metric:N",
                 alt.Tooltip("value:Q", format=".1%"), "period:N"],
    ).properties(width=WIDTH, height=HEIGHT)
    return Chart(key, title, spec, [(mart, c) for c in metrics])


def waterfall(key: str, title: str, row: pd.Series, mart: str) -> Chart:
    """The MRR bridge of one month: start, each movement, end."""
    steps = [("MRR at start", "mrr_start", "total"),
             ("new", "new_mrr", "+"), ("reactivation", "reactivation_mrr", "+"),
             ("expansion", "expansion_mrr", "+"),
             ("contraction", "contraction_mrr", "-"),
             ("churn", "churn_mrr", "-"), ("exchange rates", "fx_mrr", "+"),
             ("MRR at end", "mrr", "total")]
    rows, level = [], 0.0
    for order, (label, column, kind) in enumerate(steps):
        amount = float(row[column])
        if kind == "total":
            start, end, level = 0.0, amount, amount
        else:
            delta = amount if kind == "+" else -amount
            start, end = level, level + delta
            level = end
            kind = "increase" if delta >= 0 else "decrease"
        rows.append({"order": order, "step": label, "start": start, "end": end,
                     "amount": end - start, "kind": kind})
    frame = pd.DataFrame(rows)
    spec = alt.Chart(frame).mark_bar().encode(
        x=alt.X("step:N", sort=[s[0] for s in steps], title=None),
        y=alt.Y("start:Q", title=None, axis=alt.Axis(format=",.0f"),
                scale=alt.Scale(zero=False)),
        y2="end:Q",
        color=alt.Color("kind:N", title=None, scale=alt.Scale(
            domain=["total", "increase", "decrease"],
            range=["#4c78a8", "#54a24b", "#e45756"])),
        tooltip=["step:N", alt.Tooltip("amount:Q", format=",.2f")],
    ).properties(width=WIDTH, height=HEIGHT)
    return Chart(key, title, spec, [(mart, s[1]) for s in steps])


def cohort_heatmap(key: str, title: str, frame: pd.DataFrame, rate: str,
                   weight: str, mart: str) -> Chart:
    """Cohorts down, months since start across; cells a cohort has not
    reached yet are blank; the top row is all cohorts together (weighted
    by `weight`, over the cohorts that reached that month)."""
    frame = frame[["cohort_month", "months_since_start", rate, weight]].dropna(
        subset=[rate]).copy()
    frame["cohort"] = pd.to_datetime(frame["cohort_month"]).dt.strftime("%Y-%m")
    frame["weighted"] = frame[rate] * frame[weight]
    average = frame.groupby("months_since_start", as_index=False)[
        ["weighted", weight]].sum()
    average[rate] = average["weighted"] / average[weight].where(average[weight] != 0)
    average["cohort"] = "All cohorts"
    cells = pd.concat([average[["cohort", "months_since_start", rate]],
                       frame[["cohort", "months_since_start", rate]]])
    order = ["All cohorts", *sorted(frame["cohort"].unique())]
    spec = alt.Chart(cells).mark_rect().encode(
        x=alt.X("months_since_start:O", title="months since start"),
        y=alt.Y("cohort:N", sort=order, title=None),
        color=alt.Color(f"{rate}:Q", title=None, scale=alt.Scale(
            scheme="blues", domain=[0, 1]), legend=alt.Legend(format="%")),
        tooltip=["cohort:N", "months_since_start:O",
                 alt.Tooltip(f"{rate}:Q", format=".1%")],
    ).properties(width=WIDTH, height=max(120, 14 * len(order)))
    return Chart(key, title, spec, [(mart, rate), (mart, weight)])


# ------------------------------------------------------------------- pages
def finance_page(data: Data) -> list[Chart | Table]:
    kpis = data.df("""select date_month, is_complete_period,
        cast(mrr as double) as mrr, cast(mrr_start as double) as mrr_start,
        cast(new_mrr as double) as new_mrr,
        cast(reactivation_mrr as double) as reactivation_mrr,
        cast(expansion_mrr as double) as expansion_mrr,
        cast(contraction_mrr as double) as contraction_mrr,
        cast(churn_mrr as double) as churn_mrr, cast(fx_mrr as double) as fx_mrr,
        nrr_monthly, grr_monthly, customer_churn_rate, gross_revenue_churn_rate,
        nrr_12m, grr_12m
        from fct_retention_kpis_monthly order by date_month""")
    complete = kpis[kpis["is_complete_period"]]
    items: list[Chart | Table] = [
        lines("mrr", "MRR", kpis, "date_month", {"mrr": "MRR"},
              "fct_retention_kpis_monthly", ",.0f")]
    if len(complete):
        last = complete.iloc[-1]
        items.append(waterfall(
            "mrr_bridge", f"MRR bridge, {last['date_month']:%B %Y}", last,
            "fct_retention_kpis_monthly"))
    items += [
        lines("nrr_grr", "Net and gross revenue retention (monthly and 12 months)",
              kpis, "date_month", {"nrr_monthly": "NRR monthly",
                                   "grr_monthly": "GRR monthly",
                                   "nrr_12m": "NRR 12 months",
                                   "grr_12m": "GRR 12 months"},
              "fct_retention_kpis_monthly", ".1%"),
        lines("churn", "Customer and gross revenue churn", kpis, "date_month",
              {"customer_churn_rate": "customer churn",
               "gross_revenue_churn_rate": "gross revenue churn"},
              "fct_retention_kpis_monthly", ".1%"),
        sliced_lines("mrr_by_slice", "MRR by slice", data.df(
            """select date_month, dimension_name, dimension_value,
                      cast(mrr as double) as mrr, is_complete_period
               from fct_mrr_by_dimension_monthly order by date_month"""),
            "mrr", "fct_mrr_by_dimension_monthly", ",.0f"),
    ]
    reasons = data.df("""select cancel_reason,
            sum(churned_customers) as churned_customers
        from fct_churn_reasons_monthly
        where date_month > (select max(date_month) from fct_churn_reasons_monthly)
            - interval 12 month
        group by 1 order by 2 desc""")
    if len(reasons):
        items.append(bars("churn_reasons", "Churn reasons, last 12 months", reasons,
                          "cancel_reason", "churned_customers",
                          "fct_churn_reasons_monthly"))
    cohorts = data.df("""select cohort_month, months_since_start,
        logo_retention_rate, revenue_retention_rate, cohort_size,
        cast(cohort_mrr as double) as cohort_mrr
        from fct_cohort_retention_monthly""")
    if len(cohorts):
        items += [
            cohort_heatmap("logo_cohorts", "Logo retention by cohort", cohorts,
                           "logo_retention_rate", "cohort_size",
                           "fct_cohort_retention_monthly"),
            cohort_heatmap("revenue_cohorts", "Revenue retention by cohort",
                           cohorts, "revenue_retention_rate", "cohort_mrr",
                           "fct_cohort_retention_monthly"),
        ]
    return items


def product_page(data: Data) -> list[Chart | Table]:
    monthly = data.df("""select e.date_month, m.is_complete_period, e.active_users,
        e.active_accounts, e.stickiness_ratio, e.usage_depth
        from fct_engagement_monthly as e
        inner join util_months as m on e.date_month = m.date_month
        order by 1""")
    signups = data.df("""select cast(date_trunc('month', signup_date) as date)
            as date_month,
        sum(day_1_retained_users) / nullif(sum(day_1_eligible_users), 0)
            as day_1_retention_rate,
        sum(day_7_retained_users) / nullif(sum(day_7_eligible_users), 0)
            as day_7_retention_rate,
        sum(day_30_retained_users) / nullif(sum(day_30_eligible_users), 0)
            as day_30_retention_rate
        from fct_signup_cohort_retention_daily group by 1 order by 1""")
    items: list[Chart | Table] = [
        lines("active", "Monthly active users and accounts", monthly, "date_month",
              {"active_users": "active users", "active_accounts": "active accounts"},
              "fct_engagement_monthly", ",.0f"),
        lines("stickiness", "Stickiness (average DAU / MAU)", monthly, "date_month",
              {"stickiness_ratio": "stickiness"}, "fct_engagement_monthly", ".1%"),
        sliced_lines("stickiness_by_slice", "Stickiness by slice", data.df(
            """select date_month, dimension_name, dimension_value, stickiness_ratio
               from fct_engagement_by_dimension_monthly order by 1"""),
            "stickiness_ratio", "fct_engagement_by_dimension_monthly", ".1%"),
        lines("early_retention", "Early retention of new users (day 1, 7, 30)",
              signups, "date_month", {"day_1_retention_rate": "day 1",
                                      "day_7_retention_rate": "day 7",
                                      "day_30_retention_rate": "day 30"},
              "fct_signup_cohort_retention_daily", ".0%"),
        sliced_lines("activation", "Account activation rate by signup month",
                     data.df("""select signup_month, dimension_name, dimension_value,
                                       activation_rate
                                from fct_activation_monthly
                                where entity_type = 'account' order by 1"""),
                     "activation_rate", "fct_activation_monthly", ".0%",
                     x="signup_month"),
    ]
    features = data.df("""select feature_name, feature_adoption_rate
        from fct_feature_adoption_monthly
        where date_month = (select max(date_month) from fct_feature_adoption_monthly)
        order by 2 desc""")
    if len(features):
        items.append(bars("feature_adoption", "Feature adoption, latest month",
                          features, "feature_name", "feature_adoption_rate",
                          "fct_feature_adoption_monthly", ".0%"))
    return items


def marketing_page(data: Data) -> list[Chart | Table]:
    channels = data.df("""select acquisition_channel, sum(cast(spend_amount as double))
            as spend_amount, sum(new_customers) as new_customers
        from fct_acquisition_monthly where acquisition_channel != 'all'
        group by 1 order by 2 desc""")
    total = data.df("""select a.date_month, a.is_complete_period,
            cast(a.cac as double) as cac, a.ltv_to_cac_ratio
        from fct_acquisition_monthly as a where acquisition_channel = 'all'
        order by 1""")
    email = data.df("""select date_month, sum(emails_opened) / nullif(
            sum(emails_delivered), 0) as email_open_rate
        from fct_email_campaigns_monthly group by 1 order by 1""")
    return [
        bars("spend_by_channel", "Acquisition spend by channel, all months",
             channels, "acquisition_channel", "spend_amount",
             "fct_acquisition_monthly"),
        lines("cac", "Customer acquisition cost", total, "date_month",
              {"cac": "CAC"}, "fct_acquisition_monthly", ",.0f"),
        lines("ltv_to_cac", "LTV / CAC", total, "date_month",
              {"ltv_to_cac_ratio": "LTV / CAC"}, "fct_acquisition_monthly", ".1f"),
        lines("email_open_rate", "E-mail open rate", email, "date_month",
              {"email_open_rate": "open rate"}, "fct_email_campaigns_monthly",
              ".0%"),
    ]


def voice_page(data: Data) -> list[Chart | Table]:
    voice = data.df("""select v.*, m.is_complete_period
        from fct_voice_of_customer_monthly as v
        inner join util_months as m on v.date_month = m.date_month
        order by v.date_month""")
    support = data.df("""select s.*, m.is_complete_period
        from fct_support_monthly as s
        inner join util_months as m on s.date_month = m.date_month
        order by s.date_month""")
    topics = data.df("""select topic, sum(mentions) as mentions
        from fct_voice_of_customer_topics_monthly
        where dimension_name = 'all' and date_month > (
            select max(date_month) from fct_voice_of_customer_topics_monthly)
            - interval 3 month
        group by 1 having sum(mentions) > 0 order by 2 desc""")
    items: list[Chart | Table] = [
        sliced_lines("nps", "Net promoter score", voice, "nps",
                     "fct_voice_of_customer_monthly", ".0f"),
        sliced_lines("csat", "CSAT rate", voice, "csat_rate",
                     "fct_voice_of_customer_monthly", ".0%"),
        sliced_lines("ces", "Customer effort score", voice, "ces_score",
                     "fct_voice_of_customer_monthly", ".2f"),
        sliced_lines("tickets", "Tickets opened", support, "tickets_opened",
                     "fct_support_monthly", ",.0f"),
        sliced_lines("first_response", "Median hours to first response", support,
                     "first_response_hours_median", "fct_support_monthly", ".1f"),
    ]
    if len(topics):
        items.append(bars("topics", "What comments are about, last 3 months",
                          topics, "topic", "mentions",
                          "fct_voice_of_customer_topics_monthly"))
    return items


def commerce_page(data: Data) -> list[Chart | Table]:
    commerce = data.df("""select c.*, m.is_complete_period
        from fct_commerce_monthly as c
        inner join util_months as m on c.date_month = m.date_month
        order by c.date_month""")
    reasons = data.df("""select return_reason, sum(return_count) as return_count
        from fct_return_reasons_monthly group by 1 order by 2 desc""")
    if commerce.empty:
        return []
    items: list[Chart | Table] = [
        sliced_lines("repeat_purchase", "Repeat purchase rate", commerce,
                     "repeat_purchase_rate", "fct_commerce_monthly", ".0%"),
        sliced_lines("days_between", "Median days between purchases", commerce,
                     "median_days_between_purchases", "fct_commerce_monthly", ".0f"),
        sliced_lines("return_rate", "Product return rate", commerce,
                     "product_return_rate", "fct_commerce_monthly", ".1%"),
        sliced_lines("abandonment", "Checkout abandonment rate", commerce,
                     "checkout_abandonment_rate", "fct_commerce_monthly", ".0%"),
    ]
    if len(reasons):
        items.append(bars("return_reasons", "Return reasons, all months", reasons,
                          "return_reason", "return_count",
                          "fct_return_reasons_monthly"))
    return items


def health_page(data: Data) -> list[Chart | Table]:
    if not data.has("dim_customer_health"):
        return []
    bands = data.df("""select health_band, count(*) as customers
        from dim_customer_health group by 1 order by 2 desc""")
    alerts = data.df("""select customer_id, health_score, health_band,
            weakest_component, top_ticket_categories, latest_negative_topics
        from fct_health_alerts order by health_score limit 25""")
    renewals = data.df("""select customer_id, subscription_id,
            cast(term_ends_at as date) as term_ends_at, health_score, health_band
        from fct_renewals_at_risk order by term_ends_at limit 25""")
    # how far the lifetime-value predictions can be trusted: each model
    # refitted before the holdout window, against what happened in it
    backtest = data.df("""select model, holdout_start_date, holdout_end_date,
            customers, unscored_customers, round(predicted, 1) as predicted,
            round(actual, 1) as actual,
            round(mean_absolute_error, 3) as mean_absolute_error,
            status_reason
        from fct_clv_backtest where comparison = 'total' order by model"""
                       ) if data.has("fct_clv_backtest") else pd.DataFrame()
    # the learned churn-risk model beside the score: riskiest first, and
    # how both did out of time
    risks = data.df("""select customer_id, round(churn_probability, 3)
            as churn_probability, risk_decile, top_reason_1, top_reason_2,
            top_reason_3, health_score, health_band
        from fct_churn_risk_scores where churn_probability is not null
        order by churn_probability desc, customer_id limit 25"""
                    ) if data.has("fct_churn_risk_scores") else pd.DataFrame()
    scorers = data.df("""select scorer, observations, churned_observations,
            round(roc_auc, 3) as roc_auc, round(roc_auc_ci_low, 3) as ci_low,
            round(roc_auc_ci_high, 3) as ci_high,
            round(top_decile_lift, 2) as top_decile_lift,
            first_evaluation_date, last_evaluation_date, status_reason
        from fct_churn_risk_backtest where section = 'overall'
        order by scorer""") if data.has("fct_churn_risk_backtest") \
        else pd.DataFrame()
    forecast = data.df("""select forecast_month as date_month,
            forecast_mrr, forecast_mrr_p10, forecast_mrr_p90
        from fct_mrr_forecast_monthly order by forecast_month"""
                       ) if data.has("fct_mrr_forecast_monthly") else pd.DataFrame()
    # how far the forecast was off when it was made 3, 6, 12 months ago
    forecast_backtest = data.df("""select months_back, origin_month,
            round(mean_absolute_percentage_error, 4)
                as mean_absolute_percentage_error,
            round(max(case when months_ahead = months_back
                then absolute_percentage_error end), 4)
                as absolute_percentage_error_at_end,
            sum(case when is_actual_within_p10_p90 then 1 else 0 end)
                as months_within_p10_p90,
            count(*) as months
        from fct_mrr_forecast_backtest
        group by 1, 2, 3 order by months_back"""
                                ) if data.has("fct_mrr_forecast_backtest") \
        else pd.DataFrame()
    forecast_items: list[Chart | Table] = []
    if len(forecast):
        history = data.df("""select date_month, cast(mrr as double) as mrr
            from fct_retention_kpis_monthly where is_complete_period
            order by date_month desc limit 12""")
        shown = pd.concat([history, forecast], ignore_index=True)
        forecast_items = [
            lines("mrr_forecast", "MRR: the last 12 months and the forecast "
                  "(p10-p90)", shown, "date_month",
                  {"mrr": "MRR", "forecast_mrr": "forecast",
                   "forecast_mrr_p10": "p10", "forecast_mrr_p90": "p90"},
                  "fct_mrr_forecast_monthly", ",.0f"),
            Table("mrr_forecast_backtest", "MRR forecast made 3, 6 and 12 "
                  "months ago, against the actual MRR", forecast_backtest,
                  [("fct_mrr_forecast_backtest",
                    "absolute_percentage_error")])]
    return [
        bars("health_bands", "Paying customers by health band", bands,
             "health_band", "customers", "dim_customer_health",
             columns=["health_band"]),
        Table("alerts", "Health alerts (lowest scores first)", alerts,
              [("fct_health_alerts", "health_score")]),
        Table("renewals", "Renewals at risk (soonest first)", renewals,
              [("fct_renewals_at_risk", "term_ends_at")]),
        *([Table("churn_risk", "Churn risk, learned model (highest first)",
                 risks, [("fct_churn_risk_scores", "churn_probability"),
                         ("fct_churn_risk_scores", "top_reason_1")])]
          if len(risks) else []),
        *([Table("churn_backtest", "Churn model and health score out of time",
                 scorers, [("fct_churn_risk_backtest", "roc_auc"),
                           ("fct_churn_risk_backtest", "roc_auc_ci_low")])]
          if len(scorers) else []),
        *([Table("clv_backtest", "Lifetime-value predictions against the "
                 "holdout window", backtest,
                 [("fct_clv_backtest", "predicted"),
                  ("fct_clv_backtest", "mean_absolute_error")])]
          if len(backtest) else []),
        *forecast_items,
    ]


def overview_page(data: Data) -> list[Chart | Table]:
    kpis = data.df("""select date_month, is_complete_period, nrr_monthly,
            mrr_growth_rate, customer_churn_rate, gross_revenue_churn_rate,
            premium_customer_share, loyal_customer_share
        from fct_retention_kpis_monthly order by date_month""")
    return [
        lines("nrr", "Net revenue retention (monthly)", kpis, "date_month",
              {"nrr_monthly": "NRR monthly"}, "fct_retention_kpis_monthly", ".1%"),
        lines("mrr_growth", "MRR growth", kpis, "date_month",
              {"mrr_growth_rate": "MRR growth"}, "fct_retention_kpis_monthly",
              ".1%"),
        lines("churn", "Customer and revenue churn", kpis, "date_month",
              {"customer_churn_rate": "customer churn",
               "gross_revenue_churn_rate": "gross revenue churn"},
              "fct_retention_kpis_monthly", ".1%"),
        share_bars("shares", "Loyal and premium customers (share of paying)",
                   kpis, {"loyal_customer_share": "loyal",
                          "premium_customer_share": "premium"},
                   "fct_retention_kpis_monthly"),
    ]


PAGES = [
    Page("executive_overview_dashboard", "Executive overview",
         ["nrr_monthly", "mrr_growth_rate", "customer_churn_rate",
          "gross_revenue_churn_rate", "simple_clv", "nps", "active_users",
          "loyal_customer_share", "premium_customer_share"], overview_page),
    Page("finance_revenue_retention_dashboard", "Revenue retention",
         ["mrr", "arr", "nrr_monthly", "grr_monthly", "nrr_12m", "quick_ratio"],
         finance_page),
    Page("product_engagement_dashboard", "Engagement and early retention",
         ["active_users", "stickiness_ratio", "day_7_retention_rate",
          "account_activation_rate"], product_page),
    Page("marketing_acquisition_dashboard", "Acquisition",
         ["acquisition_spend", "cac", "ltv_to_cac_ratio", "email_open_rate"],
         marketing_page),
    Page("customer_voice_and_support_dashboard", "Customer experience",
         ["nps", "csat_rate", "ces_score", "tickets_opened",
          "first_response_hours_median"], voice_page),
    Page("commerce_dashboard", "Commerce",
         ["repeat_purchase_rate", "median_days_between_purchases",
          "product_return_rate", "checkout_abandonment_rate", "orders_placed"],
         commerce_page),
    Page("customer_health_board", "Customer health", [], health_page),
]


# -------------------------------------------------------------------- html
def format_change(change: float | None, unit: str) -> str:
    """A change: rates in percentage points, the rest in their unit."""
    if change is None or pd.isna(change):
        return "n/a"
    if unit == "rate":
        return f"{100 * change:+.1f} pp"
    sign = "+" if change > 0 else ""
    return sign + format_value(change, unit)


def format_value(value: float | None, unit: str) -> str:
    if value is None or pd.isna(value):
        return "n/a"
    if unit == "rate":
        return f"{value:.1%}"
    if unit == "amount":
        return f"{value:,.2f}"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.2f}{UNIT_SUFFIX.get(unit, '')}"


def headline_tiles(data: Data, names: list[str]) -> tuple[str, str | None]:
    """The tiles of the latest complete month, and that month."""
    if not names:
        return "", None
    frame = data.df(f"""select metric_name, metric_value, previous_metric_value,
            metric_value_change, metric_unit, date_month
        from fct_headline_metrics_monthly
        where date_month = (select max(date_month) from fct_headline_metrics_monthly
                            where is_complete_period)
          and metric_name in ({", ".join("'" + n + "'" for n in names)})""")
    rows = {r.metric_name: r for r in frame.itertuples()}
    tiles = []
    for name in names:
        if name not in rows:
            continue
        r = rows[name]
        change = r.metric_value_change
        arrow = ("" if change is None or pd.isna(change)
                 else "&#9650;" if change > 0 else "&#9660;" if change < 0
                 else "&#9654;")
        value_attr = "" if pd.isna(r.metric_value) else repr(float(r.metric_value))
        tiles.append(
            f'<div class="kpi" data-metric="{name}" data-value="{value_attr}">'
            f'<div class="kpi-name">{html.escape(name.replace("_", " "))}</div>'
            f'<div class="kpi-value">{format_value(r.metric_value, r.metric_unit)}'
            f'</div><div class="kpi-change">{arrow} '
            f'{format_change(change, r.metric_unit)} on '
            f'{format_value(r.previous_metric_value, r.metric_unit)}</div></div>')
    month = (None if frame.empty
             else pd.Timestamp(frame["date_month"].iloc[0]).strftime("%B %Y"))
    return "".join(tiles), month


def definition(docs: dict, columns: list[tuple[str, str]]) -> str:
    parts = []
    for mart, column in columns:
        text = docs.get(mart, ("", {}))[1].get(column, "")
        if text:
            parts.append(f"<li><code>{html.escape(mart)}.{html.escape(column)}"
                         f"</code>: {html.escape(' '.join(text.split()))}</li>")
    return f'<ul class="definition">{"".join(parts)}</ul>' if parts else ""


STYLE = """
body{font-family:system-ui,sans-serif;margin:24px;color:#222;background:#fafafa}
h1{margin:0 0 4px}.meta{color:#555;margin-bottom:16px}
.kpis{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0 24px}
.kpi{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 14px;
min-width:150px}.kpi-name{font-size:12px;color:#666;text-transform:uppercase}
.kpi-value{font-size:24px;font-weight:600}.kpi-change{font-size:12px;color:#555}
.item{display:flex;flex-wrap:wrap;gap:16px;background:#fff;border:1px solid #ddd;
border-radius:6px;padding:12px;margin-bottom:16px}
.item h2{font-size:16px;margin:0 0 8px;width:100%}
.definition{max-width:420px;font-size:12px;color:#444;margin:0;padding-left:16px}
table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ddd;
padding:3px 6px;text-align:left}nav a{margin-right:12px}
"""


def render_page(page: Page, data: Data, docs: dict, bundle: str,
                exposures: dict) -> str:
    items = page.build(data)
    tiles, month = headline_tiles(data, page.headline)
    exposure = exposures.get(page.name, {})
    blocks, scripts = [], []
    for item in items:
        text = definition(docs, item.columns)
        if isinstance(item, Chart):
            spec = item.spec.to_dict()
            blocks.append(
                f'<section class="item" data-chart="{item.key}">'
                f"<h2>{html.escape(item.title)}</h2>"
                f'<div class="chart" id="chart-{item.key}"></div>{text}</section>')
            scripts.append(f"vegaEmbed('#chart-{item.key}', {json.dumps(spec)}, "
                           "{renderer: 'svg', actions: false});")
        else:
            shown = item.frame.astype(object).where(item.frame.notna(), "")
            table = shown.to_html(index=False, border=0, classes="rows")
            blocks.append(
                f'<section class="item" data-table="{item.key}" '
                f'data-rows="{len(item.frame)}"><h2>{html.escape(item.title)}</h2>'
                f"{table}{text}</section>")
    nav = " ".join(f'<a href="{p.name}.html">{html.escape(p.title)}</a>'
                   for p in PAGES)
    headline_note = (f'<div class="meta">Headline figures of {month}, the latest '
                     "complete month, with the previous month and the change."
                     "</div>") if month else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(page.title)}</title><style>{STYLE}</style>
<script>{bundle}</script></head>
<body data-page="{page.name}" data-charts="{sum(isinstance(i, Chart) for i in items)}">
<nav><a href="index.html">All dashboards</a> {nav}</nav>
<h1>{html.escape(page.title)}</h1>
<div class="meta">{html.escape(" ".join(exposure.get("description", "").split()))}</div>
<div class="meta" data-as-of="{data.as_of_date}">As of {data.as_of_date}; data from
{data.first_date} to {data.as_of_date}. The month of the as-of date is a partial
month (drawn as a triangle) until its last day.</div>
{headline_note}<div class="kpis">{tiles}</div>
{"".join(blocks)}
<script>{"".join(scripts)}</script>
</body></html>
"""


def render_index(exposures: dict, data: Data) -> str:
    def described(name: str) -> str:
        return html.escape(" ".join(
            exposures.get(name, {}).get("description", "").split()))

    links = "".join(
        f'<li><a href="{p.name}.html">{html.escape(p.title)}</a>: '
        f"{described(p.name)}</li>" for p in PAGES)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Retention dashboards</title>
<style>{STYLE}</style></head><body data-page="index">
<h1>Retention dashboards</h1>
<div class="meta">As of {data.as_of_date}; data from {data.first_date}.</div>
<ul>{links}</ul></body></html>
"""


def exposures_of(manifest: dict) -> dict[str, dict]:
    return {e["name"]: e for e in manifest.get("exposures", {}).values()}


def vega_bundle(cache: Path) -> str:
    """The Vega, Vega-Lite and Vega-Embed libraries as one script from
    vl-convert, escaped for a script element. vl-convert builds it in about
    1.7 s, the same for each version of it: it is kept in `cache`, one file
    per version, written whole or not at all."""
    import vl_convert  # noqa: PLC0415 (only here: a large native module)

    kept = cache / f"vl-convert-{vl_convert.__version__}.js"
    if kept.is_file():
        return kept.read_text(encoding="utf-8")
    bundle = vl_convert.javascript_bundle().replace("</script", "<\\/script")
    cache.mkdir(parents=True, exist_ok=True)
    partial = kept.with_suffix(f".{os.getpid()}.partial")
    partial.write_text(bundle, encoding="utf-8")
    os.replace(partial, kept)
    return bundle


def write_dashboards(warehouse: Path, manifest: dict,
                     folder: Path | None = None) -> Path:
    """Write the pages of the published file of `warehouse` into `folder`
    (default warehouse/dashboards); the script bundle is kept in .cache
    beside that folder (vega_bundle), so nothing is written into
    `warehouse` when `folder` is elsewhere."""
    folder = folder or warehouse / "dashboards"
    folder.mkdir(parents=True, exist_ok=True)
    docs = published_docs(manifest)
    exposures = exposures_of(manifest)
    bundle = vega_bundle(folder.resolve().parent / ".cache")
    data = Data(warehouse / "retention.duckdb")
    try:
        for page in PAGES:
            (folder / f"{page.name}.html").write_text(
                render_page(page, data, docs, bundle, exposures))
        (folder / "index.html").write_text(render_index(exposures, data))
    finally:
        data.close()
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", default="warehouse")
    parser.add_argument("--manifest", default="target/manifest.json")
    args = parser.parse_args(argv)
    folder = write_dashboards(Path(args.warehouse),
                              read_manifest(Path(args.manifest)))
    print(f"Dashboards: {folder / 'index.html'}")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
