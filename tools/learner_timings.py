"""Estimate how long a learner spends on each notebook: reading + running + exercises (FACILITATOR.md).

    .venv/bin/python tools/learner_timings.py          # English
    .venv/bin/python tools/learner_timings.py zh       # Chinese

Reading: the words of the markdown cells and of the code cells' source (English: 150 words a minute, a
careful pace for technical text with code and output to look at; Chinese: 300 characters a minute).
Running: the run time the notebook's first cell states (measured running the whole notebook).
Exercises: 5 minutes per your-turn cell — an estimate, not a measurement.
"""

import json
import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
WORDS_PER_MINUTE, CJK_PER_MINUTE, MINUTES_PER_EXERCISE = 150, 300, 5
RUN_TIME = re.compile(r"(?:whole notebook|整本笔记本运行一遍实测)\D*?(\d+)\s*(?:s\b|秒)")
CJK = re.compile(r"[\u4e00-\u9fff]")


def reading_minutes(text: str) -> float:
    cjk = len(CJK.findall(text))
    words = len(re.findall(r"[A-Za-z0-9_]+", CJK.sub(" ", text)))
    return cjk / CJK_PER_MINUTE + words / WORDS_PER_MINUTE


def timings(lang: str = "en") -> pd.DataFrame:
    folder = ROOT / "notebooks" if lang == "en" else ROOT / "translations" / lang / "notebooks"
    rows = []
    for path in sorted(folder.glob("[0-9][0-9]-*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = "\n".join("".join(c["source"]) for c in cells)
        run = RUN_TIME.search("".join(cells[0]["source"]))
        exercises = sum("your-turn" in c.get("metadata", {}).get("tags", []) for c in cells)
        row = {"notebook": path.stem[:2], "read (min)": round(reading_minutes(text)),
               "run (min)": round(int(run.group(1)) / 60, 1) if run else None,
               "exercises": exercises, "exercises (min)": exercises * MINUTES_PER_EXERCISE}
        row["total (min)"] = round(row["read (min)"] + (row["run (min)"] or 0) + row["exercises (min)"])
        rows.append(row)
    return pd.DataFrame(rows)


if __name__ == "__main__":
    table = timings(sys.argv[1] if len(sys.argv) > 1 else "en")
    print(table.to_string(index=False))
    print(f"\nwhole course: {table['total (min)'].sum()} min")
