"""data/serving.csv: how the same OpenAI-compatible client reaches each serving engine, and what changes at scale."""

import csv
import re

from open_models.data_files import DATA_DIR

SERVING_FILE = DATA_DIR / "serving.csv"
COLUMNS = ["engine", "fact", "detail", "source", "retrieved"]
ENGINES = {
    "vLLM",
    "Text Generation Inference (TGI)",
    "llama.cpp server (llama-server)",
    "llama-cpp-python server",
    "HF Inference Providers (router)",
}
CONNECTION_FACTS = {"start", "base_url", "chat_route"}
URL = re.compile(r"^https://\S+$")


def _rows():
    with SERVING_FILE.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return reader.fieldnames, list(reader)


def test_the_file_loads_with_the_expected_columns():
    columns, rows = _rows()
    assert columns == COLUMNS
    assert rows, "serving.csv is empty"
    for number, row in enumerate(rows, start=2):
        assert all((row.get(column) or "").strip() for column in COLUMNS), f"line {number} has an empty cell"


def test_every_engine_says_how_to_start_it_where_it_listens_and_its_chat_route():
    _, rows = _rows()
    facts = {}
    for row in rows:
        facts.setdefault(row["engine"], set()).add(row["fact"])
    assert ENGINES <= set(facts), f"missing engines: {sorted(ENGINES - set(facts))}"
    for engine in ENGINES:
        assert CONNECTION_FACTS <= facts[engine], f"{engine} lacks {sorted(CONNECTION_FACTS - facts[engine])}"
    chat_routes = [row["detail"] for row in rows if row["fact"] == "chat_route"]
    assert all("/v1/chat/completions" in detail for detail in chat_routes)


def test_every_row_has_an_https_source():
    _, rows = _rows()
    for number, row in enumerate(rows, start=2):
        assert URL.match(row["source"]), f"line {number}: source must be an https URL"
