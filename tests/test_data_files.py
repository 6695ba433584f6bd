"""Every fact the course states lives in a data file row with a source URL and a date."""

import json
import re
from datetime import date

import pytest

from open_models.data_files import DATA_DIR, csv_names, read_csv

URL = re.compile(r"^https://\S+$")


def test_the_data_files_are_found():
    assert {"models.csv", "prices.csv", "openness.csv"} <= set(csv_names())


@pytest.mark.parametrize("name", csv_names())
def test_every_csv_row_has_a_source_url_and_a_date(name):
    rows = read_csv(name)
    assert rows, f"{name} is empty"
    for number, row in enumerate(rows, start=2):
        assert URL.match(row.get("source") or ""), f"{name} line {number}: source must be an https URL"
        assert date.fromisoformat(row.get("retrieved") or "") <= date.today(), f"{name} line {number}: bad date"


@pytest.mark.parametrize("path", sorted(DATA_DIR.rglob("*.json")), ids=lambda p: p.name)
def test_every_json_data_file_has_a_source_url_and_a_date(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    assert URL.match(data.get("_source", "")), f"{path.name}: _source must be an https URL"
    assert date.fromisoformat(data.get("_retrieved", "")) <= date.today()
