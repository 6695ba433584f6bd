"""The model chooser: the plain filter function on the real catalog, the card, and the widget driven from code."""

import dataclasses
import math
import re

import pytest

from open_models import chooser, get_entry, load_catalog, openness_score
from open_models.chooser import (
    Chooser,
    card,
    card_html,
    catalog_table,
    compare_matches,
    filter_models,
    relax_hint,
    scorecard_openness,
)
from open_models.errors import InvalidInput


def ids(entries):
    return [entry.id for entry in entries]


# --- filter_models on the real catalog ---------------------------------------------------------------

def test_no_filter_returns_the_whole_catalog_in_order():
    assert ids(filter_models()) == [entry.id for entry in load_catalog()]


def test_offline_only_gives_the_bundled_models():
    assert ids(filter_models(offline_only=True)) == ["smollm2-135m-instruct", "gemma-3-270m"]


def test_filters_combine():
    found = filter_models(task="code", max_params_b=1.0, license_type="open-source")
    assert ids(found) == ["qwen2.5-0.5b-instruct"]


def test_multilingual_matches_any_language():
    chinese = ids(filter_models(language="zh"))
    assert "gemma-3-270m" in chinese and "qwen2.5-0.5b-instruct" in chinese
    assert "smollm2-135m-instruct" not in chinese
    assert "gemma-3-270m" in ids(filter_models(language="fr"))


def test_min_openness_leaves_out_unscored_models():
    assert ids(filter_models(min_openness=4)) == ["smollm2-135m-instruct", "tinyllama-1.1b-chat"]
    # unscored models are kept as long as no minimum is asked for
    assert "olmo-2-1b-instruct" in ids(filter_models())


def test_openness_lookup_can_be_replaced():
    found = filter_models(min_openness=1, openness_of=lambda entry: 2.0 if entry.bundled else None)
    assert ids(found) == ["smollm2-135m-instruct", "gemma-3-270m"]


def test_openness_comes_from_the_scorecard_name_in_the_catalog():
    """Each scored model's name on the scorecard is in models.csv (checked against the scorecard in test_data.py)."""
    scored = {entry.id: scorecard_openness(entry) for entry in load_catalog() if scorecard_openness(entry) is not None}
    assert scored == {
        "smollm2-135m-instruct": openness_score("SmolLM2 135M"),
        "gemma-3-270m": openness_score("Gemma 3 270M"),
        "qwen2.5-1.5b-instruct": openness_score("Qwen2.5 1.5B"),
        "tinyllama-1.1b-chat": openness_score("TinyLlama 1.1B"),
    }
    assert scorecard_openness(get_entry("gemma-3-270m-it")) is None  # a sibling of a scored model is not guessed


def test_fits_in_memory_uses_the_memory_guard(monkeypatch):
    monkeypatch.setattr(chooser, "available_bytes", lambda: 2.0e9)  # 2 GB free
    assert ids(filter_models(fits_in_memory=True)) == ["smollm2-135m-instruct", "gemma-3-270m", "gemma-3-270m-it"]
    monkeypatch.setattr(chooser, "available_bytes", lambda: 0)
    assert filter_models(fits_in_memory=True) == []


def test_nothing_matches_gives_an_empty_list_and_a_hint_naming_the_filter_to_relax():
    assert filter_models(task="code", offline_only=True) == []
    hint = relax_hint(task="code", offline_only=True)
    assert 'Relax "runs offline only"' in hint and "qwen2.5-0.5b-instruct" in hint


def test_hint_when_no_single_filter_is_enough():
    hint = relax_hint(task="code", offline_only=True, license_type="open-weights", min_openness=4)
    assert "relax several" in hint


@pytest.mark.parametrize(
    "arguments, words",
    [
        ({"task": "coding"}, ["Unknown task 'coding'", "code", "chat"]),
        ({"language": "klingon"}, ["Unknown language", "zh", "multilingual"]),
        ({"license_type": "mit"}, ["Unknown license_type", "open-source", "open-weights"]),
        ({"task": 3}, ["task must be a string"]),
        ({"max_params_b": "1B"}, ["max_params_b must be a number"]),
        ({"max_params_b": -1}, ["at least 0"]),
        ({"max_params_b": math.nan}, ["max_params_b must be a finite number"]),
        ({"max_params_b": math.inf}, ["max_params_b must be a finite number"]),
        ({"min_openness": 6}, ["from 0 to 5"]),
        ({"min_openness": math.nan}, ["min_openness must be a finite number"]),
        ({"min_openness": -math.inf}, ["min_openness must be a finite number"]),
        ({"offline_only": "yes"}, ["True or False"]),
        ({"fits_in_memory": 1}, ["True or False"]),
        ({"catalog": ["not an entry"]}, ["ModelEntry"]),
    ],
)
def test_bad_filters_say_what_is_valid(arguments, words):
    with pytest.raises(InvalidInput) as caught:
        filter_models(**arguments)
    for word in words:
        assert word in str(caught.value)


def test_values_are_normalised():
    assert ids(filter_models(task=" Code ", language="ZH")) == ids(filter_models(task="code", language="zh"))


# --- showing models ---------------------------------------------------------------------------------

def test_card_has_what_you_need_to_decide():
    text = card(load_catalog()[1])  # gemma-3-270m
    for expected in ["Gemma 3 270M", "Google", "0.268 billion", "gemma (open-weights)",
                     f"{openness_score('Gemma 3 270M'):g} / 5",
                     "multilingual", "matches any language", "text-generation", "base model", "offline",
                     "bundled copy needs no login", "https://huggingface.co/google/gemma-3-270m"]:
        assert expected in text
    hub = card(next(e for e in load_catalog() if e.id == "olmo-2-1b-instruct"))
    assert "Hugging Face Hub only" in hub and "not on the course scorecard" in hub


def test_a_gated_model_card_names_its_ungated_alternative():
    for model_id in ("gemma-3-270m", "gemma-3-270m-it"):
        lines = card(get_entry(model_id)).splitlines()
        gated = next(i for i, line in enumerate(lines) if line.startswith("  gated "))
        assert lines[gated + 1] == "  alternative qwen2.5-0.5b-instruct (not gated: no terms to accept, no login)"
        assert "<th" in card_html(get_entry(model_id)) and ">alternative</th>" in card_html(get_entry(model_id))
    assert "alternative" not in card(get_entry("smollm2-135m-instruct"))  # not gated: no such line


def test_catalog_table_has_a_row_per_entry_indexed_by_id():
    table = catalog_table(filter_models(offline_only=True))
    assert table.index.name == "id" and list(table.index) == ["smollm2-135m-instruct", "gemma-3-270m"]
    assert list(table.columns) == ["params (B)", "license", "license type", "openness", "languages", "tasks", "weights"]
    assert table.loc["smollm2-135m-instruct", "openness"] == 4.5
    assert table.loc["gemma-3-270m", "languages"] == "multilingual"
    assert set(table["weights"]) == {"bundled (offline)"}
    everything = catalog_table(load_catalog())
    assert len(everything) == len(load_catalog())
    assert math.isnan(everything.loc["olmo-2-1b-instruct", "openness"])  # not on the scorecard
    assert everything.loc["olmo-2-1b-instruct", "weights"] == "Hugging Face Hub"


# --- the widget, driven from code -------------------------------------------------------------------

@pytest.fixture
def offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def test_changing_a_filter_updates_the_matches_and_the_card():
    widget = Chooser()
    assert len(widget.matches.options) == len(load_catalog())
    widget.language.value = "zh"
    widget.max_params.value = 0.5
    assert [value for _, value in widget.matches.options] == ["gemma-3-270m", "gemma-3-270m-it", "qwen2.5-0.5b-instruct"]
    widget.license_type.value = "open-source"
    assert widget.matches.value == "qwen2.5-0.5b-instruct"
    assert "Qwen2.5-0.5B-Instruct" in widget.card.value and "1 of 10 models match" in widget.card.value


def test_picking_another_match_changes_the_card():
    widget = Chooser()
    widget.matches.value = "tinyllama-1.1b-chat"
    assert "TinyLlama-1.1B-Chat-v1.0" in widget.card.value


def test_nothing_matches_shows_which_filter_to_relax():
    widget = Chooser()
    widget.task.value = "code"
    widget.offline.value = True
    assert widget.matches.options == () and widget.matches.value is None
    assert "Relax &quot;runs offline only&quot;" in widget.card.value
    widget.run.click()  # still usable: says what to do
    assert "No model is picked" in widget.output_text()
    widget.offline.value = False
    assert widget.matches.value == "qwen2.5-0.5b-instruct"


def test_run_answers_with_the_bundled_model_and_keeps_it_loaded(offline, monkeypatch):
    widget = Chooser(max_new_tokens=12)
    widget.offline.value = True
    assert widget.matches.value == "smollm2-135m-instruct"
    widget.prompt.value = "What is the capital of France?"
    widget.run.click()
    assert "Paris" in widget.output_text() and widget.last_answer in widget.output_text()
    assert re.search(r"\d+ new tokens", widget.output_text())
    assert "smollm2-135m-instruct" in widget.loaded

    def must_not_reload(*args, **kwargs):
        raise AssertionError("the second Run reloaded the model")

    monkeypatch.setattr(chooser, "load_model", must_not_reload)
    widget.prompt.value = "What is the capital of Italy?"
    widget.run.click()
    second = widget.output_text()
    assert second.count("smollm2-135m-instruct:") == 1 and "Paris" not in second  # replaced, not appended


def test_empty_prompt_shows_a_message(offline):
    widget = Chooser()
    widget.prompt.value = "   "
    widget.run.click()
    assert widget.output_text().strip() == chooser.EMPTY_PROMPT
    assert widget.loaded == {}  # nothing was loaded for an empty prompt


def test_a_hub_only_pick_offline_shows_the_hub_message_and_the_widget_stays_usable(offline):
    widget = Chooser(max_new_tokens=8)
    widget.matches.value = "qwen2.5-0.5b-instruct"
    widget.run.click()
    text = widget.output_text()
    assert text.startswith("qwen2.5-0.5b-instruct is only on the Hugging Face Hub")
    assert "HF_HUB_OFFLINE=1" in text and 'Tick "runs offline only"' in text
    assert widget.run.disabled is False
    widget.prompt.value = ""
    widget.run.click()
    assert widget.output_text().strip() == chooser.EMPTY_PROMPT


def test_display_has_a_plain_text_summary():
    bundle = Chooser()._repr_mimebundle_()
    assert bundle["text/plain"].startswith("Chooser: 10 of 10 models match. Picked: smollm2-135m-instruct.")
    assert "Run this cell" in bundle["text/plain"]  # before the cell runs, this is all JupyterLab shows


def test_a_chooser_without_downloads_says_what_to_change_in_the_chooser(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    widget = Chooser(allow_hub=False)
    widget.matches.value = "qwen2.5-0.5b-instruct"
    widget.run.click()
    assert "allow_hub is False" in widget.output_text() and "set its allow_hub to True" in widget.output_text()
    assert widget.loaded == {}


def test_run_says_what_it_is_doing_before_the_answer(offline, monkeypatch, tmp_path):
    monkeypatch.setenv("OPEN_MODELS_CACHE", str(tmp_path))  # cold: the first use converts
    widget = Chooser(max_new_tokens=8)
    shown = []
    widget.output.observe(lambda change: shown.append(widget.output_text()), names="outputs")
    widget.run.click()
    assert shown[0].startswith("Converting smollm2-135m-instruct's bundled weights for its first use (about ")
    assert shown[1] == "Generating up to 8 tokens with smollm2-135m-instruct …"
    assert shown[-1].startswith("smollm2-135m-instruct: The capital of France")
    assert widget.run.disabled is False and widget.compare.disabled is False
    shown.clear()
    fresh = Chooser(max_new_tokens=8)  # same (now warm) cache, nothing loaded yet
    fresh.output.observe(lambda change: shown.append(fresh.output_text()), names="outputs")
    fresh.run.click()
    assert shown[0] == "Loading smollm2-135m-instruct from the course cache …"


def test_the_card_in_the_widget_links_its_source_and_escapes_text():
    entry = get_entry("smollm2-135m-instruct")
    html = card_html(entry)
    assert f'<a href="{entry.source}" target="_blank"' in html
    assert "<pre>" not in html and html.count("<tr>") == len(card(entry).splitlines()) - 1
    odd = dataclasses.replace(entry, name="<b>bold</b>", source="javascript:alert(1)")
    assert "&lt;b&gt;bold&lt;/b&gt;" in card_html(odd) and "<a " not in card_html(odd)


# --- compare the matches ------------------------------------------------------------------------------

def test_compare_the_matches_runs_what_can_run_and_says_why_not_for_the_rest(offline):
    widget = Chooser(max_new_tokens=8)
    widget.max_params.value = 0.3
    assert [value for _, value in widget.matches.options] == ["smollm2-135m-instruct", "gemma-3-270m", "gemma-3-270m-it"]
    widget.compare.click()
    table = widget.last_comparison
    assert list(table["model"]) == ["smollm2-135m-instruct", "gemma-3-270m", "gemma-3-270m-it"]
    assert "Paris" in table.loc[0, "answer"] and table.loc[0, "note"] == ""
    assert table.loc[1, "new tokens"] > 0 and table.loc[1, "note"] == ""
    assert table.loc[2, "answer"] == "" and "only on the Hugging Face Hub" in table.loc[2, "note"]
    assert widget.output.outputs[0]["output_type"] == "display_data"
    assert "<table" in widget.output.outputs[0]["data"]["text/html"]
    assert set(widget.loaded) == {"smollm2-135m-instruct", "gemma-3-270m"}  # kept for the next Run


def test_compare_reports_a_model_that_cannot_load_and_keeps_going(offline, monkeypatch):
    from open_models.errors import NotEnoughMemory

    real_load = chooser.load_model

    def gemma_does_not_fit(model_id, **kwargs):
        if model_id == "gemma-3-270m":
            raise NotEnoughMemory("gemma-3-270m needs about 1.8 GB of memory to load, and 0.5 GB is free.")
        return real_load(model_id, **kwargs)

    monkeypatch.setattr(chooser, "load_model", gemma_does_not_fit)
    table = compare_matches(filter_models(offline_only=True), "What is the capital of France?", {}, 8)
    assert "Paris" in table.loc[0, "answer"]
    assert table.loc[1, "note"].startswith("not run: gemma-3-270m needs about 1.8 GB")


def test_compare_with_an_empty_prompt_or_no_match_shows_a_message(offline):
    widget = Chooser()
    widget.prompt.value = " "
    widget.compare.click()
    assert widget.output_text() == chooser.EMPTY_PROMPT and widget.last_comparison is None
    with pytest.raises(InvalidInput, match="No model matches"):
        compare_matches([], "Hi", {})


# --- another runtime -------------------------------------------------------------------------------

def test_the_chooser_can_answer_through_another_loaded_model(smollm2):
    widget = Chooser(max_new_tokens=8)
    widget.use(smollm2)  # e.g. a llama.cpp model or a served one, for the same catalog id
    assert widget.loaded["smollm2-135m-instruct"] is smollm2
    with pytest.raises(InvalidInput, match="use\\(\\) takes"):
        widget.use("smollm2-135m-instruct")


def test_the_chooser_answers_through_a_served_model_without_loading_one(monkeypatch):
    from types import SimpleNamespace

    from open_models.serving import EndpointModel

    def create(**request):
        return SimpleNamespace(choices=[SimpleNamespace(message=SimpleNamespace(content="Paris."))],
                               usage=SimpleNamespace(prompt_tokens=12, completion_tokens=2))

    client = SimpleNamespace(chat=SimpleNamespace(completions=SimpleNamespace(create=create)), timeout=5.0)
    served = EndpointModel("http://127.0.0.1:8000/v1", "smollm2-135m-instruct", client, 0.0)
    widget = Chooser(max_new_tokens=8)
    widget.use(served)

    def must_not_load(*args, **kwargs):
        raise AssertionError("the chooser loaded a model instead of using the served one")

    monkeypatch.setattr(chooser, "load_model", must_not_load)
    widget.matches.value = "smollm2-135m-instruct"
    widget.run.click()
    assert widget.output_text().startswith("smollm2-135m-instruct (endpoint): Paris.\n(2 new tokens in")
    with pytest.raises(InvalidInput, match="use\\(\\) takes"):
        widget.use(EndpointModel("http://127.0.0.1:8000/v1", "not-in-the-catalog", client, 0.0))


def served_smollm2(answer_text="Paris."):
    """SmolLM2's catalog id behind a fake OpenAI-compatible client: answers at once, loads nothing."""
    from types import SimpleNamespace

    from open_models.serving import EndpointModel

    def create(**request):
        return SimpleNamespace(choices=[SimpleNamespace(message=SimpleNamespace(content=answer_text))],
                               usage=SimpleNamespace(prompt_tokens=12, completion_tokens=2))

    client = SimpleNamespace(chat=SimpleNamespace(completions=SimpleNamespace(create=create)), timeout=5.0)
    return EndpointModel("http://127.0.0.1:8000/v1", "smollm2-135m-instruct", client, 0.0)


# --- a Chinese prompt for a model whose card does not list Chinese ---------------------------------

def test_the_chinese_prompt_rule():
    warn = chooser.chinese_prompt_warning
    english_only = get_entry("smollm2-135m-instruct")
    message = warn(english_only, "法国的首都是哪里？")
    assert message.startswith("Warning: this prompt is in Chinese, but smollm2-135m-instruct's model card")
    assert "(en)" in message and "such as qwen2.5-0.5b-instruct." in message  # a catalog model that lists zh
    assert all(len(line) <= chooser.LINE_WIDTH for line in message.splitlines())
    assert warn(english_only, "What is the capital of France?") == ""
    assert warn(english_only, "Café, naïve, こんにちは") == ""  # no Chinese characters (kana are not)
    assert warn(get_entry("qwen2.5-0.5b-instruct"), "法国的首都是哪里？") == ""  # lists zh
    assert warn(get_entry("gemma-3-270m"), "法国的首都是哪里？") == ""  # multilingual
    assert "(en, fr, es, pt)" in warn(get_entry("falcon3-1b-instruct"), "你好")  # several languages, none zh
    alone = warn(english_only, "你好", catalog=[english_only])  # no model of this catalog lists zh
    assert alone and "such as" not in alone


def test_run_warns_before_the_answer_for_a_chinese_prompt_and_still_runs():
    widget = Chooser(max_new_tokens=8)
    widget.use(served_smollm2("巴黎。"))
    widget.matches.value = "smollm2-135m-instruct"
    widget.prompt.value = "法国的首都是哪里？"
    widget.run.click()
    warning, answer_text = widget.output_text().split("\n\n", 1)
    assert warning == chooser.chinese_prompt_warning(get_entry("smollm2-135m-instruct"), "法国的首都是哪里？")
    assert answer_text.startswith("smollm2-135m-instruct (endpoint): 巴黎。\n(2 new tokens in")
    widget.prompt.value = "What is the capital of France?"
    widget.run.click()
    assert widget.output_text().startswith("smollm2-135m-instruct (endpoint): 巴黎。")  # no warning


def test_compare_notes_a_model_that_does_not_list_chinese():
    entry = get_entry("smollm2-135m-instruct")
    table = compare_matches([entry], "法国的首都是哪里？", {entry.id: served_smollm2()}, 8)
    assert table.loc[0, "answer"] == "Paris." and "does not list Chinese (zh)" in table.loc[0, "note"]
    table = compare_matches([entry], "What is the capital of France?", {entry.id: served_smollm2()}, 8)
    assert table.loc[0, "note"] == ""
