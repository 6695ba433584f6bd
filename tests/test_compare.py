import pytest

from open_models.compare import check_prompts, compare, format_table, load_models
from open_models.errors import InvalidInput, UnknownModelError


def test_same_prompt_through_two_bundled_models(smollm2, gemma):
    rows = compare([smollm2, gemma], ["What is the capital of France?"], max_new_tokens=8)
    assert [row["model"] for row in rows] == ["smollm2-135m-instruct", "gemma-3-270m"]
    assert rows[0]["text"] == "The capital of France is Paris."
    assert all(not row["skipped"] and 0 < row["new_tokens"] <= 8 and row["seconds"] > 0 for row in rows)
    assert rows[1]["tokens_per_second"] == pytest.approx(rows[1]["new_tokens"] / rows[1]["seconds"])


def test_a_hub_only_model_is_skipped_offline_not_fatal(smollm2, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    rows = compare([smollm2, "qwen2.5-0.5b-instruct"], ["Hi", "Name a colour."], max_new_tokens=4)
    assert len(rows) == 4
    skipped = [row for row in rows if row["model"] == "qwen2.5-0.5b-instruct"]
    assert all(row["skipped"].startswith("only on the Hub (Qwen/Qwen2.5-0.5B-Instruct)") for row in skipped)
    assert all(row["text"] == "" and row["new_tokens"] == 0 for row in skipped)
    assert "skipped: only on the Hub" in format_table(rows)


def test_each_id_loads_once(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    calls = []
    import open_models.compare as compare_module

    def fake_load(model_id, allow_hub=True):
        calls.append(model_id)
        raise compare_module.HubUnavailable("offline")

    monkeypatch.setattr(compare_module, "load_model", fake_load)
    ready = load_models(["qwen2.5-0.5b-instruct", "qwen2.5-0.5b-instruct"])
    assert calls == ["qwen2.5-0.5b-instruct"] and len(ready) == 2


def test_format_table_puts_unpadded_timings_last():
    rows = [
        {"model": "a", "prompt": "P", "text": "line one\nline two", "new_tokens": 5, "seconds": 1.5,
         "tokens_per_second": 4.0, "skipped": ""},
        {"model": "bb", "prompt": "P", "text": "", "new_tokens": 0, "seconds": 0.0,
         "tokens_per_second": 0.0, "skipped": "only on the Hub (x/y)"},
    ]
    table = format_table(rows, width=12)
    lines = table.splitlines()
    assert lines[0] == ">>> P"
    assert lines[2] == "  a        5  line one⏎li…  1.5 s, 4.0 tokens/s"
    assert lines[3] == "  bb       -  skipped: only on the Hub (x/y)"


def test_empty_inputs_get_messages(smollm2):
    with pytest.raises(InvalidInput, match="at least one model"):
        compare([], ["Hi"])
    with pytest.raises(InvalidInput, match="at least one prompt"):
        compare([smollm2], [])
    with pytest.raises(InvalidInput, match="non-empty string"):
        check_prompts(["Hi", "  "])
    with pytest.raises(InvalidInput, match="catalog id"):
        compare([42], ["Hi"])


def test_unknown_ids_fail_before_anything_loads():
    with pytest.raises(UnknownModelError, match="Did you mean 'smollm2-135m-instruct'"):
        compare(["smollm2-135m-instruct", "smollm-135m"], ["Hi"])
