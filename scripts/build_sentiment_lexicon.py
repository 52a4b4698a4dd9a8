"""Write seeds/reference/sentiment_lexicon.csv from the lexicon that the
vaderSentiment package ships (vader_lexicon.txt: token, mean valence from
-4 to +4 rated by ten people, standard deviation, the ten ratings).

Kept: the single words the project's tokenizer can produce (lower-case
letters, digits and apostrophes), with their mean valence. Emoticons and
other punctuation tokens are left out: comments are split on them.

Usage: python scripts/build_sentiment_lexicon.py [--check]
  --check: exit 1 if the shipped seed differs from what the installed
           package gives (run by tests/python/test_voice_of_customer.py).
"""

from __future__ import annotations

import argparse
import csv
import io
import re
from importlib import resources
from pathlib import Path

SEED = Path(__file__).resolve().parents[1] / "seeds" / "reference" / \
    "sentiment_lexicon.csv"
WORD = re.compile(r"^[a-z0-9']+$")


def lexicon_csv() -> str:
    text = resources.files("vaderSentiment").joinpath(
        "vader_lexicon.txt").read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) >= 2 and WORD.match(fields[0]):
            rows[fields[0]] = fields[1]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["token", "valence"])
    for token in sorted(rows):
        writer.writerow([token, rows[token]])
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text = lexicon_csv()
    if args.check:
        if SEED.read_text(encoding="utf-8") != text:
            print(f"{SEED} differs from the installed vaderSentiment lexicon")
            return 1
        return 0
    SEED.write_text(text, encoding="utf-8")
    print(f"wrote {text.count(chr(10)) - 1} tokens to {SEED}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
