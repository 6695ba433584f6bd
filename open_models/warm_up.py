"""Get a laptop ready before a workshop, with one command (FACILITATOR.md):

    .venv/bin/python -m open_models.warm_up

It checks the Python version, the course's packages against the pins in requirements.txt, free memory and
free disk at the course cache; then it loads every bundled model — converting it into the cache the first
time, which is the slow part of a first lesson — and has it answer one question. One line per check, then
"Ready" or what to fix; the exit status is 0 when ready, 1 when not.
"""

from __future__ import annotations

import shutil
import sys
import time
from importlib import metadata
from pathlib import Path

from .catalog import get_entry, offline_ids
from .errors import CourseError
from .generation import generate
from .llamacpp import llamacpp_available
from .loading import available_bytes, bytes_needed, load_model
from .weights import cache_dir, model_dir, writable_folder

GB = 1e9
DISK_MARGIN_GB = 0.5  # room for the temporary files of a conversion
REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements.txt"
QUESTION = "What is the capital of France?"


def pinned_versions(path: Path = REQUIREMENTS) -> dict[str, str]:
    """``name==version`` lines of requirements.txt (empty when the file is not there, e.g. a pip install)."""
    if not path.exists():
        return {}
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, sep, version = line.split("#")[0].strip().partition("==")
        if sep:
            pins[name.strip()] = version.strip()
    return pins


def version_problems(pins: dict[str, str]) -> list[str]:
    """Pinned packages that are missing or at another version (answers may then differ from the notebooks)."""
    problems = []
    for name, wanted in pins.items():
        try:
            found = metadata.version(name)
        except metadata.PackageNotFoundError:
            problems.append(f"{name} is not installed (want {wanted})")
            continue
        if found.split("+")[0] != wanted:  # torch's CPU build reports 2.13.0+cpu
            problems.append(f"{name} {found} (the course pins {wanted})")
    return problems


def not_yet_cached() -> list[str]:
    return [model_id for model_id in offline_ids() if not (model_dir(model_id) / "config.json").exists()]


def disk_needed_gb(model_ids: list[str]) -> float:
    """Float32 copies of the models still to convert (4 bytes per parameter), plus a margin."""
    return sum(get_entry(m).params_b * 4 for m in model_ids) + DISK_MARGIN_GB


def warm_up(say=print) -> bool:
    """Run every check, printing one line each; True when the laptop is ready."""
    ready = True

    def report(ok: bool, line: str) -> None:
        nonlocal ready
        ready = ready and ok
        say(f"{'ok ' if ok else 'FIX'}  {line}")

    report(sys.version_info >= (3, 10), f"Python {sys.version.split()[0]} (the course needs 3.10 or newer)")
    pins = pinned_versions()
    problems = version_problems(pins)
    if pins:
        report(not problems, "packages match requirements.txt" if not problems else
               "packages differ from requirements.txt: " + "; ".join(problems) +
               " — run: bash setup.sh")
    to_convert = not_yet_cached()
    free_memory = available_bytes() / GB
    memory_needed = max(bytes_needed(get_entry(m), converting=m in to_convert) for m in offline_ids()) / GB
    report(free_memory >= memory_needed,
           f"{free_memory:.1f} GB of memory free ({memory_needed:.1f} GB needed to load the largest bundled model)")
    try:
        folder = writable_folder(cache_dir())
    except CourseError as error:
        report(False, str(error))
        return False
    free_disk, needed = shutil.disk_usage(folder).free / GB, disk_needed_gb(to_convert)
    report(free_disk >= needed, f"{free_disk:.1f} GB free on the disk of the course cache "
                                f"({needed:.1f} GB needed for {len(to_convert)} model(s) still to convert)")
    if not ready:
        say("Not ready: fix the lines marked FIX, then run this command again.")
        return False
    for model_id in offline_ids():
        start = time.perf_counter()
        first = model_id in to_convert
        if first:
            say(f"...  converting {model_id} into the course cache (once; up to about 2 minutes) ...")
        try:
            reply = generate(load_model(model_id), QUESTION, max_new_tokens=8)
        except CourseError as error:
            report(False, f"{model_id}: {error}")
            continue
        report(bool(reply.text.strip()), f"{model_id} answers ({'converted and ' if first else ''}"
                                         f"loaded in {time.perf_counter() - start:.0f} s): {reply.text.strip()!r}")
    report(True, "llama.cpp runtime installed (optional, faster)" if llamacpp_available() else
           "llama.cpp runtime not installed (optional; the notebooks run without it)")
    say("Ready for the workshop." if ready else "Not ready: fix the lines marked FIX, then run this command again.")
    return ready


def main() -> int:
    return 0 if warm_up() else 1


if __name__ == "__main__":
    sys.exit(main())
