import re
from datetime import date

import pytest

from open_models import CourseError
from open_models.architecture import (
    attention_kind,
    config_names,
    describe,
    kv_cache_bytes,
    load_config,
    load_fine_tunes,
    metadata,
    read_config_file,
)

MODELS = ["llama-2-7b", "mistral-7b", "mixtral-8x7b", "falcon-7b", "falcon-40b", "olmo-7b",
          "smollm2-135m-instruct", "gemma-3-270m"]


def is_dated_https_source(source, retrieved):
    return re.match(r"^https://\S+$", source or "") and date.fromisoformat(retrieved) <= date.today()


def test_every_model_of_the_lesson_has_a_config():
    assert set(MODELS) <= set(config_names())


@pytest.mark.parametrize("name", config_names())
def test_every_config_is_sourced_and_dated(name):
    meta = metadata(name)
    assert is_dated_https_source(meta["source"], meta["retrieved"]), name
    assert meta["source"].endswith("config.json")
    assert meta["published_params_b"] > 0
    if "published_source" in meta:
        assert re.match(r"^https://\S+$", meta["published_source"])


def test_every_fine_tune_row_is_complete_sourced_and_dated():
    rows = load_fine_tunes()
    assert len(rows) == 6
    for row in rows:
        assert all(row[column].strip() for column in row), row
        assert is_dated_https_source(row["source"], row["retrieved"]), row["fine_tune"]
        assert re.match(r"^[\w.-]+/[\w.-]+$", row["hub_id"])


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
    assert round(arch.active_params / 1e9, 1) == metadata("mixtral-8x7b")["published_active_params_b"]
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


def test_unknown_config_lists_the_known_names():
    with pytest.raises(CourseError) as caught:
        read_config_file("llama-3-8b")
    for name in config_names():
        assert name in str(caught.value)
