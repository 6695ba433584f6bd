"""The Chinese notebooks' outputs are Chinese, apart from what must stay as it is.

What may stay English in a Chinese notebook's output: model output and the prompts the (English-only)
models are given, proper names, code identifiers, ids and URLs. The check finds runs of three or
more English words in every output of every Chinese notebook and fails on a run that
- holds a sentence of the helper package (a piece of an English message of its catalog), or
- holds English prose of a data file that has no reason below to stay English, or
- does not appear in the same cell's output of the English twin (so it is not model output, an id or
  a prompt shared by both editions, but English the Chinese edition printed itself).
Table headers are checked one by one: a header that is a message of the catalog is untranslated.
"""

import html
import json
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest

from open_models.catalog import DATA_DIR

ROOT = Path(__file__).resolve().parent.parent
ZH_NOTEBOOKS = sorted((ROOT / "translations" / "zh" / "notebooks").rglob("*.ipynb"))
ZH_NOTEBOOKS = [p for p in ZH_NOTEBOOKS if ".ipynb_checkpoints" not in p.parts]
TEMPLATE = ROOT / "open_models" / "locale" / "open_models.pot"

# English data that a Chinese notebook shows as it is, and why.
DATA_KEPT_IN_ENGLISH = {
    ("licence_clauses.csv", "text"): "quotations from the licences: a licence is read in its own words",
    ("eval/*", "*"): "the task set's prompts and answers: model input and expected model output",
    ("course_made/reviews.csv", "text"): "the reviews the model learns to sort: its input (it is English-only)",
    ("models.csv", "name"): "model names are proper names",
    ("families.csv", "family"): "family names are proper names",
    ("next_steps.csv", "name"): "the resources' names, as their own sites write them",
    ("osi_criteria.csv", "name"): "the Open Source Definition's clause names, in English in brackets after the Chinese",
}

# Messages of the helper that a Chinese notebook may show in English, and why.
MESSAGES_KEPT_IN_ENGLISH = {
    "Hugging Face Hub": "a proper name (where a model comes from)",
    "What is the capital of France?": "the prompt the English-only models are asked in the notebooks: model input",
    "Name three fruits.": "an example prompt in a message; the notebooks ask the models this in English",
}
# A cell that runs a model may print English the English edition does not: the model's own answer to a
# prompt of the Chinese edition (e.g. SmolLM2 asked in Chinese, answering in English).
RUNS_A_MODEL = re.compile(r"\b(generate|continue_text|compare|answer_reviews|complete)\(")

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
IGNORED = re.compile(r"https?://\S+|`[^`]*`|\b\w+(?:[./_:]\w+)+\b|\b\w*\d\w*\b|<[^>]+>")
RUN = re.compile(r"(?:[A-Za-z][A-Za-z'’-]*[,;:.!?)]?\s+){2,}[A-Za-z][A-Za-z'’-]*")
FIELD = re.compile(r"\{[^{}]*\}")


def output_texts(cell: dict) -> list[str]:
    """Every text a learner reads in a cell's outputs: streams, plain text, HTML with its tags removed."""
    texts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            texts.append("".join(output["text"]))
        data = output.get("data", {})
        if "text/html" in data:
            texts.append(html.unescape(re.sub(r"<[^>]+>", " ", "".join(data["text/html"]))))
        elif "text/plain" in data:
            texts.append("".join(data["text/plain"]))
    return texts


def english_runs(text: str) -> list[str]:
    """Runs of three or more English words, ignoring URLs, identifiers, code, numbers and names.

    A run of capitalised words only ("Hugging Face Hub", "GPU OpenAssistant Falcon SFT") is taken for names.
    """
    cleaned = IGNORED.sub("  ", text)
    runs = [" ".join(run.split()) for run in RUN.findall(cleaned)]
    return [run for run in runs if not all(word[0].isupper() for word in WORD.findall(run))]


@lru_cache(maxsize=1)
def helper_sentences() -> tuple[str, ...]:
    """Pieces of the helper's English messages (between placeholders) of three words or more."""
    template = TEMPLATE.read_text(encoding="utf-8")
    messages = re.findall(r'^msgid(?:_plural)? ((?:".*"\n)+)', template + "\n", flags=re.M)
    pieces = set()
    for quoted in messages:
        text = "".join(json.loads(line) for line in quoted.splitlines())
        for kept in MESSAGES_KEPT_IN_ENGLISH:
            text = text.replace(kept, "{}")
        for piece in FIELD.split(text):
            for run in english_runs(piece):
                pieces.add(run)
    return tuple(sorted(pieces, key=len, reverse=True))


@lru_cache(maxsize=1)
def helper_labels() -> frozenset[str]:
    """Short messages of the catalog (table headers, values) that a Chinese table must not show."""
    template = TEMPLATE.read_text(encoding="utf-8")
    labels = {json.loads(m) for m in re.findall(r'^msgid (".+")$', template, flags=re.M)}
    return frozenset(label for label in labels if len(label.split()) <= 4 and not FIELD.search(label))


def kept_in_english(file: str, column: str) -> bool:
    return any((f == file or (f.endswith("/*") and file.startswith(f[:-1]))) and c in (column, "*")
               for f, c in DATA_KEPT_IN_ENGLISH)


@lru_cache(maxsize=1)
def data_prose() -> tuple[str, ...]:
    """English prose of the data files (three words or more) that should be shown in Chinese."""
    prose = set()
    for path in sorted(DATA_DIR.rglob("*.csv")):
        name = path.relative_to(DATA_DIR).as_posix()
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in table.columns:
            if column.endswith("_zh") or column in ("source", "training_source", "url") or kept_in_english(name, column):
                continue
            for value in table[column]:
                runs = english_runs(value)
                if runs and len(max(runs, key=len).split()) >= 5:  # prose, not a name
                    prose.add(max(runs, key=len))
    return tuple(prose)


def english_twin(path: Path) -> Path:
    return ROOT / "notebooks" / path.relative_to(ROOT / "translations" / "zh" / "notebooks")


def problems_in(path: Path) -> list[str]:
    chinese = json.loads(path.read_text(encoding="utf-8"))["cells"]
    english = json.loads(english_twin(path).read_text(encoding="utf-8"))["cells"]
    english_code = [c for c in english if c["cell_type"] == "code"]
    found = []
    for number, cell in enumerate(c for c in chinese if c["cell_type"] == "code"):
        twin_text = " ".join(" ".join(IGNORED.sub("  ", t).split()) for t in output_texts(english_code[number]))
        for text in output_texts(cell):
            where = f"{path.name} code cell {number + 1}"
            for run in english_runs(text):
                helper = next((s for s in helper_sentences() if s in run), None)
                if helper:
                    found.append(f"{where}: the helper's English: {helper!r} (in {run!r})")
                elif any(prose in run for prose in data_prose()):
                    found.append(f"{where}: a data file's English: {run!r}")
                elif run not in twin_text and not RUNS_A_MODEL.search("".join(cell["source"])):
                    found.append(f"{where}: English the English edition does not print: {run!r}")
            for header in re.findall(r"<th[^>]*>(.*?)</th>", "".join(_html(cell)), flags=re.S):
                label = html.unescape(header).strip()
                if label in helper_labels():
                    found.append(f"{where}: an English table header: {label!r}")
    return found


def _html(cell: dict) -> list[str]:
    return ["".join(o.get("data", {}).get("text/html", "")) for o in cell.get("outputs", [])]


@pytest.mark.parametrize("path", ZH_NOTEBOOKS, ids=lambda p: p.relative_to(ROOT / "translations" / "zh").as_posix())
def test_chinese_notebooks_show_no_english_but_what_must_stay(path):
    problems = problems_in(path)
    assert not problems, f"{len(problems)} English text(s) in the outputs:\n" + "\n".join(problems[:40])


# --- the check finds what it should -------------------------------------------------------------------

def test_english_runs_skip_ids_urls_code_and_numbers():
    text = "模型 smollm2-135m-instruct 在 https://huggingface.co/x 上，调用 `load_model()`，用时 12.5 秒"
    assert english_runs(text) == []
    assert english_runs("回答：The capital of France is Paris.") == ["The capital of France is Paris"]


def test_a_helper_sentence_left_in_english_is_found():
    sentence = next(s for s in helper_sentences() if len(s.split()) >= 4)
    run = english_runs(f"提示：{sentence}")[0]
    assert any(s in run for s in helper_sentences())


def test_every_kept_data_column_exists():
    """An allow-list entry for a column that is gone would hide nothing and mislead: each must exist."""
    for file, column in DATA_KEPT_IN_ENGLISH:
        paths = sorted(DATA_DIR.glob(file)) if "*" in file else [DATA_DIR / file]
        assert paths and all(p.exists() for p in paths), file
        if column != "*":
            assert column in pd.read_csv(paths[0], dtype=str, nrows=1).columns, (file, column)
