"""No code path runs remote code or unpickles weights: checked on what the package really does.

The bundled model is loaded through the package while transformers' ``from_pretrained`` (model and
tokenizer) and ``torch.load`` are watched: every call must refuse remote code, every model must come
from safetensors or the named GGUF file, and nothing may be unpickled. The notebooks (the code a
learner reads and copies) are scanned for the same switches.
"""

import json
import re
from pathlib import Path
from unittest import mock

import pytest
import torch
import transformers

from open_models import cache_dir, cached_copy, get_entry, load_model, offline_ids, temporary_cache, weights

ROOT = Path(__file__).resolve().parents[1]
MODEL_ID = "smollm2-135m-instruct"
# What a converted cache entry may hold: weights in safetensors, configs and tokenizer files in text.
SAFE_SUFFIXES = {".safetensors", ".json", ".jinja", ".txt", ".model"}
PICKLE_SUFFIXES = {".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt", ".joblib", ".npy", ".npz"}


class Watch:
    """Records the keyword arguments of every from_pretrained call and every torch.load, then calls through."""

    def __init__(self):
        self.calls = []  # (what, phase, args, kwargs)
        self.phase = ""

    def recorder(self, what, original):
        def record(*args, **kwargs):
            self.calls.append((what, self.phase, args, kwargs))
            return original(*args, **kwargs)

        return record

    def of(self, what=None, phase=None):
        return [(w, p, a, k) for w, p, a, k in self.calls if what in (None, w) and phase in (None, p)]


@pytest.fixture(scope="module")
def watched():
    """One fresh cache: load_model cold (converts the GGUF), then warm; then cached_copy cold and warm."""
    watch = Watch()
    patches = [
        mock.patch.object(transformers.AutoModelForCausalLM, "from_pretrained",
                          side_effect=watch.recorder("model", transformers.AutoModelForCausalLM.from_pretrained)),
        mock.patch.object(transformers.AutoTokenizer, "from_pretrained",
                          side_effect=watch.recorder("tokenizer", transformers.AutoTokenizer.from_pretrained)),
        mock.patch.object(torch, "load", side_effect=watch.recorder("torch.load", torch.load)),
    ]
    with temporary_cache() as folder:
        entry = weights.model_dir(MODEL_ID)
        with patches[0], patches[1], patches[2]:
            watch.phase = "load_model cold"
            assert load_model(MODEL_ID).source.startswith("bundled GGUF")
            watch.phase = "load_model warm"
            assert load_model(MODEL_ID).source.startswith("course cache")
            watch.entry_files = sorted(p.name for p in entry.iterdir())
            weights.remove_entry(entry)
            watch.phase = "cached_copy cold"
            assert cached_copy(MODEL_ID) == entry
            watch.phase = "cached_copy warm"
            assert cached_copy(MODEL_ID) == entry
            watch.copy_files = sorted(p.name for p in entry.iterdir())
        watch.entry = entry
        watch.folder = folder
    return watch  # the temporary cache is gone: the other tests use the course cache again


def test_the_watch_saw_every_way_in(watched):
    """Each path really loaded something (so the checks below are not vacuous)."""
    for phase in ("load_model cold", "load_model warm", "cached_copy cold"):
        assert watched.of("model", phase) and watched.of("tokenizer", phase), phase
    assert watched.of(phase="cached_copy warm") == []  # a sound copy is returned as it is


def test_every_from_pretrained_call_refuses_remote_code(watched):
    calls = watched.of("model") + watched.of("tokenizer")
    wrong = [(what, phase, kwargs) for what, phase, _, kwargs in calls if kwargs.get("trust_remote_code") is not False]
    assert calls and not wrong, wrong


def test_models_load_from_safetensors_or_the_gguf_only(watched):
    for _, phase, _, kwargs in watched.of("model"):
        if phase.endswith("cold"):
            assert (kwargs.get("gguf_file") or "").endswith(".gguf"), (phase, kwargs)  # the bundled file, converted
        else:
            assert kwargs.get("use_safetensors") is True and not kwargs.get("gguf_file"), (phase, kwargs)
        assert kwargs.get("use_safetensors") is True or kwargs.get("gguf_file"), (phase, kwargs)


def test_tokenizers_come_from_the_gguf_or_a_folder_without_pickles(watched):
    """A tokenizer takes no use_safetensors; what it reads is either the GGUF or a cache entry checked here."""
    for _, phase, args, kwargs in watched.of("tokenizer"):
        if kwargs.get("gguf_file"):
            assert kwargs["gguf_file"].endswith(".gguf"), phase
        else:
            assert Path(args[0]) == watched.entry, (phase, args)  # the cache entry, whose files are checked below


def test_nothing_is_unpickled(watched):
    assert watched.of("torch.load") == []


@pytest.mark.parametrize("files", ["entry_files", "copy_files"])
def test_a_converted_entry_holds_no_pickle(watched, files):
    names = getattr(watched, files)
    suffixes = {Path(name).suffix for name in names}
    assert "model.safetensors" in names and "manifest.json" in names
    assert not suffixes & PICKLE_SUFFIXES, names
    assert suffixes <= SAFE_SUFFIXES, names


@pytest.mark.parametrize("model_id", offline_ids())
def test_the_course_cache_holds_no_pickle(model_id):
    folder = cached_copy(model_id)  # the cache the other tests use (converted here if it was empty)
    assert folder.parent == cache_dir() / "models"
    assert weights.entry_problem(folder, get_entry(model_id).gguf_sha256) is None
    suffixes = {p.suffix for p in folder.iterdir()}
    assert ".safetensors" in suffixes and not suffixes & PICKLE_SUFFIXES and suffixes <= SAFE_SUFFIXES, suffixes


# --- the notebooks: the code learners read and copy ----------------------------------------------------

NOTEBOOKS = sorted(p for p in ROOT.glob("**/*.ipynb") if not {".venv", ".ipynb_checkpoints"} & set(p.parts))
FORBIDDEN = {
    "trust_remote_code enabled": re.compile(r"trust_remote_code\s*[=:]\s*True"),
    "torch.load (unpickles)": re.compile(r"torch\.load\s*\("),
    "pickle": re.compile(r"\bimport\s+pickle\b|\bpickle\.loads?\("),
    "safetensors switched off": re.compile(r"use_safetensors\s*[=:]\s*False"),
    "weights_only switched off": re.compile(r"weights_only\s*[=:]\s*False"),
}


def forbidden_in(code: str) -> list[str]:
    return [what for what, pattern in FORBIDDEN.items() if pattern.search(code)]


def test_the_scan_finds_what_it_looks_for():
    assert NOTEBOOKS
    assert forbidden_in('AutoModelForCausalLM.from_pretrained(repo, trust_remote_code = True)') == [
        "trust_remote_code enabled"]
    assert forbidden_in("state = torch.load(path)\nimport pickle") == ["torch.load (unpickles)", "pickle"]
    assert forbidden_in('from_pretrained(repo, trust_remote_code=False, use_safetensors=True)') == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_code_never_enables_remote_code_or_pickles(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    found = [f"code cell {number}: {what}"
             for number, cell in enumerate(cells) if cell["cell_type"] == "code"
             for what in forbidden_in("".join(cell["source"]))]
    assert not found, found
