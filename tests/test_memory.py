import pytest
import torch

from open_models import get_entry, load_model, memory
from open_models.errors import NotEnoughMemory


def test_the_estimate_scales_with_parameters_and_dtype():
    entry = get_entry("smollm2-1.7b-instruct")
    fp32 = memory.bytes_needed(entry, torch.float32)
    bf16 = memory.bytes_needed(entry, torch.bfloat16)
    assert fp32 == pytest.approx(1.7e9 * 4 + memory.RUNTIME_OVERHEAD_BYTES)
    assert bf16 < fp32
    assert memory.bytes_needed(entry, torch.float32, converting=True) > fp32


def test_a_model_that_does_not_fit_is_refused_with_smaller_ones_named():
    entry = get_entry("smollm2-1.7b-instruct")
    with pytest.raises(NotEnoughMemory) as caught:
        memory.check_fits(entry, torch.float32, available=2.0e9)
    message = str(caught.value)
    assert "smollm2-1.7b-instruct needs about 7.5 GB" in message
    assert "2.0 GB is free" in message
    assert "Models that fit: gemma-3-270m, smollm2-135m-instruct" in message


def test_nothing_fits_in_almost_no_memory():
    with pytest.raises(NotEnoughMemory, match="No catalog model fits"):
        memory.check_fits(get_entry("smollm2-135m-instruct"), torch.float32, available=1e8)


def test_load_model_checks_before_loading(monkeypatch):
    monkeypatch.setattr(memory, "available_bytes", lambda: 3e8)
    with pytest.raises(NotEnoughMemory, match="smollm2-135m-instruct needs about"):
        load_model("smollm2-135m-instruct")


def test_this_machine_has_room_for_the_bundled_models():
    for model_id in ("smollm2-135m-instruct", "gemma-3-270m"):
        memory.check_fits(get_entry(model_id), torch.float32, converting=True)
