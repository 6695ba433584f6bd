"""load_model against the real bundled packages (no mocks on the bundled path), the memory guard, and the Hub.

With the Hub unreachable, Hub-only models fail fast with a message; bundled ones still run.
"""

import socket
import time

import pytest
import torch

from open_models import cache_dir, get_entry, load_model, loading, temporary_cache, weights
from open_models.errors import HubUnavailable, InvalidInput, NotEnoughMemory, UnknownModelError
from open_models.generation import LoadedModel
from open_models.loading import TransformersModel

# --- load_model ------------------------------------------------------------------------------------------

def test_cached_load_returns_a_ready_model(smollm2):
    assert isinstance(smollm2, TransformersModel) and isinstance(smollm2, LoadedModel)
    assert smollm2.backend == "transformers"
    assert smollm2.id == smollm2.label == "smollm2-135m-instruct"
    assert type(smollm2.model).__name__ == "LlamaForCausalLM"
    assert smollm2.model.dtype == torch.float32
    assert smollm2.tokenizer.chat_template and smollm2.has_chat_template
    assert smollm2.source in {loading.SOURCE_CACHE, loading.SOURCE_BUNDLED}
    assert weights.entry_problem(cache_dir() / "models" / smollm2.id, smollm2.entry.gguf_sha256) is None
    assert repr(smollm2).startswith("TransformersModel('smollm2-135m-instruct', source=")


def test_the_base_model_loads_without_a_chat_template(gemma):
    assert type(gemma.model).__name__ == "Gemma3ForCausalLM"
    assert not gemma.tokenizer.chat_template and not gemma.has_chat_template
    assert gemma.model.num_parameters() == 268_098_176


def test_a_bfloat16_load_uses_the_float32_copy():
    loading.cached_copy("smollm2-135m-instruct")  # made in float32 first if missing, so the cache stays float32
    loaded = load_model("smollm2-135m-instruct", dtype=torch.bfloat16)
    assert loaded.model.dtype == torch.bfloat16 and loaded.source == loading.SOURCE_CACHE


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
        for (name, a), (_, b) in zip(cold.model.state_dict().items(), warm.model.state_dict().items(), strict=True):
            assert torch.equal(a, b), name

        saved = weights.model_dir("smollm2-135m-instruct") / "model.safetensors"
        with saved.open("r+b") as handle:
            handle.truncate(saved.stat().st_size // 2)
        capsys.readouterr()
        repaired = load_model("smollm2-135m-instruct", dtype=torch.bfloat16)  # rebuilt by a bfloat16 load
        assert "cached copy of smollm2-135m-instruct is damaged" in capsys.readouterr().err
        assert repaired.source == loading.SOURCE_BUNDLED and repaired.model.dtype == torch.bfloat16
        assert weights.entry_problem(saved.parent, repaired.entry.gguf_sha256) is None
        again = load_model("smollm2-135m-instruct")
        assert again.source == loading.SOURCE_CACHE
        # the copy stays float32 whatever dtype rebuilt it: float32 answers never change
        for (name, a), (_, b) in zip(cold.model.state_dict().items(), again.model.state_dict().items(), strict=True):
            assert torch.equal(a, b), name
    assert not folder.exists()


def test_cached_copy_is_the_cache_folder_and_refuses_hub_models():
    folder = loading.cached_copy("smollm2-135m-instruct")
    assert folder == weights.model_dir("smollm2-135m-instruct")
    assert weights.entry_problem(folder, get_entry("smollm2-135m-instruct").gguf_sha256) is None
    with pytest.raises(InvalidInput, match="not bundled"):
        loading.cached_copy("qwen2.5-0.5b-instruct")


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


def test_fastest_is_no_longer_a_dtype_or_a_backend():
    with pytest.raises(InvalidInput, match="dtype must be a floating-point torch dtype"):
        load_model("smollm2-135m-instruct", dtype="fastest")
    with pytest.raises(InvalidInput, match="backend must be one of transformers, llama.cpp; got 'fastest'"):
        load_model("smollm2-135m-instruct", backend="fastest")


# --- memory ------------------------------------------------------------------------------------------------

def test_the_estimate_scales_with_parameters_and_dtype():
    entry = get_entry("smollm2-1.7b-instruct")
    fp32 = loading.bytes_needed(entry, torch.float32)
    bf16 = loading.bytes_needed(entry, torch.bfloat16)
    assert fp32 == pytest.approx(1.7e9 * 4 + loading.RUNTIME_OVERHEAD_BYTES)
    assert bf16 == pytest.approx(1.7e9 * 2 + loading.RUNTIME_OVERHEAD_BYTES)
    assert loading.bytes_needed(entry) == fp32  # float32 unless told otherwise
    assert loading.bytes_needed(entry, converting=True) == pytest.approx(
        1.7e9 * 4 * loading.CONVERSION_FACTOR + loading.RUNTIME_OVERHEAD_BYTES)


def test_a_model_that_does_not_fit_is_refused_with_smaller_ones_named():
    entry = get_entry("smollm2-1.7b-instruct")
    with pytest.raises(NotEnoughMemory) as caught:
        loading.check_fits(entry, torch.float32, available=2.0e9)
    message = str(caught.value)
    assert "smollm2-1.7b-instruct needs about 7.5 GB" in message
    assert "2.0 GB is free" in message
    assert "Models that fit: gemma-3-270m, smollm2-135m-instruct" in message


def test_nothing_fits_in_almost_no_memory():
    with pytest.raises(NotEnoughMemory, match="No catalog model fits"):
        loading.check_fits(get_entry("smollm2-135m-instruct"), torch.float32, available=1e8)


def test_load_model_checks_before_loading(monkeypatch):
    monkeypatch.setattr(loading, "available_bytes", lambda: 3e8)
    with pytest.raises(NotEnoughMemory, match="smollm2-135m-instruct needs about"):
        load_model("smollm2-135m-instruct")


def test_this_machine_has_room_for_the_bundled_models():
    assert loading.available_bytes() > 0
    for model_id in ("smollm2-135m-instruct", "gemma-3-270m"):
        loading.check_fits(get_entry(model_id), torch.float32, converting=True)


# --- the Hub -------------------------------------------------------------------------------------------------

def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the socket is closed


@pytest.fixture
def unreachable_hub(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(loading, "hub_endpoint", lambda: f"http://127.0.0.1:{closed_port()}")


def test_an_unreachable_hub_fails_fast_with_a_message(unreachable_hub):
    start = time.perf_counter()
    with pytest.raises(HubUnavailable) as caught:
        loading.require_hub(get_entry("qwen2.5-0.5b-instruct"), allow_hub=True)
    assert time.perf_counter() - start < loading.HUB_PROBE_TIMEOUT_S + 1
    message = str(caught.value)
    assert "cannot be reached" in message and "smollm2-135m-instruct" in message


def test_a_silent_hub_fails_within_the_timeout(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        monkeypatch.setattr(loading, "hub_endpoint", lambda: f"http://127.0.0.1:{silent.getsockname()[1]}")
        start = time.perf_counter()
        with pytest.raises(HubUnavailable, match="cannot be reached"):
            loading.require_hub(get_entry("tinyllama-1.1b-chat"), allow_hub=True, timeout=1.0)
        assert time.perf_counter() - start < 3


@pytest.mark.parametrize("value, offline", [("1", True), ("true", True), ("0", False), ("", False)])
def test_offline_flag_is_read_at_call_time(monkeypatch, value, offline):
    monkeypatch.setenv("HF_HUB_OFFLINE", value)
    assert loading.hub_is_offline() is offline


def test_the_hub_endpoint_is_a_url_without_a_trailing_slash():
    assert loading.hub_endpoint().startswith("http") and not loading.hub_endpoint().endswith("/")


def test_load_model_of_a_hub_only_model_fails_fast_when_the_hub_is_unreachable(unreachable_hub):
    start = time.perf_counter()
    with pytest.raises(HubUnavailable, match="cannot be reached"):
        load_model("qwen2.5-0.5b-instruct")
    assert time.perf_counter() - start < loading.HUB_PROBE_TIMEOUT_S + 1


def test_a_downloaded_folder_loads_as_the_catalog_model(tmp_path, smollm2):
    """folder=: a folder laid out like the Hub repository (here made from the bundled SmolLM2) answers the same."""
    import shutil

    from open_models import cached_copy, generate

    folder = tmp_path / "SmolLM2-135M-Instruct"
    shutil.copytree(cached_copy("smollm2-135m-instruct"), folder,
                    ignore=shutil.ignore_patterns("manifest.json", ".*"))
    loaded = load_model("smollm2-135m-instruct", folder=folder)
    assert loaded.source == loading.SOURCE_FOLDER and loaded.entry.id == "smollm2-135m-instruct"
    prompt = "What is the capital of France?"
    assert generate(loaded, prompt, max_new_tokens=12).text == generate(smollm2, prompt, max_new_tokens=12).text


def test_a_folder_without_safetensors_or_config_is_refused(tmp_path):
    (tmp_path / "pytorch_model.bin").write_bytes(b"not loaded: pickles are never loaded")
    with pytest.raises(InvalidInput, match="config.json.*safetensors"):
        load_model("smollm2-135m-instruct", folder=tmp_path)
    with pytest.raises(InvalidInput, match="folder"):
        load_model("smollm2-135m-instruct", folder=3)
    with pytest.raises(InvalidInput, match="not a model folder"):
        load_model("smollm2-135m-instruct", folder=tmp_path / "missing")
