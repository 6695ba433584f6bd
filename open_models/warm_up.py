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
from .i18n import _
from .llamacpp import llamacpp_available
from .loading import available_bytes, bytes_needed, load_model
from .weights import cache_dir, model_dir, writable_folder

GB = 1e9
DISK_MARGIN_GB = 0.5  # room for the temporary files of a conversion
REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements.txt"
QUESTION = "What is the capital of France?"  # a prompt for the model, not a message: stays English


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
            problems.append(_("{package} is not installed (want {wanted})").format(package=name, wanted=wanted))
            continue
        if found.split("+")[0] != wanted:  # torch's CPU build reports 2.13.0+cpu
            problems.append(_("{package} {found} (the course pins {wanted})").format(
                package=name, found=found, wanted=wanted))
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
        say(f"{'ok ' if ok else 'FIX'}  {line}")  # the marks stay as they are: messages refer to "FIX"

    report(sys.version_info >= (3, 10), _("Python {version} (the course needs 3.10 or newer)").format(
        version=sys.version.split()[0]))
    pins = pinned_versions()
    problems = version_problems(pins)
    if pins:
        report(not problems, _("packages match requirements.txt") if not problems else
               # Translators: {problems} lists packages, separated by "; ".
               _("packages differ from requirements.txt: {problems} — run: bash setup.sh").format(
                   problems="; ".join(problems)))
    to_convert = not_yet_cached()
    free_memory = available_bytes() / GB
    memory_needed = max(bytes_needed(get_entry(m), converting=m in to_convert) for m in offline_ids()) / GB
    report(free_memory >= memory_needed,
           _("{free:.1f} GB of memory free ({needed:.1f} GB needed to load the largest bundled model)").format(
               free=free_memory, needed=memory_needed))
    try:
        folder = writable_folder(cache_dir())
    except CourseError as error:
        report(False, str(error))
        return False
    free_disk, needed = shutil.disk_usage(folder).free / GB, disk_needed_gb(to_convert)
    report(free_disk >= needed, _("{free:.1f} GB free on the disk of the course cache ({needed:.1f} GB needed for "
                                  "{count} model(s) still to convert)").format(
                                      free=free_disk, needed=needed, count=len(to_convert)))
    if not ready:
        say(_("Not ready: fix the lines marked FIX, then run this command again."))
        return False
    for model_id in offline_ids():
        start = time.perf_counter()
        first = model_id in to_convert
        if first:
            say(_("...  converting {model} into the course cache (once; up to about 2 minutes) ...").format(
                model=model_id))
        try:
            reply = generate(load_model(model_id), QUESTION, max_new_tokens=8)
        except CourseError as error:
            report(False, f"{model_id}: {error}")
            continue
        answers = (_("{model} answers (converted and loaded in {seconds:.0f} s): {reply!r}") if first else
                   _("{model} answers (loaded in {seconds:.0f} s): {reply!r}"))
        report(bool(reply.text.strip()), answers.format(
            model=model_id, seconds=time.perf_counter() - start, reply=reply.text.strip()))
    report(True, _("llama.cpp runtime installed (optional, faster)") if llamacpp_available() else
           _("llama.cpp runtime not installed (optional; the notebooks run without it)"))
    say(_("Ready for the workshop.") if ready else _("Not ready: fix the lines marked FIX, then run this command again."))
    return ready


def main() -> int:
    return 0 if warm_up() else 1


if __name__ == "__main__":
    sys.exit(main())
