"""The quality page of the last gates (warehouse/quality/index.html).

Great Expectations writes Data Docs whose pages load Bootstrap, jQuery and
bootstrap-table from CDNs: offline they show nothing. This page is what
the project needs from them, in one file that opens from file:// with no
network and no script: each gate, each table it checked, each expectation
with its outcome and what was observed, failures first. Great
Expectations' own pages stay beside it (ge_index.html) for readers online.
"""

from __future__ import annotations

import html
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em; color: #1d2733; }
h1 { font-size: 1.6em; } h2 { margin-top: 1.6em; }
table { border-collapse: collapse; margin: .4em 0 1.2em; }
th, td { border: 1px solid #c9d1da; padding: .25em .6em; text-align: left;
         vertical-align: top; }
th { background: #eef2f6; }
tr.failed td { background: #fde8e8; }
.ok { color: #17693a; font-weight: 600; } .failed-mark { color: #b3261e;
  font-weight: 600; }
summary { cursor: pointer; font-weight: 600; }
.meta { color: #5a6774; }
"""


def _cell(value) -> str:
    return f"<td>{html.escape('' if value is None else str(value))}</td>"


def write_quality_page(root: Path, results: list, as_of_date=None) -> Path:
    """Write <root>/index.html from the gates' results (GateResult with
    .records: table, expectation, column, bounds, success, observed)."""
    root.mkdir(parents=True, exist_ok=True)
    written = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        "<title>Data quality gates</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>Data quality gates</h1>",
        f"<p class=meta>Written {written}"
        + (f"; as_of_date {html.escape(str(as_of_date))}" if as_of_date else "")
        + ". Great Expectations' own pages: <a href='ge_index.html'>"
        "ge_index.html</a> (they need internet for their styling).</p>",
        "<table id=summary><tr><th>gate</th><th>tables</th>"
        "<th>expectations</th><th>failed</th><th>outcome</th></tr>",
    ]
    for result in results:
        tables = {r["table"] for r in result.records}
        failed = sum(not r["success"] for r in result.records)
        mark = ("<span class=ok>passed</span>" if failed == 0
                else "<span class=failed-mark>failed</span>")
        parts.append(f"<tr data-gate='{result.name}' data-expectations="
                     f"'{len(result.records)}' data-failed='{failed}'>"
                     f"{_cell(result.name)}{_cell(len(tables))}"
                     f"{_cell(len(result.records))}{_cell(failed)}"
                     f"<td>{mark}</td></tr>")
    parts.append("</table>")
    for result in results:
        parts.append(f"<h2 id='gate-{result.name}'>{html.escape(result.name)}"
                     " gate</h2>")
        by_table = defaultdict(list)
        for record in result.records:
            by_table[record["table"]].append(record)
        # failing tables first, then by name
        for table in sorted(by_table, key=lambda t: (
                all(r["success"] for r in by_table[t]), t)):
            records = by_table[table]
            failed = sum(not r["success"] for r in records)
            open_attr = " open" if failed else ""
            parts.append(
                f"<details class=table data-table='{html.escape(table)}'"
                f"{open_attr}><summary>{html.escape(table)}: {len(records)} "
                f"expectations, {failed} failed</summary>"
                "<table><tr><th>expectation</th><th>column</th><th>bounds</th>"
                "<th>outcome</th><th>observed</th></tr>")
            for record in sorted(records, key=lambda r: r["success"]):
                css = "" if record["success"] else " class=failed"
                outcome = "passed" if record["success"] else "FAILED"
                parts.append(
                    f"<tr data-outcome='{outcome.lower()}'{css}>"
                    f"{_cell(record['expectation'])}{_cell(record['column'])}"
                    f"{_cell(record['bounds'])}{_cell(outcome)}"
                    f"{_cell(record['observed'])}</tr>")
            parts.append("</table></details>")
    parts.append("</body></html>")
    page = root / "index.html"
    page.write_text("\n".join(parts), encoding="utf-8")
    return page
