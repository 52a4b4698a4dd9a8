"""One helper for the benchmark scripts: replace a generated section of a
Markdown file (docs/BENCHMARKS.md) between its two marker comments, keeping
everything before and after; a file without the markers gets the section
appended under `heading`."""

from __future__ import annotations

from pathlib import Path


def markers(name: str) -> tuple[str, str]:
    return (f"<!-- {name} writes below this line -->",
            f"<!-- {name} writes above this line -->")


def replace_section(path: Path, name: str, text: str, heading: str) -> None:
    start, end = markers(name)
    old = path.read_text() if path.exists() else ""
    if start in old and end in old:
        before, rest = old.split(start, 1)
        after = rest.split(end, 1)[1]
    else:
        before, after = old.rstrip("\n") + f"\n\n## {heading}\n\n", "\n"
    path.write_text(before + start + "\n\n" + text.strip("\n") + "\n\n" + end + after)
