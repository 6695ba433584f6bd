"""The course cache: safetensors copies of converted models, written atomically and checked on use.

Layout: ``<cache>/models/<model id>/`` holds the saved model and tokenizer plus ``manifest.json``,
which records the source file's sha256 and the size, sha256 and modification time of every file.
An entry is built in a hidden ``.partial-*`` folder and renamed into place only when complete, so a
crash mid-save leaves nothing that is ever read.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

import platformdirs

CACHE_ENV = "OPEN_MODELS_CACHE"
MANIFEST = "manifest.json"


def cache_dir() -> Path:
    """The course cache: ``$OPEN_MODELS_CACHE`` if set, else the user's cache directory."""
    override = os.environ.get(CACHE_ENV)
    return Path(override) if override else Path(platformdirs.user_cache_dir("open-models-course"))


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
    target.parent.mkdir(parents=True, exist_ok=True)
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
    """Why a cache entry cannot be used (a short phrase), or None when it is complete and intact.

    Sizes are always compared; a file whose modification time changed since it was written is
    hashed again, so an overwritten or truncated file is caught without hashing on every load.
    """
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "not cached yet" if not folder.exists() else "incomplete (no manifest)"
    except (OSError, ValueError):
        return "its manifest is unreadable"
    if manifest.get("source_sha256") != source_sha256:
        return "made from a different source file"
    for name, recorded in manifest.get("files", {}).items():
        path = folder / name
        if not path.is_file():
            return f"{name} is missing"
        stat = path.stat()
        if stat.st_size != recorded["size"]:
            return f"{name} has {stat.st_size:,} bytes instead of {recorded['size']:,}"
        if stat.st_mtime_ns != recorded["mtime_ns"] and sha256_of(path) != recorded["sha256"]:
            return f"{name} was changed since it was saved"
    return None


def remove_entry(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
