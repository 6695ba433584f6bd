"""Keep the translated notebooks in step with the English ones.

Each translated notebook (translations/<lang>/notebooks/<same name>) records, in its metadata, a
fingerprint of the English notebook it was translated from: one short hash per English cell
(markdown and code). Two checks follow:

- parity: the code cells are the same code, token for token, once comments and string literals
  are set aside (so prompts, messages and comments may be translated, nothing else);
- staleness: the English notebook still has the fingerprint the translation recorded; if not, the
  check names the cells that changed.

Command line (from the repository root):
    python tools/translations.py check            # report every problem, exit 1 if any
    python tools/translations.py stamp FILE...    # record the current English source in FILE(s)
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EN_NOTEBOOKS = ROOT / "notebooks"
LANGUAGES = ("zh",)
NBVAL_MARKER = re.compile(r"#\s*(NBVAL_\w+)")
STRING_PLACEHOLDER = "<string>"


def glossary(lang: str = "zh") -> list[tuple[str, list[str]]]:
    """(preferred term, [wrong variants]) for each row of translations/<lang>/TERMINOLOGY.md's table."""
    rows = []
    for line in (ROOT / "translations" / lang / "TERMINOLOGY.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[1] and cells[1] != "中文" and not set(cells[1]) <= set("-"):
            rows.append((cells[1], [v.strip() for v in re.split("[、,]", cells[2]) if v.strip()]))
    return rows


def translated_dir(lang: str) -> Path:
    return ROOT / "translations" / lang / "notebooks"


def english_notebooks() -> list[Path]:
    """Every English notebook: the chapters, then their solutions (notebooks/solutions/)."""
    return sorted(EN_NOTEBOOKS.glob("*.ipynb")) + sorted((EN_NOTEBOOKS / "solutions").glob("*.ipynb"))


def translated_path(english_path: Path, lang: str) -> Path:
    """The same path under translations/<lang>/notebooks/ (solutions keep their subfolder)."""
    return translated_dir(lang) / english_path.resolve().relative_to(EN_NOTEBOOKS)


def english_path_of(translated: Path) -> Path:
    lang_dir = next(d for d in translated.resolve().parents if d.name == "notebooks")
    return EN_NOTEBOOKS / translated.resolve().relative_to(lang_dir)


def read_notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def cell_text(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def cell_hash(cell: dict) -> str:
    return hashlib.sha256(f"{cell['cell_type']}\n{cell_text(cell)}".encode()).hexdigest()[:12]


def fingerprint(notebook: dict) -> list[str]:
    """One short hash per cell of the English notebook, in order."""
    return [cell_hash(cell) for cell in notebook["cells"]]


def code_tokens(source: str) -> list[str]:
    """The code's tokens without comments, layout or the text of string literals.

    Shell and magic lines (``!pip ...``, ``%time``) are kept whole. Adjacent literals count as one,
    and an f-string (split into parts by Python 3.12+) counts as one literal.
    """
    kept, python_lines = [], []
    for line in source.splitlines():
        if line.lstrip().startswith(("!", "%")):
            kept.append(line.strip())
            python_lines.append("")
        else:
            python_lines.append(line)
    tokens = list(kept)
    depth = 0  # inside an f-string (3.12+ tokenizes its parts)
    ignored = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
               tokenize.ENDMARKER}
    for token in tokenize.generate_tokens(io.StringIO("\n".join(python_lines) + "\n").readline):
        name = tokenize.tok_name[token.type]
        if name == "FSTRING_START":
            depth += 1
        if depth or token.type == tokenize.STRING:
            if not tokens or tokens[-1] != STRING_PLACEHOLDER:
                tokens.append(STRING_PLACEHOLDER)
        elif token.type not in ignored:
            tokens.append(token.string)
        if name == "FSTRING_END":
            depth -= 1
    return tokens


def code_cells(notebook: dict) -> list[dict]:
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def parity_problems(english: dict, translated: dict) -> list[str]:
    """Where the translated notebook's code is not the English code (comments and strings aside)."""
    en_cells, tr_cells = code_cells(english), code_cells(translated)
    if len(en_cells) != len(tr_cells):
        return [f"{len(tr_cells)} code cells, the English notebook has {len(en_cells)}"]
    problems = []
    for number, (en, tr) in enumerate(zip(en_cells, tr_cells, strict=True), start=1):  # same length: checked above
        en_source, tr_source = cell_text(en), cell_text(tr)
        try:
            same = code_tokens(en_source) == code_tokens(tr_source)
        except (tokenize.TokenError, SyntaxError, IndentationError) as error:
            problems.append(f"code cell {number}: cannot be read as Python ({error})")
            continue
        if not same:
            first = next((a for a, b in zip(en_source.splitlines(), tr_source.splitlines(), strict=False) if a != b), "")
            problems.append(f"code cell {number}: the code differs from English (near: {first.strip()[:70]!r})")
        if NBVAL_MARKER.findall(en_source) != NBVAL_MARKER.findall(tr_source):
            problems.append(f"code cell {number}: nbval markers differ from English")
        if en.get("metadata", {}).get("tags", []) != tr.get("metadata", {}).get("tags", []):
            problems.append(f"code cell {number}: cell tags differ from English")
    return problems


def staleness_problems(english: dict, translated: dict) -> list[str]:
    """What changed in the English notebook since the translation recorded its fingerprint."""
    recorded = translated.get("metadata", {}).get("translation", {}).get("source_cells")
    if not recorded:
        return ["no record of the English source (run: python tools/translations.py stamp <file>)"]
    current = fingerprint(english)
    if recorded == current:
        return []
    problems = []
    cells = english["cells"]
    for index, digest in enumerate(current):
        if digest not in recorded:
            first_line = cell_text(cells[index]).strip().splitlines()[:1]
            problems.append(
                f"English cell {index + 1} ({cells[index]['cell_type']}) is new or changed: "
                f"{(first_line or [''])[0][:70]!r}"
            )
    removed = len([d for d in recorded if d not in current])
    if removed:
        problems.append(f"{removed} cell(s) of the recorded English source are gone")
    if not problems:
        problems.append("the English cells were reordered")
    return problems


def check_notebook(english_path: Path, lang: str) -> list[str]:
    translation = translated_path(english_path, lang)
    if not translation.exists():
        return [f"missing: {translation.relative_to(ROOT)}"]
    english, translated = read_notebook(english_path), read_notebook(translation)
    where = translation.relative_to(ROOT)
    return [f"{where}: {p}" for p in staleness_problems(english, translated) + parity_problems(english, translated)]


def stamp(translated_path: Path) -> None:
    """Record the current English source in a translated notebook's metadata (after syncing it)."""
    english_path = english_path_of(translated_path)
    translated = read_notebook(translated_path)
    translated.setdefault("metadata", {})["translation"] = {
        "source": english_path.relative_to(ROOT).as_posix(),
        "source_cells": fingerprint(read_notebook(english_path)),
    }
    translated_path.write_text(json.dumps(translated, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    if argv[:1] == ["stamp"] and len(argv) > 1:
        for name in argv[1:]:
            stamp(Path(name).resolve())
            print(f"stamped {name}")
        return 0
    if argv[:1] == ["check"]:
        problems = [p for lang in LANGUAGES for nb in english_notebooks() for p in check_notebook(nb, lang)]
        print("\n".join(problems) or "all translations match their English source")
        return 1 if problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
