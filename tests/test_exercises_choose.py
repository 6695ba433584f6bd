"""The checks of notebook 07: a right answer (computed as a learner would) passes; wrong ones get a reason."""

import pytest

from open_models import filter_models, find_finetunes, get_entry
from open_models.chooser import Chooser
from open_models.exercises.checking import verdict
from open_models.exercises.choose import (
    brief_fits,
    check_apache_chinese,
    check_brief_pick,
    check_most_open_offline,
    check_transformers_finetunes,
)


def says(check, answer, *context):
    return verdict(check.problem, check.expects, answer, *context)


def test_apache_chinese():
    right = [e.id for e in filter_models(max_params_b=1, language="zh")
             if e.license == "apache-2.0" and "zh" in e.languages]
    assert right == ["qwen2.5-0.5b-instruct"]
    assert check_apache_chinese.problem(right) is None
    assert "gemma is licensed gemma" not in says(check_apache_chinese, right)
    assert "licensed gemma, not apache-2.0" in says(check_apache_chinese, [*right, "gemma-3-270m"])
    assert "1.54 billion parameters" in says(check_apache_chinese, ["qwen2.5-1.5b-instruct"])
    assert "does not name Chinese" in says(check_apache_chinese, ["smollm2-135m-instruct"])
    assert "also qualifies" in says(check_apache_chinese, [])
    assert "Did you mean" in says(check_apache_chinese, ["qwen2.5-0.5b"])
    assert "should be a list of model ids" in says(check_apache_chinese, "qwen2.5-0.5b-instruct")
    entries = filter_models(max_params_b=1, language="zh")
    assert "should be a list of model ids" in says(check_apache_chinese, entries)  # entries, not ids


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
    assert "another offline model still matches" in says(check_most_open_offline, "gemma-3-270m")
    assert "only on the Hugging Face Hub" in says(check_most_open_offline, "tinyllama-1.1b-chat")
    assert "Did you mean" in says(check_most_open_offline, "smollm2")
    assert "A model id is a string" in says(check_most_open_offline, 4.5)


def test_transformers_finetunes_on_the_snapshot(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    table = find_finetunes("HuggingFaceTB/SmolLM2-135M-Instruct").table
    right = list(table.index[table["library"] == "transformers"])
    assert right == ["ykumards/smollm2-135m-bedtime-stories"]
    assert check_transformers_finetunes.problem(right, table) is None
    assert "library is 'gguf'" in says(check_transformers_finetunes, [*right, "carbonpoint/botc-artist"], table)
    assert "is for transformers too" in says(check_transformers_finetunes, [], table)
    assert "not in the table" in says(check_transformers_finetunes, ["someone/else"], table)
    assert "should be a list of model ids" in says(check_transformers_finetunes, right[0], table)


def test_brief_accepts_every_defensible_pick_and_says_why_others_fail():
    fits = brief_fits()
    assert fits == ["qwen2.5-0.5b-instruct", "qwen2.5-1.5b-instruct"]
    for pick in fits:
        assert check_brief_pick.problem(pick) is None
    assert "not OSI-approved" in says(check_brief_pick, "gemma-3-270m-it")
    assert "claims many languages for the family" in says(check_brief_pick, "gemma-3-270m-it")
    assert "not made for chat" in says(check_brief_pick, "gemma-3-270m")
    assert "does not name Chinese (en)" in says(check_brief_pick, "smollm2-135m-instruct")
    falcon = says(check_brief_pick, "falcon3-1b-instruct")
    assert "falcon-llm-license" in falcon and "does not name Chinese" in falcon
    assert "Unknown model id" in says(check_brief_pick, "qwen")
    assert "A model id is a string" in says(check_brief_pick, ["qwen2.5-0.5b-instruct"])


@pytest.mark.parametrize("memory_gb, fits", [(2.0, []), (4.0, ["qwen2.5-0.5b-instruct"])])
def test_the_brief_follows_the_memory_estimate(monkeypatch, memory_gb, fits):
    from open_models.exercises import choose

    monkeypatch.setattr(choose, "BRIEF_MEMORY_GB", memory_gb)
    assert choose.brief_fits() == fits
    assert "more than" in says(check_brief_pick, "qwen2.5-1.5b-instruct")
    assert get_entry("qwen2.5-1.5b-instruct").params_b == 1.54
