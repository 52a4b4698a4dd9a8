"""The browser suites import the shared headless-Chromium helper from
tests/headless.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
