"""The Chinese edition stays in step with the English one.

- every English notebook has a Chinese one with the same code (comments and strings aside);
- each Chinese notebook was translated from the English notebook as it is now (staleness);
- every relative link and image in the READMEs and notebooks, in both languages, resolves;
- the glossary's terms are used, and the variants it marks as wrong are not.
The checkers themselves are tested on small broken examples, so a check that cannot fail is caught.
"""

import copy
import importlib.util
import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("translations", ROOT / "tools" / "translations.py")
translations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(translations)

EN_NOTEBOOKS = translations.english_notebooks()
ZH_DIR = ROOT / "translations" / "zh"
GLOSSARY = ZH_DIR / "TERMINOLOGY.md"


# --- parity and staleness on the real notebooks ---------------------------------------------------

@pytest.mark.parametrize("english", EN_NOTEBOOKS, ids=lambda p: p.relative_to(ROOT / "notebooks").as_posix())
def test_each_notebook_has_an_up_to_date_chinese_translation(english):
    problems = translations.check_notebook(english, "zh")
    assert not problems, "\n".join(problems)


def test_no_translation_lacks_an_english_source():
    english = {p.relative_to(ROOT / "notebooks") for p in EN_NOTEBOOKS}
    orphans = [str(p.relative_to(ZH_DIR / "notebooks")) for p in (ZH_DIR / "notebooks").rglob("*.ipynb")
               if p.relative_to(ZH_DIR / "notebooks") not in english and ".ipynb_checkpoints" not in p.parts]
    assert not orphans, f"translated notebooks with no English source: {orphans}"


# --- the checkers catch what they should ----------------------------------------------------------

def _notebook(*cells):
    return {"cells": [{"cell_type": kind, "metadata": {}, "source": text} for kind, text in cells], "metadata": {}}


ENGLISH = _notebook(
    ("markdown", "# Title\nSome prose."),
    ("code", 'x = load("model")  # load it\nprint(f"{x} is ready", "twice")'),
)


def test_translated_comments_and_strings_keep_parity():
    chinese = _notebook(
        ("markdown", "# 标题\n一些文字。"),
        ("code", 'x = load("model")  # 加载\nprint(f"{x} 已就绪", "两次")'),
    )
    assert translations.parity_problems(ENGLISH, chinese) == []


@pytest.mark.parametrize("changed", [
    'x = load("model")\nprint(f"{x} is ready")',            # a string argument dropped
    'y = load("model")\nprint(f"{y} is ready", "twice")',   # a name changed
    'x = load("model", 2)\nprint(f"{x} is ready", "twice")',  # an argument added
])
def test_changed_code_breaks_parity(changed):
    chinese = _notebook(("markdown", "# 标题"), ("code", changed))
    assert translations.parity_problems(ENGLISH, chinese)


def test_a_missing_code_cell_or_nbval_marker_breaks_parity():
    assert translations.parity_problems(ENGLISH, _notebook(("markdown", "# 标题")))
    marked = copy.deepcopy(ENGLISH)
    marked["cells"][1]["source"] = "# NBVAL_IGNORE_OUTPUT\n" + marked["cells"][1]["source"]
    assert translations.parity_problems(marked, ENGLISH)


def test_staleness_names_the_changed_english_cell():
    chinese = copy.deepcopy(ENGLISH)
    chinese["metadata"]["translation"] = {"source_cells": translations.fingerprint(ENGLISH)}
    assert translations.staleness_problems(ENGLISH, chinese) == []
    edited = copy.deepcopy(ENGLISH)
    edited["cells"][0]["source"] = "# Title\nSome new prose."
    problems = translations.staleness_problems(edited, chinese)
    assert problems and "English cell 1 (markdown)" in problems[0]
    unstamped = copy.deepcopy(ENGLISH)
    assert "stamp" in translations.staleness_problems(ENGLISH, unstamped)[0]


# --- links ----------------------------------------------------------------------------------------

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)|<img[^>]+src=\"([^\"]+)\"")


def _markdown_texts():
    for path in [ROOT / "README.md", ROOT / "FACILITATOR.md", *sorted(ZH_DIR.rglob("*.md"))]:
        yield path, path.read_text(encoding="utf-8")
    for path in [*EN_NOTEBOOKS, *sorted((ZH_DIR / "notebooks").rglob("*.ipynb"))]:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        yield path, "\n".join(translations.cell_text(c) for c in cells if c["cell_type"] == "markdown")


def relative_links(text):
    for match in LINK.finditer(text):
        target = match.group(1) or match.group(2)
        if not re.match(r"^[a-z][a-z0-9+.-]*:|^#", target):  # skip URLs, mailto: and in-page anchors
            yield unquote(target.split("#")[0])


@pytest.mark.parametrize("path,text", list(_markdown_texts()), ids=lambda v: v.name if isinstance(v, Path) else "")
def test_every_relative_link_and_image_resolves(path, text):
    broken = [target for target in relative_links(text) if not (path.parent / target).exists()]
    assert not broken, f"{path.relative_to(ROOT)}: links to missing files: {broken}"


def test_the_link_checker_finds_a_broken_link():
    text = "See [the setup](setup.sh), ![a chart](images/nope.png) and [the web](https://example.org)."
    assert list(relative_links(text)) == ["setup.sh", "images/nope.png"]
    assert not (ROOT / "images" / "nope.png").exists()


# --- the glossary ---------------------------------------------------------------------------------

def glossary():
    return translations.glossary("zh")


def chinese_text() -> str:
    """The Chinese edition: its Markdown files, its notebooks' cells, and the helper's Chinese messages."""
    texts = [p.read_text(encoding="utf-8") for p in ZH_DIR.glob("*.md") if p != GLOSSARY]
    texts += [p.read_text(encoding="utf-8") for p in (ROOT / "open_models" / "locale").glob("*/LC_MESSAGES/*.po")]
    for path in sorted((ZH_DIR / "notebooks").rglob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        texts += [translations.cell_text(c) for c in cells]
    return "\n".join(texts)


GLOSS = re.compile(r"(也常称|也称|又称|也叫)“[^”]*”")  # an explicit gloss, e.g. 基础模型（也常称“基座模型”）


def misused_variants(text: str, rows) -> list[str]:
    found = []
    text = GLOSS.sub("", text)  # a variant named as such, to help a reader who knows it, is fine
    for term, variants in rows:
        rest = text.replace(term, "")  # a variant inside the right term (组查询 in 分组查询) is fine
        found += [f"{variant} (write {term})" for variant in variants if variant in rest]
    return found


def test_the_glossary_is_read():
    rows = dict(glossary())
    assert rows["专家混合"] == ["混合专家"] and len(rows) >= 20


def test_every_glossary_term_is_used():
    text = chinese_text()
    unused = [term for term, _ in glossary() if term not in text]
    assert not unused, f"glossary terms never used in the Chinese edition: {unused}"


def test_no_variant_the_glossary_marks_wrong_is_used():
    wrong = misused_variants(chinese_text(), glossary())
    assert not wrong, f"use the glossary's terms: {wrong}"


def test_the_variant_check_catches_a_wrong_term_but_not_the_right_one():
    rows = [("分组查询注意力", ["组查询注意力"]), ("微调", ["精调"])]
    assert misused_variants("分组查询注意力与微调", rows) == []
    assert misused_variants("组查询注意力和精调", rows) == ["组查询注意力 (write 分组查询注意力)", "精调 (write 微调)"]
    assert misused_variants("微调（也常称“精调”）", rows) == []  # a gloss may name the variant
    assert misused_variants("微调（常见的“精调”）", rows) == ["精调 (write 微调)"]
