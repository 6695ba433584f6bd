"""The helper's languages: the message catalogs, set_language, translated tables, wrapping, Chinese charts."""

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

import open_models
from open_models import i18n
from open_models.errors import CourseError, InvalidInput

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import messages  # noqa: E402  (tools/messages.py)


@pytest.fixture
def chinese():
    i18n.set_language("zh")
    yield
    i18n.set_language("en")


@pytest.mark.parametrize("code", sorted(messages.catalogs()))
def test_every_message_of_the_package_is_translated(code):
    """No message untranslated, fuzzy or unused; placeholders kept; the .mo is the compiled .po."""
    assert messages.problems(code) == []


def test_the_catalog_is_found_by_marking_the_code():
    """Messages are collected from _() and N_() calls: the catalog is not empty and names their files."""
    found = messages.extract()
    files = {path for message in found if message.id for path, _line in message.locations}
    assert len(found) > 300
    assert {"open_models/chooser.py", "open_models/loading.py", "open_models/exercises/checking.py"} <= files


def test_english_is_the_default_and_chinese_is_one_call_away(chinese):
    assert i18n.language() == "zh"
    assert i18n._("Check passed.") != "Check passed."
    i18n.set_language("en")
    assert i18n._("Check passed.") == "Check passed."


@pytest.mark.parametrize("spelling", ["zh", "ZH", "zh-CN", "zh_CN", "chinese"])
def test_common_spellings_of_chinese_are_understood(spelling):
    try:
        open_models.set_language(spelling)
        assert open_models.language() == "zh"
    finally:
        open_models.set_language("en")


@pytest.mark.parametrize("bad", ["fr", "", 3, None])
def test_an_unknown_language_is_refused_with_the_choices(bad):
    with pytest.raises(InvalidInput, match="'en'.*'zh'"):
        open_models.set_language(bad)
    assert i18n.language() == "en"


def test_the_environment_variable_chooses_the_language_at_import():
    code = "import open_models as o; print(o.language(), o.i18n._('Check passed.'))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "OPEN_MODELS_LANG": "zh"})
    assert run.returncode == 0, run.stderr
    language, said = run.stdout.strip().split(" ", 1)
    assert language == "zh" and said != "Check passed."


def test_a_mistyped_environment_variable_warns_and_keeps_english():
    code = "import open_models as o; print(o.language())"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "OPEN_MODELS_LANG": "klingon"})
    assert run.returncode == 0 and run.stdout.strip() == "en"
    assert "OPEN_MODELS_LANG" in run.stderr


def test_tables_keep_english_data_and_show_translated_headers_and_values(chinese):
    table = pd.DataFrame({"license": ["yes", "apache-2.0"]}, index=pd.Index(["a", "b"], name="model"))
    shown = i18n.translated_frame(table)
    assert list(table.columns) == ["license"] and table.iloc[0, 0] == "yes"  # the data is untouched
    assert shown.columns[0] == i18n._("license") != "license"
    assert shown.iloc[0, 0] == i18n._("yes") != "yes"
    assert shown.iloc[1, 0] == "apache-2.0"  # not a message: shown as it is
    assert shown.index.name == i18n._("model")


def test_a_data_file_with_a_chinese_column_gives_the_learners_language(chinese):
    chinese_summary = open_models.read_data("osi_criteria.csv")["summary"]
    i18n.set_language("en")
    english = open_models.read_data("osi_criteria.csv")
    assert not any(column.endswith("_zh") for column in english.columns)
    assert list(chinese_summary) != list(english["summary"])
    assert all(i18n.columns(text) > len(text) for text in chinese_summary)  # Chinese characters in every row


def test_wrap_keeps_english_exactly_as_textwrap_does():
    import textwrap

    text = "A model that is not bundled cannot be loaded offline: set HF_HUB_OFFLINE=0 and try again. " * 3
    assert i18n.wrap(text, 40) == textwrap.wrap(text, 40, break_long_words=False, break_on_hyphens=False)


def test_wrap_breaks_chinese_within_the_width_and_never_inside_a_word():
    text = "模型 smollm2-135m-instruct 没有打包在课程里，现在也不能联网下载。请改用 offline_ids() 列出的模型。" * 3
    lines = i18n.wrap(text, 40, subsequent_indent="  ")
    assert all(i18n.columns(line) <= 40 for line in lines)
    assert "".join(line.strip() for line in lines).replace(" ", "") == text.replace(" ", "")
    assert all("smollm2-135m-instruct" in line for line in lines if "smollm2" in line)
    assert not any(line.strip().startswith(("，", "。")) for line in lines)


def test_a_course_error_in_jupyter_is_one_short_message_in_chinese(chinese):
    """The message a learner reads in the Chinese notebooks is Chinese, wrapped to the page."""
    with pytest.raises(CourseError) as raised:
        open_models.load_model("no-such-model")
    message = str(raised.value)
    assert i18n.columns(message) > len(message)  # it has Chinese characters
    assert "no-such-model" in message


def test_a_chinese_chart_has_every_glyph():
    """With set_language("zh") the charts' font has Chinese characters: matplotlib misses none."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    i18n.set_language("zh")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            figure = open_models.plot_scorecard()
            figure.canvas.draw()
            texts = [t.get_text() for t in figure.findobj(matplotlib.text.Text) if t.get_text()]
            plt.close(figure)
    finally:
        i18n.set_language("en")
    assert any(i18n.columns(text) > len(text) for text in texts), texts  # the chart speaks Chinese
    assert not [w for w in caught if "missing from font" in str(w.message)]


def test_without_the_chinese_font_a_chart_would_miss_glyphs():
    """The check above can fail: DejaVu Sans alone has no Chinese characters."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with matplotlib.rc_context({"font.family": ["sans-serif"], "font.sans-serif": ["DejaVu Sans"]}):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            figure, axes = plt.subplots()
            axes.set_title("开放度")
            figure.canvas.draw()
            plt.close(figure)
    assert [w for w in caught if "missing from font" in str(w.message)]


def test_a_prompt_in_a_table_stays_as_given_while_the_chooser_offers_it_translated(chinese):
    """The chooser's first prompt is a message in a context: a table of prompts shows what the model was asked."""
    asked = pd.DataFrame({"prompt": ["What is the capital of France?"]})
    assert i18n.translated_frame(asked).iloc[0, 0] == "What is the capital of France?"
    offered = i18n.in_context("the chooser's first prompt", "What is the capital of France?")
    assert i18n.columns(offered) > len(offered)  # Chinese
