"""A memory guard: estimate what loading a model needs and refuse politely if it will not fit."""

from __future__ import annotations

from .catalog import ModelEntry, load_catalog
from .errors import NotEnoughMemory

GB = 1e9
# Calibrated on the bundled models (peak RSS of a fresh process, fp32, 64-token generation):
# SmolLM2-135M 0.93 GB warm / 1.18 GB converting; Gemma 3 270M 1.69 GB warm / 3.31 GB converting.
RUNTIME_OVERHEAD_BYTES = 0.7 * GB   # PyTorch, tokenizer and activations of a short generation
CONVERSION_FACTOR = 3.0             # converting a GGUF holds dequantized copies and a large tokenizer


def bytes_per_parameter(dtype) -> int:
    import torch

    return torch.empty((), dtype=dtype).element_size()


def bytes_needed(entry: ModelEntry, dtype, converting: bool = False) -> float:
    """Parameters × bytes per parameter (× 2 while converting), plus a fixed runtime overhead."""
    weights = entry.params_b * 1e9 * bytes_per_parameter(dtype)
    return weights * (CONVERSION_FACTOR if converting else 1.0) + RUNTIME_OVERHEAD_BYTES


def available_bytes() -> int:
    import psutil

    return psutil.virtual_memory().available


def check_fits(entry: ModelEntry, dtype, converting: bool = False, available: float | None = None) -> None:
    """Raise NotEnoughMemory, naming models that would fit, when ``entry`` would not."""
    available = available_bytes() if available is None else available
    needed = bytes_needed(entry, dtype, converting)
    if needed <= available:
        return
    fitting = sorted(
        (e for e in load_catalog() if bytes_needed(e, dtype) <= available),
        key=lambda e: (not e.bundled, -e.params_b),
    )
    suggestion = (
        f"Models that fit: {', '.join(e.id for e in fitting[:4])}."
        if fitting
        else "No catalog model fits: close other programs and try again."
    )
    raise NotEnoughMemory(
        f"{entry.id} needs about {needed / GB:.1f} GB of memory to load, and {available / GB:.1f} GB is "
        f"free. Close other programs or notebooks, or pick a smaller model. {suggestion}"
    )
