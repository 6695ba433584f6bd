"""Every fact the course states lives in a data file with a source URL and a date; each file's structure is checked here.

This is the one place that validates the data: the package reads the files as they are.
"""

import csv
import importlib.util
import json
import math
import re
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from open_models import OPENNESS_CRITERIA, OPENNESS_POINTS, get_entry, model_ids, offline_ids, set_language
from open_models.architecture import config_metadata, config_names
from open_models.catalog import BENCHMARK_FILE, DATA_DIR, data_files, read_data, read_rows
from open_models.openness import scorecard_models

_spec = importlib.util.spec_from_file_location("translations", Path(__file__).resolve().parent.parent / "tools" / "translations.py")
translations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(translations)  # tools/translations.py: the glossary the Chinese columns follow

URL = re.compile(r"^https://\S+$")
HUB_ID = re.compile(r"^[\w.-]+/[\w.-]+$")


def iso_date_problem(text: str) -> str | None:
    """Why ``text`` is not an ISO date (YYYY-MM-DD) on or before today, or None."""
    try:
        day = date.fromisoformat(text)
    except (TypeError, ValueError):
        return f"{text!r} is not a date like 2026-11-26"
    if day.isoformat() != text:
        return f"{text!r} is not written YYYY-MM-DD"
    if day > date.today():
        return f"{text} is in the future"
    return None


def number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def is_positive_number(text: str) -> bool:
    value = number(text)
    return value is not None and math.isfinite(value) and value > 0


# --- every file: a source URL and a date -------------------------------------------------------------

def test_the_checks_cover_every_data_file():
    assert len(data_files()) >= 10
    json_files = {p.relative_to(DATA_DIR).as_posix() for p in DATA_DIR.rglob("*.json")}
    # JSON is either a published config (checked below) or the benchmark's own measurements
    assert json_files == {f"configs/{name}.json" for name in config_names()} | {"measured/benchmark.json"}
    assert BENCHMARK_FILE.is_file()


COURSE_MADE = "course_made/"  # data written for the course (no outside facts): described in a .md file instead


@pytest.mark.parametrize("name", [name for name in data_files() if not name.startswith(COURSE_MADE)])
def test_every_csv_row_has_a_source_url_and_a_date(name):
    rows = read_rows(name)
    assert rows, f"{name} is empty"
    for line, row in enumerate(rows, start=2):
        assert URL.match(row.get("source") or ""), f"{name} line {line}: source must be an https URL"
        problem = iso_date_problem(row.get("retrieved") or "")
        assert problem is None, f"{name} line {line}: retrieved: {problem}"
        padded = [column for column, value in row.items() if value != value.strip()]
        assert not padded, f"{name} line {line}: spaces around {padded}"


@pytest.mark.parametrize("name", config_names())
def test_every_config_is_sourced_and_dated(name):
    raw = json.loads((DATA_DIR / "configs" / f"{name}.json").read_text(encoding="utf-8"))
    assert URL.match(raw.get("_source", "")), f"{name}: _source must be an https URL"
    assert iso_date_problem(raw.get("_retrieved", "")) is None, name
    meta = config_metadata(name)
    assert meta["source"].endswith("config.json")
    assert meta["published_params_b"] > 0
    if "published_source" in meta:
        assert URL.match(meta["published_source"])


@pytest.mark.parametrize("name", [name for name in data_files() if name.startswith(COURSE_MADE)])
def test_course_made_data_says_how_it_was_made_and_its_licence(name):
    description = (DATA_DIR / name).with_suffix(".md").read_text(encoding="utf-8")
    for heading in ("**What it is.**", "**How it was made.**", "**Licence.**"):
        assert heading in description, f"{name}: its description lacks {heading}"
    assert "CC BY 4.0" in description


def test_the_reviews_are_balanced_and_the_held_out_ones_unseen():
    reviews = read_data("course_made/reviews.csv")
    assert set(reviews["label"]) == {"positive", "negative"} and set(reviews["split"]) == {"train", "held_out"}
    counts = reviews.groupby(["split", "label"]).size()
    assert counts["train"].nunique() == 1 and counts["held_out"].nunique() == 1, counts
    assert counts["held_out"].sum() >= 16
    assert reviews["text"].is_unique
    assert all(len(text.split()) <= 25 for text in reviews["text"]), "keep each review one short sentence"


def test_the_date_check_refuses_bad_dates():
    assert iso_date_problem("2026-11-26") is None
    assert "not a date" in iso_date_problem("26/11/2026")
    assert "YYYY-MM-DD" in iso_date_problem("20261126")
    assert "future" in iso_date_problem((date.today() + timedelta(days=1)).isoformat())


# --- models.csv ----------------------------------------------------------------------------------------

REQUIRED = ["id", "name", "developer", "params_b", "license", "license_type", "instruction_tuned",
            "languages", "tasks", "hub_id", "gated", "source", "retrieved"]


def test_every_catalog_row_is_complete():
    rows = read_rows("models.csv")
    assert len(rows) >= 8
    for row in rows:
        for column in REQUIRED:
            assert row[column].strip(), f"{row['id']}: empty {column}"
        assert is_positive_number(row["params_b"]), row["id"]
        assert row["license_type"] in {"open-source", "open-weights", "proprietary"}, row["id"]
        assert row["instruction_tuned"] in {"yes", "no"} and row["gated"] in {"yes", "no"}, row["id"]
        assert HUB_ID.match(row["hub_id"]), row["hub_id"]
        assert row["context_length"] == "" or row["context_length"].isdigit(), row["id"]
        for code in row["languages"].split(";"):
            assert code == "multilingual" or re.fullmatch(r"[a-z]{2}", code), f"{row['id']}: language {code!r}"
        bundled_columns = [row[c] for c in ("offline_package", "gguf_file", "gguf_sha256")]
        assert all(bundled_columns) or not any(bundled_columns), f"{row['id']}: a bundled model needs all three"


def test_ids_and_hub_ids_are_unique():
    rows = read_rows("models.csv")
    assert len({row["id"] for row in rows}) == len(rows)
    assert len({row["hub_id"] for row in rows}) == len(rows)


def test_every_scorecard_name_is_a_model_on_the_scorecard():
    names = {row["id"]: row["scorecard_name"] for row in read_rows("models.csv") if row["scorecard_name"]}
    assert set(names) == {"smollm2-135m-instruct", "gemma-3-270m", "qwen2.5-1.5b-instruct", "tinyllama-1.1b-chat"}
    unknown = {model_id: name for model_id, name in names.items() if name not in scorecard_models()}
    assert not unknown, f"not on the scorecard (openness.csv): {unknown}"


def test_bundled_models_pin_their_file_and_hash():
    assert offline_ids() == ["smollm2-135m-instruct", "gemma-3-270m"]
    for model_id in offline_ids():
        entry = get_entry(model_id)
        assert re.fullmatch(r"[0-9a-f]{64}", entry.gguf_sha256)
        assert entry.gguf_file.endswith(".gguf")
        assert all(re.fullmatch(r"[\w.-]+==[\w.]+", pin) for pin in entry.pip_packages)


# --- openness.csv and osi_criteria.csv ---------------------------------------------------------------

def scorecard_problems(rows: list[dict]) -> list[str]:
    """Every status and criterion known; each model has each of the five criteria exactly once."""
    problems = []
    for row in rows:
        if row["status"] not in OPENNESS_POINTS:
            problems.append(f"{row['model']} / {row['criterion']}: status {row['status']!r} is not one of "
                            f"{', '.join(OPENNESS_POINTS)}")
        if row["criterion"] not in OPENNESS_CRITERIA:
            problems.append(f"{row['model']}: unknown criterion {row['criterion']!r}")
        if not row["evidence"].strip():
            problems.append(f"{row['model']} / {row['criterion']}: no evidence")
    for model in dict.fromkeys(row["model"] for row in rows):
        found = sorted(row["criterion"] for row in rows if row["model"] == model)
        if found != sorted(OPENNESS_CRITERIA):
            problems.append(f"{model}: needs each of the five criteria exactly once, found {found}")
    return problems


def test_the_scorecard_is_complete_and_valid():
    rows = read_rows("openness.csv")
    assert len({row["model"] for row in rows}) >= 10
    assert scorecard_problems(rows) == []


def test_the_scorecard_check_catches_bad_rows():
    good = [row for row in read_rows("openness.csv") if row["model"] == "OLMo 7B"]
    assert scorecard_problems(good) == []
    assert "is not one of" in scorecard_problems([{**good[0], "status": "maybe"}, *good[1:]])[0]
    assert "unknown criterion" in " ".join(scorecard_problems([{**good[0], "criterion": "vibes"}, *good[1:]]))
    assert "exactly once" in scorecard_problems(good[1:])[0]
    assert "exactly once" in scorecard_problems([*good, good[0]])[0]
    assert "no evidence" in scorecard_problems([{**good[0], "evidence": " "}, *good[1:]])[0]


def test_the_osi_definition_has_ten_numbered_criteria():
    rows = read_rows("osi_criteria.csv")
    assert len(rows) == 10
    assert [int(row["number"]) for row in rows] == list(range(1, 11))
    assert all(row["name"].strip() and row["summary"].strip() for row in rows)


# --- prices.csv and machines.csv ---------------------------------------------------------------------

def price_problems(row: dict) -> list[str]:
    """Positive finite prices; a quality score needs its metric and an https quality_source."""
    problems = []
    if row["open_weights"] not in {"yes", "no"}:
        problems.append(f"open_weights must be yes or no, not {row['open_weights']!r}")
    for column in ("input_usd_per_mtok", "output_usd_per_mtok"):
        if not is_positive_number(row[column]):
            problems.append(f"{column} must be a positive number, not {row[column]!r}")
    if row["quality"]:
        quality = number(row["quality"])
        if quality is None or not 0 < quality <= 100:
            problems.append(f"quality must be a score from 0 to 100, not {row['quality']!r}")
        if not row["quality_metric"] or not URL.match(row["quality_source"]):
            problems.append("a quality score needs its quality_metric and an https quality_source")
    elif row["quality_metric"] or row["quality_source"]:
        problems.append("a quality_metric or quality_source without a quality score")
    return problems


def test_every_price_row_is_valid():
    rows = read_rows("prices.csv")
    assert len(rows) >= 12
    problems = {f"{row['model']} ({row['provider']})": price_problems(row) for row in rows}
    assert not {label: found for label, found in problems.items() if found}
    assert len(set(problems)) == len(rows), "model + provider must be unique"
    assert {row["open_weights"] for row in rows} == {"yes", "no"}
    assert sum(bool(row["quality"]) for row in rows) >= 4


@pytest.mark.parametrize("change, words", [
    ({"input_usd_per_mtok": "0"}, "input_usd_per_mtok must be a positive number"),
    ({"output_usd_per_mtok": "-1"}, "output_usd_per_mtok must be a positive number"),
    ({"input_usd_per_mtok": "nan"}, "positive number"),
    ({"output_usd_per_mtok": "inf"}, "positive number"),
    ({"input_usd_per_mtok": "free"}, "positive number"),
    ({"quality_source": "http://example.com"}, "https quality_source"),
    ({"quality_metric": ""}, "needs its quality_metric"),
    ({"quality": "120"}, "from 0 to 100"),
    ({"quality": ""}, "without a quality score"),
    ({"open_weights": "maybe"}, "yes or no"),
])
def test_the_price_check_catches_bad_rows(change, words):
    scored = next(row for row in read_rows("prices.csv") if row["quality"])
    assert price_problems(scored) == []
    assert words in " ".join(price_problems({**scored, **change}))


def test_every_machine_has_positive_numbers():
    rows = read_rows("machines.csv")
    assert rows
    for row in rows:
        assert row["machine"].strip() and row["vcpus"].isdigit() and int(row["vcpus"]) > 0, row
        assert is_positive_number(row["memory_gib"]) and is_positive_number(row["usd_per_hour"]), row


# --- the other lesson data ---------------------------------------------------------------------------

def test_every_fine_tune_row_is_complete():
    rows = read_rows("fine_tunes.csv")
    assert len(rows) == 6
    for row in rows:
        assert all(value.strip() for value in row.values()), row
        assert HUB_ID.match(row["hub_id"]), row["fine_tune"]
        assert row["base_config"] in config_names(), row["fine_tune"]
        assert row["family"] in {f["family"] for f in read_rows("families.csv")}, row["fine_tune"]
        # how it was trained (notebook 09): one or more sources, separated by ";", and the date they were read
        assert all(URL.match(url) for url in row["training_source"].split(";")), row["fine_tune"]
        assert iso_date_problem(row["training_retrieved"]) is None, row["fine_tune"]


def test_every_family_profile_is_complete():
    rows = read_rows("families.csv")
    assert [row["family"] for row in rows] == ["Llama 2", "Mistral 7B", "Mixtral 8x7B", "Falcon", "OLMo"]
    for row in rows:
        assert all(value.strip() for value in row.values()), row
        assert re.fullmatch(r"\d{4}-\d{2}", row["released"]), row["family"]
        assert row["trained_context"].isdigit() and row["config"] in config_names(), row["family"]
        assert HUB_ID.match(row["chat_variant"]), row["family"]
        assert all(URL.match(url) for url in row["also_source"].split()), row["family"]


def test_training_compute_rows_have_positive_numbers():
    rows = {row["model"]: row for row in read_rows("training_compute.csv")}
    assert {"GPT-3", "Falcon-40B"} <= set(rows)
    for row in rows.values():
        assert is_positive_number(row["params_b"]) and is_positive_number(row["tokens_b"]), row
        assert bool(row["claimed_share_of_gpt3"]) == bool(row["claim_source"]), row
        assert row["claim_source"] == "" or URL.match(row["claim_source"]), row


def test_base_and_instruct_pairs_name_catalog_models():
    rows = read_rows("base_and_instruct.csv")
    assert [row["family"] for row in rows] == ["SmolLM2 135M", "Gemma 3 270M"]
    assert all(row["tuning"].strip() for row in rows)
    hub_ids = {get_entry(i).hub_id for i in ("smollm2-135m-instruct", "gemma-3-270m", "gemma-3-270m-it")}
    assert hub_ids <= {row["base_hub_id"] for row in rows} | {row["instruct_hub_id"] for row in rows}


def test_next_steps_rows_link_to_https_pages():
    rows = read_rows("next_steps.csv")
    assert {"Open LLM Leaderboard", "Artificial Analysis", "Hugging Face Collections"} <= {r["name"] for r in rows}
    # where a learner in mainland China looks next: a hub that mirrors the open models, Chinese benchmarks
    assert {"ModelScope 魔搭社区", "OpenCompass 司南", "C-Eval", "CMMLU"} <= {r["name"] for r in rows}
    assert len({r["name"] for r in rows}) == len(rows)
    for row in rows:
        assert URL.match(row["url"]), row
        assert row["what"].strip()


def test_every_task_row_is_complete():
    table = read_data("eval/tasks.csv")
    assert list(table.columns) == ["id", "category", "prompt", "answers", "method", "source", "retrieved"]
    assert table["id"].is_unique
    assert (table[["id", "category", "prompt", "answers", "method"]] != "").all().all()


def test_every_catalog_id_is_a_valid_name():
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9.-]*", model_id) for model_id in model_ids())


# --- Chinese twins: a column X_zh holds column X in Simplified Chinese --------------------------------
# read_data() shows X_zh under the name X after set_language("zh") (an empty twin keeps the English), so
# a twin must say what X says, in Chinese, wherever X says something.

IDEOGRAPH = re.compile(r"[\u4e00-\u9fff]")
# ASCII punctuation touching a Chinese character: a Chinese sentence takes full-width ，；：！？（）
HALF_WIDTH = re.compile(r"[\u4e00-\u9fff][,;:!?()]|[,;:!?()][\u4e00-\u9fff]")
# English cells with nothing to translate (a size, a licence id, a command): their twin may stay empty
SAME_IN_BOTH_LANGUAGES = {
    "7B, 13B, 70B", "7.3B", "1B, 7B", "Apache-2.0",
    "vllm serve <model>", "llama-server -m <model>.gguf",
    "docker run --gpus all --shm-size 1g -p 8080:80 -v $PWD/data:/data "
    "ghcr.io/huggingface/text-generation-inference:3.3.5 --model-id <model>",
}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
MONTH_YEAR = re.compile(rf"\b({'|'.join(MONTHS)})\s+(?=\d{{4}}\b)")
SCALES = {"thousand": 10**3, "k": 10**3, "K": 10**3, "千": 10**3, "万": 10**4, "million": 10**6, "M": 10**6,
          "亿": 10**8, "billion": 10**9, "B": 10**9, "trillion": 10**12, "万亿": 10**12}
NUMBER = re.compile(r"(\d+(?:\.\d+)?)(?:[\s-]*(thousand|million|billion|trillion)\b|\s*(万亿|亿|万|千)"
                    r"|([kKMB])(?![A-Za-z]))?")


def raw_table(name: str) -> tuple[list[str], list[dict[str, str]]]:
    """A data file's header and rows exactly as written, twin columns included (read_data drops them)."""
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        return list(reader.fieldnames or []), list(reader)


def numbers(text: str) -> Counter:
    """The numbers in ``text`` as values, so 18 billion = 180 亿, 1.8M = 180 万 and December 2025 = 2025 年 12 月."""
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)  # 13,948 is one number
    text = MONTH_YEAR.sub(lambda month: f"{MONTHS.index(month[1]) + 1} ", text)
    found = Counter()
    for digits, *units in NUMBER.findall(text):
        unit = next((u for u in units if u), "")
        found[Decimal(digits) * SCALES.get(unit, 1)] += 1
    return found


def twin_problems(name: str, header: list[str], rows: list[dict[str, str]]) -> list[str]:
    """Why the Chinese twins of one file do not stand in for their English columns (empty: they do)."""
    problems, terms = [], translations.glossary("zh")
    for twin in [column for column in header if column.endswith("_zh")]:
        english = twin.removesuffix("_zh")
        if english not in header:
            problems.append(f"{name}: {twin} has no English column {english!r}")
            continue
        for line, row in enumerate(rows, start=2):
            where, text, chinese = f"{name} line {line}, {twin}", row[english], row[twin]
            if not chinese:
                if text and text not in SAME_IN_BOTH_LANGUAGES:
                    problems.append(f"{where}: empty, so the English shows: {text!r}")
                continue
            if not text:
                problems.append(f"{where}: Chinese text where the English cell is empty")
            if not IDEOGRAPH.search(chinese):
                problems.append(f"{where}: no Chinese characters in {chinese!r}")
            if numbers(text) != numbers(chinese):
                problems.append(f"{where}: numbers {sorted(numbers(text).elements())} in English but "
                                f"{sorted(numbers(chinese).elements())} in Chinese")
            if HALF_WIDTH.search(chinese):
                problems.append(f"{where}: half-width punctuation in Chinese: {HALF_WIDTH.search(chinese)[0]!r}")
            for term, variants in terms:
                rest = chinese.replace(term, "")
                problems += [f"{where}: write {term}, not {variant}" for variant in variants if variant in rest]
    return problems


CSV_FILES = [name for name in data_files() if name.endswith(".csv")]
TWIN_FILES = [name for name in CSV_FILES if any(c.endswith("_zh") for c in raw_table(name)[0])]


def test_the_prose_learners_read_has_chinese_twins():
    expected = {
        "osi_criteria.csv": {"name_zh", "summary_zh"},
        "openness.csv": {"evidence_zh"},
        "base_and_instruct.csv": {"tuning_zh"},
        "fine_tunes.csv": {"purpose_zh", "kind_of_training_zh", "weights_trained_zh", "training_data_zh", "hardware_zh"},
        "families.csv": {"sizes_zh", "license_zh", "made_for_zh"},
        "serving.csv": {"detail_zh"},
        "hub_finetunes.csv": {"about_zh"},
        "machines.csv": {"note_zh"},
        "prices.csv": {"quality_metric_zh", "note_zh"},
        "licence_clauses.csv": {"why_zh"},
        "next_steps.csv": {"what_zh"},
    }
    found = {name: {c for c in raw_table(name)[0] if c.endswith("_zh")} for name in TWIN_FILES}
    assert found == expected
    # model inputs and quotations stay as written: eval prompts, review texts, licence clauses
    assert not any(c.endswith("_zh") for name in ("eval/tasks.csv", "course_made/reviews.csv")
                   for c in raw_table(name)[0])
    assert "text_zh" not in raw_table("licence_clauses.csv")[0]


@pytest.mark.parametrize("name", TWIN_FILES)
def test_every_chinese_twin_stands_in_for_its_english_column(name):
    assert twin_problems(name, *raw_table(name)) == []


@pytest.mark.parametrize("name", TWIN_FILES)
def test_in_chinese_a_table_keeps_its_columns_and_shows_the_twins(name):
    header, rows = raw_table(name)
    english = read_data(name)
    try:
        set_language("zh")
        chinese = read_data(name)
    finally:
        set_language("en")
    assert list(chinese.columns) == list(english.columns) == [c for c in header if not c.endswith("_zh")]
    for twin in [c for c in header if c.endswith("_zh")]:
        column = twin.removesuffix("_zh")
        assert list(chinese[column]) == [row[twin] or row[column] for row in rows]
        assert list(english[column]) == [row[column] for row in rows]


def test_numbers_are_compared_as_values():
    assert numbers("about 18 billion tokens") == numbers("约 180 亿个词元") == Counter({Decimal(18 * 10**9): 1})
    assert numbers("1.8M pairs") == numbers("180 万对")
    assert numbers("an 18-trillion-token corpus") == numbers("18 万亿词元的语料库")
    assert numbers("the last release is v3.3.7 (December 2025)") == numbers("最后一个版本是 v3.3.7（2025 年 12 月）")
    assert numbers("13,948 questions in 52 disciplines") == numbers("52 个学科的 13,948 道题")
    assert numbers("8x7B, 24 GB, CUDA_VISIBLE_DEVICES=0,1") == numbers("8x7B，24 GB，CUDA_VISIBLE_DEVICES=0,1")
    assert numbers("anyone may give it away") == Counter()  # "may" is a month only before a year
    assert numbers("16 H800 GPUs") != numbers("16 块 GPU")
    assert numbers("4 copies (4 GPUs)") != numbers("4 个副本")


@pytest.mark.parametrize("english, chinese, words", [
    ("no training logs published", "", "empty, so the English shows"),
    ("", "没有发布训练日志", "where the English cell is empty"),
    ("no training logs published", "no training logs published", "no Chinese characters"),
    ("about 18 billion tokens", "约 18 亿个词元", "numbers"),
    ("4 copies (4 GPUs)", "4 个副本", "numbers"),
    ("weights, in short", "权重,简而言之", "half-width punctuation"),
    ("open weights", "开源权重", "write 开放权重, not 开源权重"),
    ("a token", "一个令牌", "write 词元, not 令牌"),
])
def test_the_twin_check_catches_bad_twins(english, chinese, words):
    assert twin_problems("x.csv", ["what", "what_zh"], [{"what": "no training logs published",
                                                          "what_zh": "没有发布训练日志"}]) == []
    assert twin_problems("x.csv", ["size", "size_zh"], [{"size": "7.3B", "size_zh": ""}]) == []
    found = twin_problems("x.csv", ["what", "what_zh"], [{"what": english, "what_zh": chinese}])
    assert words in " ".join(found), found
    assert "has no English column" in " ".join(twin_problems("x.csv", ["what_zh"], [{"what_zh": "权重"}]))
