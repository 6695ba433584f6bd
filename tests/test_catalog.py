import re
from datetime import date

import pytest

from open_models import get_entry, load_catalog, model_ids, offline_ids
from open_models.catalog import read_rows
from open_models.errors import InvalidInput, UnknownModelError

REQUIRED = ["id", "name", "developer", "params_b", "license", "license_type", "instruction_tuned",
            "languages", "tasks", "hub_id", "gated", "source", "retrieved"]


def test_every_row_is_complete_sourced_and_dated():
    rows = read_rows()
    assert len(rows) >= 8
    for row in rows:
        for column in REQUIRED:
            assert row[column].strip(), f"{row['id']}: empty {column}"
        assert re.match(r"^https://\S+$", row["source"]), f"{row['id']}: source is not a URL"
        assert date.fromisoformat(row["retrieved"]) <= date.today()


def test_ids_are_unique_and_hub_ids_look_like_repos():
    ids = model_ids()
    assert len(ids) == len(set(ids))
    for entry in load_catalog():
        assert re.match(r"^[\w.-]+/[\w.-]+$", entry.hub_id), entry.hub_id
        assert entry.license_type in {"open-source", "open-weights", "proprietary"}
        assert entry.params_b > 0


def test_bundled_models_pin_file_and_hash():
    assert offline_ids() == ["smollm2-135m-instruct", "gemma-3-270m"]
    for model_id in offline_ids():
        entry = get_entry(model_id)
        assert re.fullmatch(r"[0-9a-f]{64}", entry.gguf_sha256)
        assert entry.gguf_file.endswith(".gguf")
        assert all("==" in pin for pin in entry.pip_packages)


def test_requirements_models_matches_the_catalog():
    """requirements-models.txt and the catalog name the same pinned packages."""
    from pathlib import Path

    lines = Path(__file__).parents[1].joinpath("requirements-models.txt").read_text().splitlines()
    pinned = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    from_catalog = {pin for model_id in offline_ids() for pin in get_entry(model_id).pip_packages}
    assert pinned == from_catalog


def test_unknown_id_suggests_the_closest_and_lists_all():
    with pytest.raises(UnknownModelError) as caught:
        get_entry("smollm2-135m")
    message = str(caught.value)
    assert "Did you mean 'smollm2-135m-instruct'?" in message
    for model_id in model_ids():
        assert model_id in message


@pytest.mark.parametrize("bad", [None, 42, ["smollm2-135m-instruct"]])
def test_a_model_id_that_is_not_a_string_gets_a_message(bad):
    with pytest.raises(InvalidInput, match="A model id is a string"):
        get_entry(bad)
