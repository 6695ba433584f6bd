"""The checks of notebook 07: a right answer (computed as a learner would) passes; wrong ones get a reason."""

import pytest

from open_models import filter_models, find_finetunes, get_entry
from open_models.chooser import Chooser
from open_models.exercises.choose import (
    brief_fits,
    check_apache_chinese,
    check_brief_pick,
    check_most_open_offline,
    check_transformers_finetunes,
)


def test_apache_chinese():
    right = [e.id for e in filter_models(max_params_b=1, language="zh")
             if e.license == "apache-2.0" and "zh" in e.languages]
    assert right == ["qwen2.5-0.5b-instruct"]
    assert check_apache_chinese.problem(right) is None
    assert "gemma is licensed gemma" not in check_apache_chinese.says(right)
    assert "licensed gemma, not apache-2.0" in check_apache_chinese.says([*right, "gemma-3-270m"])
    assert "1.54 billion parameters" in check_apache_chinese.says(["qwen2.5-1.5b-instruct"])
    assert "does not name Chinese" in check_apache_chinese.says(["smollm2-135m-instruct"])
    assert "also qualifies" in check_apache_chinese.says([])
    assert "Did you mean" in check_apache_chinese.says(["qwen2.5-0.5b"])
    assert "should be a list of model ids" in check_apache_chinese.says("qwen2.5-0.5b-instruct")
    entries = filter_models(max_params_b=1, language="zh")
    assert "should be a list of model ids" in check_apache_chinese.says(entries)  # entries, not ids


def test_most_open_offline_as_the_chooser_finds_it():
    picker = Chooser()
    picker.offline.value = True
    best = None
    for step in range(1, 11):
        picker.min_openness.value = step / 2
        if picker.matches.value is None:
            break
        best = picker.matches.value
    assert best == "smollm2-135m-instruct"
    assert check_most_open_offline.problem(best) is None
    assert "another offline model still matches" in check_most_open_offline.says("gemma-3-270m")
    assert "only on the Hugging Face Hub" in check_most_open_offline.says("tinyllama-1.1b-chat")
    assert "Did you mean" in check_most_open_offline.says("smollm2")
    assert "A model id is a string" in check_most_open_offline.says(4.5)


def test_transformers_finetunes_on_the_snapshot(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    table = find_finetunes("HuggingFaceTB/SmolLM2-135M-Instruct").table
    right = list(table.index[table["library"] == "transformers"])
    assert right == ["ykumards/smollm2-135m-bedtime-stories"]
    assert check_transformers_finetunes.problem(right, table) is None
    assert "library is 'gguf'" in check_transformers_finetunes.says([*right, "carbonpoint/botc-artist"], table)
    assert "is for transformers too" in check_transformers_finetunes.says([], table)
    assert "not in the table" in check_transformers_finetunes.says(["someone/else"], table)
    assert "should be a list of model ids" in check_transformers_finetunes.says(right[0], table)


def test_brief_accepts_every_defensible_pick_and_says_why_others_fail():
    fits = brief_fits()
    assert fits == ["qwen2.5-0.5b-instruct", "qwen2.5-1.5b-instruct"]
    for pick in fits:
        assert check_brief_pick.problem(pick) is None
    assert "not OSI-approved" in check_brief_pick.says("gemma-3-270m-it")
    assert "claims many languages for the family" in check_brief_pick.says("gemma-3-270m-it")
    assert "not made for chat" in check_brief_pick.says("gemma-3-270m")
    assert "does not name Chinese (en)" in check_brief_pick.says("smollm2-135m-instruct")
    falcon = check_brief_pick.says("falcon3-1b-instruct")
    assert "falcon-llm-license" in falcon and "does not name Chinese" in falcon
    assert "Unknown model id" in check_brief_pick.says("qwen")
    assert "A model id is a string" in check_brief_pick.says(["qwen2.5-0.5b-instruct"])


@pytest.mark.parametrize("memory_gb, fits", [(2.0, []), (4.0, ["qwen2.5-0.5b-instruct"])])
def test_the_brief_follows_the_memory_estimate(monkeypatch, memory_gb, fits):
    from open_models.exercises import choose

    monkeypatch.setattr(choose, "BRIEF_MEMORY_GB", memory_gb)
    assert choose.brief_fits() == fits
    assert "more than" in check_brief_pick.says("qwen2.5-1.5b-instruct")
    assert get_entry("qwen2.5-1.5b-instruct").params_b == 1.54
