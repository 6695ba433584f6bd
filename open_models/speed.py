"""Which floating-point type decodes faster on this CPU: measured once, then remembered.

Decoding one token at a time multiplies a vector by every weight matrix, so it is limited by how fast
the weights stream from memory: bfloat16 halves the bytes, but CPUs without bfloat16 instructions
convert every value first. Which wins depends on the CPU, so we time both on matrices shaped like a
small model's layers and keep the answer in the course cache (``speed.json``).
"""

from __future__ import annotations

import json
import platform
import time
from importlib.resources import files
from pathlib import Path

from .cache import cache_dir

MARGIN = 1.05  # bfloat16 must be at least 5 % faster to be chosen: its answers can differ slightly
HIDDEN, INTERMEDIATE, LAYERS = 576, 1536, 10  # shaped like SmolLM2-135M's feed-forward blocks


def _machine_key() -> str:
    import torch

    return f"{platform.machine()}|{platform.processor() or _cpu_name()}|torch {torch.__version__}|{torch.get_num_threads()} threads"


def _cpu_name() -> str:
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown cpu"


def decode_step_seconds(dtype, repeats: int = 5) -> float:
    """Best time of a decoding-like step: one token through LAYERS blocks of matrix-vector products."""
    import torch
    from torch.nn.functional import linear  # what nn.Linear layers call: weights stored (out, in)

    generator = torch.Generator().manual_seed(0)
    weights = [(torch.randn(INTERMEDIATE, HIDDEN, generator=generator).to(dtype),
                torch.randn(HIDDEN, INTERMEDIATE, generator=generator).to(dtype)) for _ in range(LAYERS)]
    x = torch.randn(1, HIDDEN, generator=generator).to(dtype)
    best = float("inf")
    with torch.inference_mode():
        for _ in range(repeats):
            start = time.perf_counter()
            for up, down in weights:
                x = torch.tanh(linear(linear(x, up), down))
            best = min(best, time.perf_counter() - start)
    return best


def measure() -> dict[str, float]:
    import torch

    return {name: decode_step_seconds(getattr(torch, name)) for name in ("float32", "bfloat16")}


def fastest_dtype(remember: bool = True):
    """torch.bfloat16 where it is measurably faster on this CPU, else torch.float32."""
    import torch

    path = cache_dir() / "speed.json"
    key = _machine_key()
    try:
        known = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    if not isinstance(known.get(key), dict):
        known[key] = measure()
        if remember:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(known, indent=1), encoding="utf-8")
    seconds = known[key]
    faster = seconds.get("bfloat16", float("inf")) * MARGIN < seconds.get("float32", 0.0)
    return torch.bfloat16 if faster else torch.float32


def benchmark_results() -> dict:
    """The last run of benchmarks/benchmark.py, as saved with the package (date, machine, rows)."""
    path = Path(str(files("open_models").joinpath("measured", "benchmark.json")))
    return json.loads(path.read_text(encoding="utf-8"))
