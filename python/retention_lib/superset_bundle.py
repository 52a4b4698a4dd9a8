"""A Superset dashboard bundle generated from the project's metadata: the
published DuckDB file as a read-only database, a dataset per published mart
the dashboards read (every column with its description and type from the
manifest; the registry's headline metrics as saved metrics, with their unit
as the number format), and a dashboard per dashboard exposure with the
charts of its static page (retention_lib.dashboards): the headline
figures as big numbers, rates and counts as monthly lines, cohorts as
heatmaps, alerts and renewals as tables.

The bundle is Superset's import format (version 1.0.0: metadata.yaml,
databases/, datasets/, charts/, dashboards/ in one ZIP), for
`superset import-dashboards -p bundle.zip` or the import button of the
dashboard list. UUIDs are derived from names, so importing a newer bundle
updates the same objects.

Usage: python -m retention_lib.superset_bundle --warehouse warehouse \
           --manifest target/manifest.json --out target/superset_bundle.zip
"""

from __future__ import annotations

import argparse
import io
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from retention_lib.registry import load_registry
from retention_lib.runner import published_docs, read_manifest

PROJECT_DIR = Path(__file__).resolve().parents[2]
NAMESPACE = uuid.UUID("6f1d1a52-0c1e-4f55-9a49-3c2f3e1b7d10")
DATABASE_NAME = "retention (published DuckDB, read-only)"
VERSION = "1.0.0"
D3_FORMAT = {"amount": ",.2f", "count": ",d", "rate": ".1%", "ratio": ",.2f",
             "days": ",.1f", "hours": ",.1f", "months": ",.1f", "score": ",.1f"}
ALL_SLICE = {"expressionType": "SQL", "sqlExpression": "dimension_name = 'all'",
             "clause": "WHERE"}


def stable_uuid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


@dataclass
class ChartSpec:
    """A Superset chart: its title, dataset, viz type and form data."""

    title: str
    dataset: str
    viz_type: str
    params: dict
    width: int = 6


def line(title: str, dataset: str, columns: list[str], sliced: bool = False,
         x_axis: str = "date_month", where: str | None = None) -> ChartSpec:
    filters = [ALL_SLICE] if sliced else []
    if where:
        filters.append({"expressionType": "SQL", "sqlExpression": where,
                        "clause": "WHERE"})
    return ChartSpec(title, dataset, "echarts_timeseries_line", {
        "x_axis": x_axis, "time_grain_sqla": "P1M",
        "metrics": [{"expressionType": "SQL", "sqlExpression": f"MAX({c})",
                     "label": c} for c in columns],
        "groupby": [], "adhoc_filters": filters, "row_limit": 10000,
        "markerEnabled": True, "show_legend": True, "rich_tooltip": True})


def big_number(metric: str) -> ChartSpec:
    return ChartSpec(metric.replace("_", " "), "fct_retention_kpis_monthly",
                     "big_number", {
                         "metric": metric, "x_axis": "date_month",
                         "time_grain_sqla": "P1M", "adhoc_filters": [
                             {"expressionType": "SQL",
                              "sqlExpression": "is_complete_period",
                              "clause": "WHERE"}],
                         "show_trend_line": True, "start_y_axis_at_zero": False,
                         "compare_lag": 1, "compare_suffix": "vs previous month"},
                     width=3)


def heatmap(title: str, rate: str) -> ChartSpec:
    return ChartSpec(title, "fct_cohort_retention_monthly", "heatmap_v2", {
        "x_axis": "months_since_start", "groupby": "cohort_month",
        "metric": {"expressionType": "SQL", "sqlExpression": f"MAX({rate})",
                   "label": rate},
        "adhoc_filters": [], "row_limit": 10000, "normalize_across": "heatmap",
        "linear_color_scheme": "blue_white_yellow", "show_legend": True,
        "show_values": False, "sort_x_axis": "alpha_asc",
        "sort_y_axis": "alpha_asc", "y_axis_format": "SMART_NUMBER",
        "x_axis_time_format": "smart_date"}, width=12)


def table(title: str, dataset: str, columns: list[str]) -> ChartSpec:
    return ChartSpec(title, dataset, "table", {
        "query_mode": "raw", "all_columns": columns, "adhoc_filters": [],
        "row_limit": 1000, "order_desc": True}, width=12)


# the headline figures of each dashboard (registry metrics of the KPI mart)
# and its charts, as on its static page
DASHBOARDS: dict[str, list[ChartSpec]] = {
    "executive_overview_dashboard": [
        *[big_number(m) for m in (
            "nrr_monthly", "mrr_growth_rate", "customer_churn_rate",
            "gross_revenue_churn_rate", "simple_clv", "nps", "active_users",
            "loyal_customer_share", "premium_customer_share")],
        line("NRR and churn", "fct_retention_kpis_monthly",
             ["nrr_monthly", "customer_churn_rate", "gross_revenue_churn_rate"]),
        line("Loyal and premium customers", "fct_retention_kpis_monthly",
             ["loyal_customer_share", "premium_customer_share"]),
    ],
    "finance_revenue_retention_dashboard": [
        *[big_number(m) for m in ("mrr", "arr", "nrr_monthly", "grr_monthly")],
        line("MRR", "fct_retention_kpis_monthly", ["mrr"]),
        line("MRR movements", "fct_retention_kpis_monthly",
             ["new_mrr", "reactivation_mrr", "expansion_mrr", "contraction_mrr",
              "churn_mrr", "fx_mrr"]),
        line("NRR and GRR", "fct_retention_kpis_monthly",
             ["nrr_monthly", "grr_monthly", "nrr_12m", "grr_12m"]),
        heatmap("Logo retention by cohort", "logo_retention_rate"),
        heatmap("Revenue retention by cohort", "revenue_retention_rate"),
    ],
    "product_engagement_dashboard": [
        *[big_number(m) for m in ("active_users", "stickiness_ratio",
                                  "account_activation_rate")],
        line("Active users and accounts", "fct_engagement_monthly",
             ["active_users", "active_accounts"]),
        line("Stickiness", "fct_engagement_monthly", ["stickiness_ratio"]),
        line("Early retention (day 1, 7, 30)", "fct_retention_kpis_monthly",
             ["day_1_retention_rate", "day_7_retention_rate",
              "day_30_retention_rate"]),
    ],
    "marketing_acquisition_dashboard": [
        *[big_number(m) for m in ("acquisition_spend", "cac", "ltv_to_cac_ratio")],
        line("CAC", "fct_acquisition_monthly", ["cac"],
             where="acquisition_channel = 'all'"),
        line("LTV / CAC", "fct_acquisition_monthly", ["ltv_to_cac_ratio"],
             where="acquisition_channel = 'all'"),
    ],
    "customer_voice_and_support_dashboard": [
        *[big_number(m) for m in ("nps", "csat_rate", "tickets_opened")],
        line("NPS", "fct_voice_of_customer_monthly", ["nps"], sliced=True),
        line("CSAT and CES", "fct_voice_of_customer_monthly",
             ["csat_rate", "ces_score"], sliced=True),
        line("Tickets and first response", "fct_support_monthly",
             ["tickets_opened", "first_response_hours_median"], sliced=True),
    ],
    "commerce_dashboard": [
        *[big_number(m) for m in ("repeat_purchase_rate",
                                  "checkout_abandonment_rate")],
        line("Repeat purchase and returns", "fct_commerce_monthly",
             ["repeat_purchase_rate", "product_return_rate"], sliced=True),
        line("Checkout abandonment", "fct_commerce_monthly",
             ["checkout_abandonment_rate"], sliced=True),
    ],
    "customer_health_board": [
        table("Health alerts", "fct_health_alerts",
              ["customer_id", "health_score", "health_band", "weakest_component",
               "top_ticket_categories", "latest_negative_topics"]),
        table("Renewals at risk", "fct_renewals_at_risk",
              ["customer_id", "subscription_id", "term_ends_at", "health_score",
               "health_band"]),
    ],
}


def _dump(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def database_yaml(published: Path) -> dict:
    return {
        "database_name": DATABASE_NAME,
        "sqlalchemy_uri": f"duckdb:///{published.resolve()}",
        "cache_timeout": None, "expose_in_sqllab": True,
        "allow_run_async": False, "allow_ctas": False, "allow_cvas": False,
        "allow_dml": False, "allow_csv_upload": False,
        "extra": {"engine_params": {"connect_args": {"read_only": True}},
                  "metadata_params": {}, "schemas_allowed_for_file_upload": []},
        "uuid": stable_uuid("database"), "version": VERSION,
    }


def dataset_yaml(name: str, node: dict, docs: dict, registry: list[dict]) -> dict:
    description, column_docs = docs.get(name, ("", {}))
    columns = []
    for column, spec in node["columns"].items():
        data_type = (spec.get("data_type") or "").upper()
        columns.append({
            "column_name": column, "verbose_name": None,
            "is_dttm": data_type in ("DATE", "TIMESTAMP"),
            "is_active": True, "type": data_type or None,
            "groupby": True, "filterable": True, "expression": None,
            "description": " ".join(column_docs.get(column, "").split()) or None,
            "python_date_format": None, "extra": {}})
    metrics = [{
        "metric_name": metric["name"],
        "verbose_name": metric["name"].replace("_", " "),
        "metric_type": None, "expression": f"MAX({metric['name']})",
        "description": " ".join(column_docs.get(metric["name"], "").split())
        or None,
        "d3format": D3_FORMAT[metric["unit"]], "extra": {},
        "warning_text": None} for metric in registry
        if metric["wide"] and name == "fct_retention_kpis_monthly"]
    return {
        "table_name": name, "main_dttm_col": "date_month"
        if "date_month" in node["columns"] else None,
        "description": " ".join(description.split()) or None,
        "default_endpoint": None, "offset": 0, "cache_timeout": None,
        "schema": "main", "sql": None, "params": None, "template_params": None,
        "filter_select_enabled": True, "fetch_values_predicate": None,
        "extra": None, "normalize_columns": False,
        "uuid": stable_uuid("dataset", name), "metrics": metrics,
        "columns": columns, "version": VERSION,
        "database_uuid": stable_uuid("database"),
    }


def chart_yaml(dashboard: str, index: int, chart: ChartSpec) -> dict:
    return {
        "slice_name": chart.title, "description": None, "certified_by": None,
        "certification_details": None, "viz_type": chart.viz_type,
        "params": {"viz_type": chart.viz_type,
                   "datasource": f"__{chart.dataset}__table", **chart.params},
        "query_context": None, "cache_timeout": None,
        "uuid": stable_uuid("chart", dashboard, str(index)),
        "version": VERSION, "dataset_uuid": stable_uuid("dataset", chart.dataset),
    }


def dashboard_yaml(name: str, exposure: dict, charts: list[tuple[int, dict, int]]
                   ) -> dict:
    """Charts in rows of 12 columns, in order."""
    position: dict = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": [],
                    "parents": ["ROOT_ID"]},
        "HEADER_ID": {"id": "HEADER_ID", "type": "HEADER",
                      "meta": {"text": exposure.get("label") or name}},
    }
    row, used = None, 12
    for chart_id, chart, width in charts:
        if used + width > 12:
            row = f"ROW-{len(position['GRID_ID']['children']) + 1}"
            position["GRID_ID"]["children"].append(row)
            position[row] = {"type": "ROW", "id": row, "children": [],
                             "parents": ["ROOT_ID", "GRID_ID"],
                             "meta": {"background": "BACKGROUND_TRANSPARENT"}}
            used = 0
        key = f"CHART-{chart_id}"
        position[row]["children"].append(key)
        position[key] = {"type": "CHART", "id": key, "children": [],
                         "parents": ["ROOT_ID", "GRID_ID", row],
                         "meta": {"width": width, "height": 50,
                                  "chartId": chart_id, "uuid": chart["uuid"],
                                  "sliceName": chart["slice_name"]}}
        used += width
    return {
        "dashboard_title": exposure.get("label") or name,
        "description": " ".join((exposure.get("description") or "").split()),
        "css": "", "slug": name.replace("_", "-"),
        "uuid": stable_uuid("dashboard", name), "position": position,
        "metadata": {"color_scheme": "", "refresh_frequency": 0,
                     "expanded_slices": {}, "label_colors": {},
                     "timed_refresh_immune_slices": [],
                     "cross_filters_enabled": False, "default_filters": "{}",
                     "chart_configuration": {}, "native_filter_configuration": []},
        "version": VERSION, "published": True,
    }


def build_bundle(published: Path, manifest: dict) -> bytes:
    """The ZIP bytes of the bundle for the published file `published`."""
    docs = published_docs(manifest)
    registry = load_registry(PROJECT_DIR)
    nodes = {n["name"]: n for n in manifest["nodes"].values()
             if n["resource_type"] == "model"}
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    root = "retention_dashboards"
    files = {f"{root}/metadata.yaml": _dump({
        "version": VERSION, "type": "Dashboard",
        "timestamp": datetime.now(UTC).isoformat()}),
        f"{root}/databases/retention.yaml": _dump(database_yaml(published))}
    datasets = {c.dataset for name in DASHBOARDS if name in exposures
                for c in DASHBOARDS[name]}
    for name in sorted(datasets):
        files[f"{root}/datasets/retention/{name}.yaml"] = _dump(
            dataset_yaml(name, nodes[name], docs, registry))
    chart_id = 0
    for name, charts in DASHBOARDS.items():
        if name not in exposures:
            continue
        placed = []
        for index, chart in enumerate(charts):
            chart_id += 1
            data = chart_yaml(name, index, chart)
            files[f"{root}/charts/{name}_{index}.yaml"] = _dump(data)
            placed.append((chart_id, data, chart.width))
        files[f"{root}/dashboards/{name}.yaml"] = _dump(
            dashboard_yaml(name, exposures[name], placed))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path, text in files.items():
            bundle.writestr(path, text)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", default="warehouse")
    parser.add_argument("--manifest", default="target/manifest.json")
    parser.add_argument("--out", default="target/superset_bundle.zip")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(build_bundle(Path(args.warehouse) / "retention.duckdb",
                                 read_manifest(Path(args.manifest))))
    print(f"Superset bundle: {out}")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
