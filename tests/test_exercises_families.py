"""Notebook 04's checks: the right answer (computed as a learner would) passes; wrong answers get a message."""

import pytest

from open_models import fine_tunes, kv_cache_bytes, load_config, read_data, training_flops
from open_models.exercises.checking import PASSED
from open_models.exercises.families import (
    check_falcon_7b_share,
    check_kv_cache_8k,
    check_llama_architecture,
    check_pick,
)


def test_falcon_7b_share():
    compute = read_data("training_compute.csv").set_index("model")
    flops = {name: training_flops(float(compute.loc[name, "params_b"]) * 1e9, float(compute.loc[name, "tokens_b"]) * 1e9)
             for name in ("Falcon-7B", "GPT-3")}
    share = flops["Falcon-7B"] / flops["GPT-3"]
    assert check_falcon_7b_share.problem(share) is None
    assert "percentage" in check_falcon_7b_share.problem(100 * share)
    assert "6 × parameters × tokens" in check_falcon_7b_share.problem(7 / 175)  # parameters only
    assert "should be a number" in check_falcon_7b_share.says("a fifth")


def test_llama_architecture():
    lineage = fine_tunes()
    names = list(lineage.loc[lineage["architecture"] == "llama", "fine_tune"])
    assert check_llama_architecture.problem(names) is None
    assert check_llama_architecture.problem(list(lineage.loc[lineage["architecture"] == "llama", "hub_id"])) is None
    assert "1 more" in check_llama_architecture.problem(names[:1])
    assert "BioMistral 7B: another architecture" in check_llama_architecture.problem([*names, "BioMistral 7B"])
    assert "not one of the lesson's fine-tunes" in check_llama_architecture.says(["Llama 3"])
    assert "should be a list" in check_llama_architecture.says(2)


@pytest.mark.parametrize("need", ["Japanese", "medicine", "maths"])
def test_every_fine_tune_made_for_the_need_passes_with_its_architecture(need):
    for row in fine_tunes(area=need).itertuples():
        assert check_pick.problem((row.fine_tune, row.architecture), need) is None
        assert check_pick.problem((row.hub_id, row.family), need) is None


def test_a_pick_for_another_job_or_with_another_architecture_is_explained():
    assert "is for medicine, not maths" in check_pick.problem(("BioMistral 7B", "mistral"), "maths")
    assert "is for chat, not Japanese" in check_pick.problem(("GPT4All-Falcon", "falcon"), "Japanese")
    assert "'mistral' (Mistral 7B), not 'llama'" in check_pick.problem(("BioMistral 7B", "llama"), "medicine")
    assert "should be a pair" in check_pick.says("BioMistral 7B", "medicine")
    assert "need must be one of" in check_pick.says(("BioMistral 7B", "mistral"), "law")
    assert check_pick.says(("BioMistral-7B", "MISTRAL"), "medicine") == PASSED


def test_kv_cache_8k():
    config = load_config("llama-2-7b")
    by_hand = 2 * config.num_hidden_layers * config.num_key_value_heads * (config.hidden_size // config.num_attention_heads) * 2 * 8192
    assert by_hand == kv_cache_bytes(config, 8192)
    assert check_kv_cache_8k.problem(by_hand / 1e9) is None
    assert "in bytes" in check_kv_cache_8k.problem(by_hand)
    assert "is not it" in check_kv_cache_8k.problem(by_hand / 4 / 1e9)  # Mistral's 8 key/value heads
    assert "should be a number of GB" in check_kv_cache_8k.says("4 GB")
