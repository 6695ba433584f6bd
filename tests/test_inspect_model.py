"""inspect_model: summaries and parameter counts, on a tiny random model and on the bundled SmolLM2."""

import re
from datetime import date

import pytest
import torch
from transformers import LlamaConfig, LlamaForCausalLM

from open_models import CourseError, get_entry
from open_models.inspect_model import (
    architecture_differences,
    component_of,
    parameters_by_component,
    summarize,
    tuning_pairs,
)

TINY = dict(
    vocab_size=100, hidden_size=16, intermediate_size=32, num_hidden_layers=2,
    num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
)


@pytest.fixture(scope="module")
def tiny():
    torch.manual_seed(0)
    return LlamaForCausalLM(LlamaConfig(**TINY, tie_word_embeddings=True))


def test_summary_reads_the_config(tiny):
    summary = summarize(tiny)
    assert (summary.layers, summary.hidden_size, summary.attention_heads) == (2, 16, 4)
    assert (summary.key_value_heads, summary.vocab_size, summary.context_length) == (2, 100, 64)
    assert summary.architecture == "LlamaForCausalLM" and summary.tied_embeddings
    assert summary.parameters == tiny.num_parameters()


def test_components_add_up_and_match_the_shapes(tiny):
    counts = parameters_by_component(tiny)
    assert sum(counts.values()) == tiny.num_parameters()
    head_dim = 16 // 4
    attention = 16 * 16 + 2 * (16 * 2 * head_dim) + 16 * 16  # q, k, v (2 kv heads), o
    assert counts["embeddings"] == 100 * 16  # tied: the output head is not counted twice
    assert counts["attention"] == 2 * attention
    assert counts["MLP"] == 2 * 3 * 16 * 32
    assert counts["norms"] == 2 * 2 * 16 + 16
    assert "output head" not in counts
    assert list(counts.values()) == sorted(counts.values(), reverse=True)


def test_untied_output_head_is_its_own_component():
    model = LlamaForCausalLM(LlamaConfig(**TINY, tie_word_embeddings=False))
    assert parameters_by_component(model)["output head"] == 100 * 16


@pytest.mark.parametrize(
    "name, component",
    [
        ("model.embed_tokens.weight", "embeddings"),
        ("model.layers.3.self_attn.q_proj.weight", "attention"),
        ("model.layers.3.self_attn.q_norm.weight", "norms"),
        ("model.layers.3.mlp.down_proj.weight", "MLP"),
        ("model.layers.3.post_attention_layernorm.weight", "norms"),
        ("lm_head.weight", "output head"),
        ("something.else", "other"),
    ],
)
def test_component_of(name, component):
    assert component_of(name) == component


def test_architecture_differences(tiny):
    same = LlamaConfig(**TINY, tie_word_embeddings=True)
    assert architecture_differences(tiny.config, same) == {}
    deeper = LlamaConfig(**{**TINY, "num_hidden_layers": 3}, tie_word_embeddings=True)
    assert architecture_differences(tiny.config, deeper) == {"num_hidden_layers": (2, 3)}


def test_bad_input_says_what_to_pass():
    with pytest.raises(CourseError, match="load_model"):
        summarize("smollm2-135m-instruct")


def test_bundled_smollm2(smollm2):
    summary = summarize(smollm2)
    assert (summary.layers, summary.hidden_size, summary.vocab_size) == (30, 576, 49152)
    assert summary.parameters == smollm2.model.num_parameters()
    counts = parameters_by_component(smollm2)
    assert counts["embeddings"] == 49152 * 576
    assert set(counts) == {"embeddings", "attention", "MLP", "norms"}


def test_tuning_pairs_name_catalog_models():
    pairs = tuning_pairs()
    assert [p["family"] for p in pairs] == ["SmolLM2 135M", "Gemma 3 270M"]
    hub_ids = {get_entry(i).hub_id for i in ("smollm2-135m-instruct", "gemma-3-270m", "gemma-3-270m-it")}
    assert hub_ids <= {p["base_hub_id"] for p in pairs} | {p["instruct_hub_id"] for p in pairs}


def test_every_row_has_a_source_and_a_date():
    for row in tuning_pairs():
        assert re.match(r"https://\S+$", row["source"]), row
        assert date.fromisoformat(row["retrieved"]).isoformat() == row["retrieved"], row
        assert row["tuning"].strip(), row
