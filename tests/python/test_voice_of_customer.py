"""What customers say: the generator plants topics and sentiment from each
customer's situation, and the SQL taxonomy and lexicon recover them.

One generated set (3,000 customers, seed 11) is built up to the topic and
sentiment models only; precision and recall of every planted topic must be
at least 0.9. The planted personal values must not reach any published
table of the shared clean build."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter

import duckdb
import pytest

from conftest import PROJECT_DIR
from retention_lib import runner
from retention_lib.comments import TOPICS
from retention_lib.generator import COMMENT_TRUTH_FILE, generate

MIN_PRECISION_RECALL = 0.9


def read_truth(folder) -> dict[str, dict]:
    with open(folder / COMMENT_TRUTH_FILE, newline="") as handle:
        return {row["response_id"]: row
                for row in csv.DictReader(handle, delimiter="\t")}


@pytest.fixture(scope="module")
def voice_build(tmp_path_factory):
    """3,000 customers, built up to the comment topics and sentiment."""
    raw = tmp_path_factory.mktemp("voice_raw")
    generate(raw, 3000, seed=11, fmt="csv")
    warehouse = tmp_path_factory.mktemp("voice_warehouse")
    env = runner.dbt_env(warehouse, DBT_TARGET_PATH=warehouse / "target",
                         DBT_TARGET="dev")
    result = runner.run_dbt(
        ["build", "-s", "+int_voice_record_topics", "+int_survey_comments_scored",
         "--exclude", "resource_type:test", "resource_type:unit_test",
         "--vars", json.dumps({"raw_dir": str(raw)})],
        env, capture=True, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:]
    con = duckdb.connect(str(warehouse / "work.duckdb"), read_only=True)
    try:
        topics = con.execute(
            """select record_id, topic from int_voice_record_topics
               where record_type = 'survey_response'""").fetchall()
        scored = dict(con.execute(
            "select record_id, text_sentiment from int_survey_comments_scored"
        ).fetchall())
    finally:
        con.close()
    found: dict[str, set] = {}
    for record_id, topic in topics:
        found.setdefault(record_id, set()).add(topic)
    return read_truth(raw), found, scored


def precision_recall(truth: dict, found: dict, topic: str) -> tuple[float, float, int]:
    planted = {k for k, row in truth.items() if topic in row["topics"].split(",")}
    matched = {k for k, topics in found.items() if topic in topics and k in truth}
    hits = len(planted & matched)
    return hits / max(len(matched), 1), hits / max(len(planted), 1), len(planted)


def test_generator_plants_comments_from_the_situation(small_csv_set):
    truth = read_truth(small_csv_set)
    with open(small_csv_set / "survey_responses.csv", newline="") as handle:
        answers = {row["response_id"]: row for row in csv.DictReader(handle)}
    with_text = [k for k, row in answers.items() if row["comment"].strip()]
    # every non-blank comment has its truth line; blanks and NULLs exist
    assert set(with_text) <= set(truth)
    assert any(row["comment"] == "" for row in answers.values())
    assert any(row["comment"] and not row["comment"].strip()
               for row in answers.values())
    # varied: many distinct texts, several languages, planted personal data
    assert len({answers[k]["comment"] for k in with_text}) > 0.5 * len(with_text)
    assert Counter(row["language"] for row in truth.values())["other"] > 3
    assert sum(1 for row in truth.values() if row["personal_values"]) > 3
    # the situation decides: promoters praise, detractors complain
    by_band = Counter()
    for k, row in truth.items():
        score, kind = int(answers[k]["score"]), answers[k]["survey_type"]
        if kind == "nps" and row["topics"]:
            band = "promoter" if score >= 9 else "detractor" if score <= 6 else None
            if band:
                by_band[band, "praise" in row["topics"].split(",")] += 1
    assert by_band["promoter", True] > 0.9 * (by_band["promoter", True]
                                              + by_band["promoter", False])
    assert by_band["detractor", False] > 0.9 * (by_band["detractor", True]
                                                + by_band["detractor", False])
    assert {t for row in truth.values() for t in row["topics"].split(",") if t} \
        == set(TOPICS)


def test_churning_customers_write_about_their_reason(small_csv_set):
    with open(small_csv_set / "subscriptions.csv", newline="") as handle:
        reasons = {row["customer_id"]: row["cancel_reason"]
                   for row in csv.DictReader(handle) if row["cancel_reason"]}
    with open(small_csv_set / "survey_responses.csv", newline="") as handle:
        customer_of = {row["response_id"]: row["customer_id"]
                       for row in csv.DictReader(handle)}
    truth = read_truth(small_csv_set)
    price_leavers = [row for k, row in truth.items()
                     if reasons.get(customer_of[k]) == "too_expensive"]
    others = [row for k, row in truth.items()
              if customer_of[k] not in reasons]
    share = lambda rows: sum("pricing" in r["topics"] for r in rows) / len(rows)  # noqa: E731
    assert price_leavers and others
    assert share(price_leavers) > 2 * share(others)


@pytest.mark.dbt
def test_planted_topics_are_recovered(voice_build):
    truth, found, _ = voice_build
    report: list[str] = []
    for topic in TOPICS:
        precision, recall, planted = precision_recall(truth, found, topic)
        report.append(f"{topic}: precision {precision:.3f}, recall {recall:.3f}"
                      f" ({planted} planted)")
        assert planted >= 30, report[-1]
        assert precision >= MIN_PRECISION_RECALL, report[-1]
        assert recall >= MIN_PRECISION_RECALL, report[-1]


@pytest.mark.dbt
def test_recovery_check_fails_on_a_wrong_taxonomy(voice_build):
    """The check above can fail: drop every match of one topic's commonest
    word and recall falls under the bar."""
    truth, found, _ = voice_build
    broken = {k: (v - {"praise"}) if k.endswith(("1", "3", "5", "7")) else v
              for k, v in found.items()}
    assert precision_recall(truth, broken, "praise")[1] < MIN_PRECISION_RECALL


@pytest.mark.dbt
def test_text_sentiment_follows_the_planted_tone(voice_build):
    truth, _, scored = voice_build
    read = Counter((truth[k]["sentiment"], label)
                   for k, label in scored.items() if k in truth)
    for tone in ("positive", "negative"):
        total = sum(n for (t, _), n in read.items() if t == tone)
        same = read[tone, tone] / total
        opposite = read[tone, "negative" if tone == "positive" else "positive"] / total
        message = f"planted {tone}: read {tone} {same:.3f}, opposite {opposite:.3f}"
        # complaints without sentiment words read neutral: the score band
        # stays the primary label
        assert same >= (0.8 if tone == "positive" else 0.6), message
        assert opposite <= 0.1, message


def test_lexicon_seed_is_the_packaged_lexicon():
    result = subprocess.run(
        [sys.executable, "scripts/build_sentiment_lexicon.py", "--check"],
        cwd=PROJECT_DIR, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.dbt
def test_no_planted_personal_value_is_published(clean_build, small_csv_set):
    warehouse, _ = clean_build
    planted = {v for row in read_truth(small_csv_set).values()
               for v in row["personal_values"].split("|") if v}
    assert planted
    con = duckdb.connect(str(warehouse / "retention.duckdb"), read_only=True)
    try:
        columns = con.execute(
            """select table_name, column_name from information_schema.columns
               where data_type = 'VARCHAR'""").fetchall()
        leaks = []
        for table, column in columns:
            for value in planted:
                hit = con.execute(
                    f'select count(*) from "{table}" where contains("{column}", ?)',
                    [value]).fetchone()[0]
                if hit:
                    leaks.append(f"{table}.{column}: {value}")
        shown = con.execute(
            "select count(*) from fct_voice_of_customer_verbatims").fetchone()[0]
    finally:
        con.close()
    assert shown > 0
    assert leaks == []
