"""The course's data files (``open_models/data``): read here, so every module reads them one way."""

from __future__ import annotations

import csv
from importlib.resources import files
from pathlib import Path

DATA_DIR = Path(str(files("open_models").joinpath("data")))


def read_csv(name: str) -> list[dict[str, str]]:
    """The rows of ``data/<name>`` as dicts, exactly as written."""
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def csv_names() -> list[str]:
    """Every CSV data file, as a path relative to ``data/``."""
    return sorted(str(p.relative_to(DATA_DIR)) for p in DATA_DIR.rglob("*.csv"))
