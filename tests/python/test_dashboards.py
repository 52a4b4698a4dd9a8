"""The static dashboards (retention_lib.dashboards) of the session's clean
build: a page per dashboard exposure and an index, nothing loaded from the
network, headline figures equal to fct_headline_metrics_monthly, the MRR
waterfall adding up to the bridge, the cohort heatmaps' "All cohorts" row
recomputed from the cohort mart. (The browser suite, tests/browser, checks
that every chart draws.)"""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from retention_lib.dashboards import PAGES, format_change, write_dashboards
from retention_lib.runner import read_manifest


@pytest.fixture(scope="module")
def pages(clean_build, tmp_path_factory):
    warehouse, target = clean_build
    folder = write_dashboards(warehouse, read_manifest(target / "manifest.json"),
                              tmp_path_factory.mktemp("dashboards"))
    # the shared build is only read: the script bundle's cache goes beside
    # the pages' folder (the killed-build test lists the warehouse's files)
    assert not (warehouse / ".cache").exists()
    assert (folder.parent / ".cache").is_dir()
    con = duckdb.connect(str(warehouse / "retention.duckdb"), read_only=True)
    yield folder, con
    con.close()


def specs(text: str) -> dict[str, dict]:
    """chart key -> its Vega-Lite spec, as embedded in the page."""
    return {key: json.loads(spec) for key, spec in re.findall(
        r"vegaEmbed\('#chart-(\w+)', (\{.*?\}), \{renderer", text)}


def test_a_page_per_exposure_and_nothing_from_the_network(pages, clean_build):
    folder, _ = pages
    _, target = clean_build
    exposures = {e["name"]: e for e in read_manifest(
        target / "manifest.json")["exposures"].values()}
    assert {p.name for p in PAGES} == set(exposures)
    for page in PAGES:
        assert exposures[page.name]["url"].endswith(f"dashboards/{page.name}.html")
        text = (folder / f"{page.name}.html").read_text()
        assert not re.search(r"(src|href)=\"https?:", text), page.name
        charts = int(re.search(r'data-charts="(\d+)"', text).group(1))
        assert charts == len(specs(text)) >= 1, page.name
    index = (folder / "index.html").read_text()
    assert all(f'href="{p.name}.html"' in index for p in PAGES)


def test_headline_tiles_equal_the_mart(pages):
    folder, con = pages
    checked = 0
    for page in PAGES:
        text = (folder / f"{page.name}.html").read_text()
        for metric, value in re.findall(
                r'data-metric="(\w+)" data-value="([^"]*)"', text):
            expected = con.execute("""
                select metric_value from fct_headline_metrics_monthly
                where metric_name = ? and date_month = (
                    select max(date_month) from fct_headline_metrics_monthly
                    where is_complete_period)""", [metric]).fetchone()[0]
            if expected is None:
                assert value == "", metric
            else:
                assert float(value) == pytest.approx(expected, rel=1e-12), metric
            checked += 1
    assert checked >= 25


def test_the_waterfall_is_the_bridge_of_the_latest_complete_month(pages):
    folder, con = pages
    text = (folder / "finance_revenue_retention_dashboard.html").read_text()
    steps = specs(text)["mrr_bridge"]["datasets"]
    rows = next(iter(steps.values()))
    kpis = con.execute("""select mrr_start, new_mrr, reactivation_mrr,
            expansion_mrr, contraction_mrr, churn_mrr, fx_mrr, mrr
        from fct_retention_kpis_monthly where is_complete_period
        order by date_month desc limit 1""").fetchone()
    amounts = [row["amount"] for row in rows]
    start, new, react, expansion, contraction, churn, fx, end = map(float, kpis)
    assert amounts == pytest.approx(
        [start, new, react, expansion, -contraction, -churn, fx, end], abs=1e-6)
    assert rows[-2]["end"] == pytest.approx(rows[-1]["end"], abs=0.01)


def test_the_all_cohorts_row_is_the_weighted_mean(pages):
    folder, con = pages
    text = (folder / "finance_revenue_retention_dashboard.html").read_text()
    cells = next(iter(specs(text)["logo_cohorts"]["datasets"].values()))
    shown = {c["months_since_start"]: c["logo_retention_rate"]
             for c in cells if c["cohort"] == "All cohorts"}
    expected = dict(con.execute("""
        select months_since_start,
               sum(logo_retention_rate * cohort_size) / sum(cohort_size)
        from fct_cohort_retention_monthly
        where logo_retention_rate is not null group by 1""").fetchall())
    assert shown.keys() == expected.keys() and len(shown) > 12
    for month, rate in expected.items():
        assert shown[month] == pytest.approx(rate, rel=1e-12), month
    # a cohort has cells only up to the months it has reached: future blank
    latest = max(c["cohort"] for c in cells if c["cohort"] != "All cohorts")
    assert [c["months_since_start"] for c in cells if c["cohort"] == latest] == [0]


def test_changes_of_rates_are_percentage_points():
    assert format_change(-0.039, "rate") == "-3.9 pp"
    assert format_change(1234.5, "amount") == "+1,234.50"
    assert format_change(None, "count") == "n/a"


def test_the_script_bundle_is_built_once_per_vl_convert_version(monkeypatch,
                                                                 tmp_path):
    """vl-convert's script bundle (1.7 s to build) is kept per version and
    read back; a closing script tag inside it is escaped either way."""
    import vl_convert  # noqa: PLC0415

    from retention_lib.dashboards import vega_bundle  # noqa: PLC0415

    built = []
    monkeypatch.setattr(vl_convert, "javascript_bundle",
                        lambda: built.append(1) or "a</script>b")
    first, second = vega_bundle(tmp_path), vega_bundle(tmp_path)
    assert first == second == "a<\\/script>b"
    assert len(built) == 1
    assert [p.name for p in tmp_path.iterdir()] == [
        f"vl-convert-{vl_convert.__version__}.js"]
    monkeypatch.setattr(vl_convert, "__version__", "0.0.0-other")
    vega_bundle(tmp_path)
    assert len(built) == 2
