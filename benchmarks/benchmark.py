"""Benchmark the course on this machine: every bundled model on every available runtime, and the
whole course under nbval.

    .venv/bin/python benchmarks/benchmark.py                 # models and course (about 17 minutes)
    .venv/bin/python benchmarks/benchmark.py --skip-course   # models only (about 8 minutes)

Each measurement runs in a fresh Python process (so imports, loads and peak memory are those a new
kernel sees), against a model cache of its own under the system's temporary folder. Results go to
open_models/data/measured/benchmark.json and benchmarks/results.md, and the performance sections of README.md and
translations/zh/README.md are rewritten from them (between their benchmark markers).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_JSON = ROOT / "open_models" / "data" / "measured" / "benchmark.json"  # read by notebooks 01 and 05
RESULTS_MD = ROOT / "benchmarks" / "results.md"
READMES = {"en": ROOT / "README.md", "zh": ROOT / "translations" / "zh" / "README.md"}
README_START, README_END = "<!-- benchmark:start -->", "<!-- benchmark:end -->"

MODELS = ("smollm2-135m-instruct", "gemma-3-270m")
FIRST_PROMPT = "What is the capital of France?"
DECODE_PROMPT = "Write a long story about a lighthouse keeper and a storm."
DECODE_TOKENS = 128
COURSE_DIRS = ("notebooks", "translations/zh/notebooks")

# (label, backend, dtype, measure a cold load too)
PATHS = (
    ("transformers fp32", "transformers", "float32", True),
    ("transformers bf16", "transformers", "bfloat16", False),
    ("llama.cpp (course helper)", "llama.cpp", None, True),
    ("llama.cpp (raw llama-cpp-python)", "raw llama.cpp", None, False),
)


# --- one measurement, in a fresh process ----------------------------------------------------------

def _peak_rss_gb() -> float:
    import resource

    kilobytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kilobytes / (1024**3 if sys.platform == "darwin" else 1024**2)


def _since_process_start() -> float:
    import psutil

    return time.time() - psutil.Process().create_time()


def measure_case(model_id: str, backend: str, dtype: str | None, cold: bool) -> dict:
    """Runs inside the child process: load, first answer, time to first token, decode speed."""
    start = time.perf_counter()
    if backend == "raw llama.cpp":
        return _measure_raw_llamacpp(model_id)
    from open_models import generate, load_model

    if backend == "llama.cpp":  # no torch import: the llama.cpp path does not need it
        options = {"backend": backend}
    else:
        import torch

        options = {"dtype": getattr(torch, dtype)}
    imported = time.perf_counter() - start
    loaded = load_model(model_id, **options)
    result = {"import_s": imported, "load_s": loaded.load_seconds, "source": loaded.source}
    if cold:
        return result | {"peak_rss_gb": _peak_rss_gb()}
    first = generate(loaded, FIRST_PROMPT, max_new_tokens=32)
    result["first_answer_s"] = _since_process_start()
    result["first_answer"] = first.text
    ttft = generate(loaded, DECODE_PROMPT, max_new_tokens=1).seconds
    run = generate(loaded, DECODE_PROMPT, max_new_tokens=DECODE_TOKENS)
    return result | _speeds(ttft, run.new_tokens, run.seconds) | {"peak_rss_gb": _peak_rss_gb()}


def _speeds(ttft: float, new_tokens: int, seconds: float) -> dict:
    decode = (new_tokens - 1) / (seconds - ttft) if new_tokens > 1 and seconds > ttft else 0.0
    return {"ttft_s": ttft, "new_tokens": new_tokens, "generate_s": seconds,
            "tokens_per_s": new_tokens / seconds, "decode_tokens_per_s": decode}


def _measure_raw_llamacpp(model_id: str) -> dict:
    """llama-cpp-python called directly, with the same file, threads and greedy settings."""
    start = time.perf_counter()
    from llama_cpp import Llama

    from open_models.llamacpp import CONTEXT_TOKENS, threads
    from open_models.weights import bundled_gguf_path

    imported = time.perf_counter() - start
    start = time.perf_counter()
    llama = Llama(model_path=str(bundled_gguf_path(model_id)), n_ctx=CONTEXT_TOKENS, n_threads=threads(),
                  n_threads_batch=threads(), verbose=False)
    loaded = time.perf_counter() - start
    chat = "tokenizer.chat_template" in llama.metadata

    def run(prompt: str, tokens: int) -> tuple[int, float]:
        llama.reset()
        start = time.perf_counter()
        if chat:
            out = llama.create_chat_completion([{"role": "user", "content": prompt}], max_tokens=tokens, temperature=0.0)
        else:
            out = llama.create_completion(prompt, max_tokens=tokens, temperature=0.0)
        return out["usage"]["completion_tokens"], time.perf_counter() - start

    run(FIRST_PROMPT, 32)
    result = {"import_s": imported, "load_s": loaded, "source": "bundled GGUF", "first_answer_s": _since_process_start()}
    ttft = run(DECODE_PROMPT, 1)[1]
    new_tokens, seconds = run(DECODE_PROMPT, DECODE_TOKENS)
    return result | _speeds(ttft, new_tokens, seconds) | {"peak_rss_gb": _peak_rss_gb()}


BENCHMARK_CACHE = Path(tempfile.gettempdir()) / "open-models-benchmark-cache"
WARM_CACHE, COLD_CACHE = BENCHMARK_CACHE / "warm", BENCHMARK_CACHE / "cold"


def warm_up() -> None:
    """Fill the warm cache (untimed): every bundled model converted once, Gemma's chunks assembled."""
    code = ("from open_models import bundled_gguf_path, load_model\n"
            f"for m in {MODELS!r}:\n    load_model(m)\n    bundled_gguf_path(m)")
    env = os.environ | {"OPEN_MODELS_CACHE": str(WARM_CACHE), "HF_HUB_OFFLINE": "1"}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)


def run_case(model_id: str, backend: str, dtype: str | None, cold: bool) -> dict:
    """One measurement in a fresh process: a cold one against an emptied cache, a warm one against a filled one."""
    cache = COLD_CACHE if cold else WARM_CACHE
    if cold:
        shutil.rmtree(cache, ignore_errors=True)
    env = os.environ | {"OPEN_MODELS_CACHE": str(cache), "HF_HUB_OFFLINE": "1"}
    case = json.dumps([model_id, backend, dtype, cold])
    done = subprocess.run([sys.executable, __file__, "--case", case], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1][:200]}
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the whole course under nbval -----------------------------------------------------------------

def time_course() -> dict:
    """Run every notebook of both languages under nbval (as CI does) with a warm cache."""
    report = Path(tempfile.mkdtemp()) / "course.xml"
    folders = [d for d in COURSE_DIRS if (ROOT / d).is_dir()]
    env = os.environ | {"OPEN_MODELS_CACHE": str(WARM_CACHE), "HF_HUB_OFFLINE": "1"}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", *folders, f"--junitxml={report}"],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    per_notebook: dict[str, float] = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        notebook = case.get("file") or case.get("classname", "")
        per_notebook[notebook] = per_notebook.get(notebook, 0.0) + float(case.get("time", 0))
    summary = (done.stdout.strip().splitlines() or [""])[-1]
    return {"wall_s": wall, "passed": done.returncode == 0, "summary": summary, "per_notebook_s": per_notebook}


# --- reporting ------------------------------------------------------------------------------------

def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown cpu"


def machine() -> str:
    import psutil
    import torch

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (f"{_cpu_name()}, {cores} cores, {psutil.virtual_memory().total / 1024**3:.0f} GiB RAM, "
            f"{platform.system()}, Python {platform.python_version()}, torch {torch.__version__}")


def _cell(value, fmt: str, unit: str = "") -> str:
    return format(value, fmt) + unit if isinstance(value, (int, float)) else "–"


TEXT = {
    "en": {
        "intro": "Measured on {date}: {machine}. Fresh process per row; warm = the model cache already filled. "
                 "First answer = from process start to a {prompt!r} reply (32 tokens at most); "
                 "decode = {tokens} new tokens, greedy, after the first.",
        "head": "| model | runtime | cold load | warm load | first answer (fresh process) | time to first token "
                "| decode tokens/s | peak memory |",
        "missing": "not measured",
        "course": "Whole course under nbval (`pytest {dirs}`, warm cache): **{wall:.0f} s** ({summary}).",
        "course_head": "| notebook | seconds |",
    },
    "zh": {
        "intro": "测量日期 {date}，机器：{machine}。每一行都在新启动的进程中测量；热加载 = 模型缓存已就绪。"
                 "首个回答 = 从进程启动到答完 {prompt!r}（最多 32 个词元）；解码速度 = 贪心解码 {tokens} 个新词元（不含第一个）。",
        "head": "| 模型 | 运行时 | 冷加载 | 热加载 | 首个回答（新进程） | 首个词元用时 | 解码速度（词元/秒） | 峰值内存 |",
        "missing": "未测量",
        "course": "整个课程在 nbval 下运行（`pytest {dirs}`，缓存已就绪）：**{wall:.0f} 秒**（{summary}）。",
        "course_head": "| 笔记本 | 秒 |",
    },
}


def _notebook_path(classname: str) -> str:
    """pytest's report names a notebook like a module (translations.zh.notebooks.01-x.ipynb): show its path."""
    folder, _, name = classname.removesuffix(".ipynb").rpartition(".")
    return f"{folder.replace('.', '/')}/{name}.ipynb"


def markdown(results: dict, lang: str = "en") -> str:
    text = TEXT[lang]
    lines = [
        text["intro"].format(date=results["date"], machine=results["machine"], prompt=FIRST_PROMPT, tokens=DECODE_TOKENS),
        "",
        text["head"],
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in results["rows"]:
        if "error" in row:
            lines.append(f"| {row['model']} | {row['path']} | {text['missing']}: {row['error']} | | | | | |")
            continue
        cold = row.get("cold", {})
        lines.append(
            f"| {row['model']} | {row['path']} | {_cell(cold.get('load_s'), '.1f', ' s')} | {_cell(row.get('load_s'), '.2f', ' s')} "
            f"| {_cell(row.get('first_answer_s'), '.1f', ' s')} | {_cell(row.get('ttft_s'), '.2f', ' s')} "
            f"| {_cell(row.get('decode_tokens_per_s'), '.1f')} | {_cell(row.get('peak_rss_gb'), '.2f', ' GB')} |"
        )
    course = results.get("course")
    if course:
        lines += ["", text["course"].format(dirs=" ".join(COURSE_DIRS), wall=course["wall_s"], summary=course["summary"]),
                  "", text["course_head"], "|---|---|"]
        lines += [f"| {_notebook_path(name)} | {seconds:.0f} |" for name, seconds in sorted(course["per_notebook_s"].items())]
    return "\n".join(lines) + "\n"


def update_readme(path: Path, table: str) -> None:
    """Replace the text between the benchmark markers of a README."""
    text = path.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        print(f"{path.relative_to(ROOT)} has no {README_START} … {README_END} markers; left unchanged.")
        return
    before, rest = text.split(README_START, 1)
    after = rest.split(README_END, 1)[1]
    path.write_text(f"{before}{README_START}\n{table}{README_END}{after}", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-course", action="store_true", help="measure the models only")
    parser.add_argument("--report-only", action="store_true",
                        help="measure nothing: rewrite results.md and the READMEs from the saved results")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(measure_case(*json.loads(args.case))))
        return 0
    if args.report_only:
        write_reports(json.loads(RESULTS_JSON.read_text(encoding="utf-8")))
        return 0

    from open_models import llamacpp_available

    print("Filling the benchmark's warm model cache (untimed) …", flush=True)
    warm_up()
    results = {"date": date.today().isoformat(), "machine": machine(), "rows": []}
    for model_id in MODELS:
        for label, backend, dtype, with_cold in PATHS:
            if "llama.cpp" in backend and not llamacpp_available():
                print(f"{model_id:24} {label:34} skipped: llama-cpp-python is not installed", flush=True)
                continue
            print(f"{model_id:24} {label:34} ", end="", flush=True)
            row = {"model": model_id, "path": label}
            if with_cold:
                row["cold"] = run_case(model_id, backend, dtype, True)
            row |= run_case(model_id, backend, dtype, False)
            results["rows"].append(row)
            print(row.get("error") or f"warm load {row['load_s']:.2f} s, first answer {row['first_answer_s']:.1f} s, "
                  f"decode {row['decode_tokens_per_s']:.1f} tokens/s", flush=True)
    if not args.skip_course:
        print("Running the whole course under nbval …", flush=True)
        results["course"] = time_course()
    elif RESULTS_JSON.exists():  # keep the last course timing
        results["course"] = json.loads(RESULTS_JSON.read_text(encoding="utf-8")).get("course")
    RESULTS_JSON.parent.mkdir(exist_ok=True)
    RESULTS_JSON.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    write_reports(results)
    return 0


def write_reports(results: dict) -> None:
    table = markdown(results)
    RESULTS_MD.write_text(table, encoding="utf-8")
    for lang, readme in READMES.items():
        update_readme(readme, markdown(results, lang))
    print("\n" + table)
    print(f"Written: {RESULTS_MD.relative_to(ROOT)} and both READMEs' benchmark sections (from {RESULTS_JSON.relative_to(ROOT)})")
    print("Notebooks 01 and 05 (both languages) print figures from it: re-execute them so their outputs match.")


if __name__ == "__main__":
    sys.exit(main())
