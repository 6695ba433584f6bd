"""Inside models: published configs counted on the meta device (exact sizes, KV cache, experts), and loaded models
(a tiny random model and the bundled SmolLM2): summaries, parameters per component, architecture differences.

Each config's source and date are checked in test_data.py, with the other data files.
"""

import pytest
import torch
from transformers import LlamaConfig, LlamaForCausalLM

from open_models import CourseError
from open_models.architecture import (
    ARCHITECTURE_KEYS,
    ModelSummary,
    architecture_differences,
    attention_kind,
    component_of,
    config_metadata,
    config_names,
    describe,
    family_profiles,
    fine_tunes,
    kv_cache_bytes,
    load_config,
    parameters_by_component,
    read_config_file,
    summarize,
    training_flops,
)

# --- published configs ---------------------------------------------------------------------------------

MODELS = ["llama-2-7b", "mistral-7b", "mixtral-8x7b", "falcon-7b", "falcon-40b", "olmo-7b",
          "smollm2-135m-instruct", "gemma-3-270m"]


def test_every_model_of_the_lesson_has_a_config():
    assert set(MODELS) <= set(config_names())


@pytest.mark.parametrize("name, exact", [("smollm2-135m-instruct", 134_515_008), ("gemma-3-270m", 268_098_176)])
def test_bundled_configs_count_exactly_what_the_real_models_hold(name, exact):
    """The numbers load_model reports for the real weights (notebook 01 prints the first)."""
    assert describe(name).total_params == exact


@pytest.mark.parametrize("name", MODELS)
def test_published_sizes_are_within_five_percent_of_the_count(name):
    arch = describe(name)
    assert abs(arch.total_params / 1e9 - arch.published_params_b) / arch.published_params_b < 0.05


def test_mixtral_uses_a_fraction_of_its_parameters_per_token():
    arch = describe("mixtral-8x7b")
    assert arch.active_params < arch.total_params / 3
    assert round(arch.active_params / 1e9, 1) == config_metadata("mixtral-8x7b")["published_active_params_b"]
    for dense in ["mistral-7b", "llama-2-7b"]:
        assert describe(dense).active_params == describe(dense).total_params


def test_kv_cache_formula_on_a_hand_computed_case():
    # Llama 2 7B, 1 token in float16: 2 (K,V) x 32 layers x 32 heads x 128 dims x 2 bytes = 524,288 bytes
    config = load_config("llama-2-7b")
    assert kv_cache_bytes(config, 1) == 524_288
    assert kv_cache_bytes(config, 4096) == 4096 * 524_288
    assert kv_cache_bytes(config, 10, bytes_per_value=4) == 2 * kv_cache_bytes(config, 10)


def test_attention_kinds():
    assert attention_kind(load_config("llama-2-7b")) == "MHA"
    assert attention_kind(load_config("mistral-7b")) == "GQA"
    assert attention_kind(load_config("falcon-7b")) == "MQA"
    assert attention_kind(load_config("falcon-40b")) == "GQA"


def test_multi_query_needs_less_cache_than_multi_head_per_token():
    assert describe("falcon-7b").kv_bytes_per_token < describe("mistral-7b").kv_bytes_per_token
    assert describe("mistral-7b").kv_bytes_per_token < describe("llama-2-7b").kv_bytes_per_token


def test_bad_token_count_is_refused():
    with pytest.raises(CourseError):
        kv_cache_bytes(load_config("llama-2-7b"), -1)


def test_config_metadata_is_the_underscore_keys():
    meta = config_metadata("mixtral-8x7b")
    assert set(meta) == {"source", "retrieved", "published_params_b", "published_source", "published_active_params_b"}
    assert meta["published_params_b"] == 46.7
    fields = load_config("mixtral-8x7b").to_dict()
    assert not [key for key in fields if key.startswith(("_source", "_retrieved", "_published"))]


def test_unknown_config_lists_the_known_names():
    with pytest.raises(CourseError) as caught:
        read_config_file("llama-3-8b")
    for name in config_names():
        assert name in str(caught.value)


# --- the families and their fine-tunes ------------------------------------------------------------------

def test_each_family_has_a_profile_with_its_config_and_its_fine_tunes():
    profiles = family_profiles().set_index("family")
    assert list(profiles.index) == ["Llama 2", "Mistral 7B", "Mixtral 8x7B", "Falcon", "OLMo"]
    assert set(profiles["config"]) <= set(config_names())
    assert "BioMistral 7B" in profiles.loc["Mistral 7B", "fine_tunes"]
    assert profiles.loc["OLMo", "fine_tunes"] == "none in the lesson"


def test_a_fine_tune_keeps_its_base_architecture():
    lineage = fine_tunes().set_index("fine_tune")
    assert lineage.loc["BioMistral 7B", "architecture"] == "mistral"
    assert lineage.loc["Llama Pro (LLaMA-Pro-8B)", "architecture"] == "llama"  # more blocks, same code
    assert list(fine_tunes(area="maths")["fine_tune"]) == ["Llama Pro (LLaMA-Pro-8B)", "OpenMath Mistral 7B"]
    assert list(fine_tunes(family="Falcon", area="chat")["base_config"]) == ["falcon-40b", "falcon-7b"]


def test_an_unknown_family_or_area_lists_the_known_ones():
    with pytest.raises(CourseError, match="Families: Falcon, Llama 2, Mistral 7B"):
        fine_tunes(family="Mixtral 8x7B")
    with pytest.raises(CourseError, match="Areas: Japanese, chat, code, maths, medicine"):
        fine_tunes(area="law")


def test_training_compute_is_six_times_parameters_times_tokens():
    assert training_flops(175e9, 300e9) == pytest.approx(3.15e23)
    assert training_flops(40e9, 1e12) / training_flops(175e9, 300e9) == pytest.approx(0.76, abs=0.005)
    with pytest.raises(CourseError, match="more than 0"):
        training_flops(0, 1e12)


# --- loaded models -------------------------------------------------------------------------------------

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
    assert isinstance(summary, ModelSummary)
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
    assert architecture_differences(tiny.config, deeper, keys=["hidden_size"]) == {}


def test_fine_tuning_changes_numbers_not_the_architecture():
    """Only fields that fix the shape count: a different dropout or token id is not another architecture."""
    assert {"model_type", "num_hidden_layers", "hidden_size", "vocab_size"} <= set(ARCHITECTURE_KEYS)
    retuned = LlamaConfig(**TINY, tie_word_embeddings=True, attention_dropout=0.1, bos_token_id=7)
    assert architecture_differences(LlamaConfig(**TINY, tie_word_embeddings=True), retuned) == {}
    mixtral, mistral = load_config("mixtral-8x7b"), load_config("mistral-7b")
    assert architecture_differences(mistral, mixtral)["model_type"] == ("mistral", "mixtral")


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
