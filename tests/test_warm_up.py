"""The facilitator's warm-up command: ready on a set-up machine, and a clear FIX line when something is not."""

import os
import subprocess
import sys
from collections import namedtuple
from pathlib import Path

from open_models import warm_up as warm_up_module
from open_models.warm_up import pinned_versions, version_problems, warm_up

ROOT = Path(__file__).resolve().parents[1]


def test_the_command_in_facilitator_md_gets_this_machine_ready(smollm2, gemma):
    # smollm2/gemma: the bundled models are already converted into this run's cache, as after a first warm-up
    command = [sys.executable, "-m", "open_models.warm_up"]
    assert "python -m open_models.warm_up" in (ROOT / "FACILITATOR.md").read_text(encoding="utf-8")
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stdout + done.stderr
    assert lines[-1] == "Ready for the workshop."
    assert [line for line in lines if " answers (" in line and line.startswith("ok")] and not \
        [line for line in lines if line.startswith("FIX")]


def test_versions_are_read_from_requirements_and_differences_named():
    pins = pinned_versions()
    assert pins["torch"] == "2.13.0" and pins["transformers"]
    problems = version_problems({"pandas": "0.0.1", "no-such-package-for-the-course": "1.0"})
    assert len(problems) == 2 and "the course pins 0.0.1" in problems[0] and "not installed" in problems[1]


def test_an_unusable_cache_is_a_fix_line_not_a_traceback(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("OPEN_MODELS_CACHE", str(blocker / "cache"))
    lines = []
    assert warm_up(say=lines.append) is False
    assert any(line.startswith("FIX") and "OPEN_MODELS_CACHE" in line for line in lines)


def test_a_full_disk_stops_before_converting(tmp_path, monkeypatch):
    monkeypatch.setenv("OPEN_MODELS_CACHE", str(tmp_path))  # empty: both models would need converting
    Usage = namedtuple("Usage", "total used free")
    monkeypatch.setattr(warm_up_module.shutil, "disk_usage", lambda path: Usage(10**12, 10**12, 10**8))
    lines = []
    assert warm_up(say=lines.append) is False
    assert any(line.startswith("FIX") and "0.1 GB free" in line for line in lines)
    assert lines[-1].startswith("Not ready") and not any("converting" in line for line in lines)
