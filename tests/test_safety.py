"""No code path runs remote code or unpickles weights."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [p for p in ROOT.glob("open_models/**/*.py")] + [p for p in ROOT.glob("notebooks/**/*.ipynb")]

FORBIDDEN = {
    "trust_remote_code enabled": re.compile(r"trust_remote_code\s*[=:]\s*True"),
    "torch.load (unpickles)": re.compile(r"torch\.load\s*\("),
    "pickle": re.compile(r"\bimport\s+pickle\b|\bpickle\.loads?\("),
    "safetensors switched off": re.compile(r"use_safetensors\s*[=:]\s*False"),
    "weights_only switched off": re.compile(r"weights_only\s*[=:]\s*False"),
}


def test_the_scan_covers_the_package_and_notebooks():
    assert any(p.suffix == ".py" for p in SOURCES) and any(p.suffix == ".ipynb" for p in SOURCES)


def test_no_forbidden_pattern_anywhere():
    found = [
        f"{path.relative_to(ROOT)}: {what}"
        for path in SOURCES
        for what, pattern in FORBIDDEN.items()
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert not found, found


def test_every_from_pretrained_call_in_the_package_refuses_remote_code():
    for path in ROOT.glob("open_models/**/*.py"):
        for call in re.findall(r"from_pretrained\((.*?)\)\n", path.read_text(encoding="utf-8"), re.S):
            assert "trust_remote_code=False" in call, f"{path.name}: from_pretrained({call})"


def test_weights_are_loaded_from_safetensors_or_gguf_only():
    loading = (ROOT / "open_models" / "loading.py").read_text(encoding="utf-8")
    assert '{"gguf_file": gguf_file} if gguf_file else {"use_safetensors": True}' in loading
