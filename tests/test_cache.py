"""The cache writes atomically and notices files that changed after they were saved."""

import json
import os

from open_models import cache

SOURCE = "ab" * 32


def fill_with(files):
    def fill(folder):
        for name, content in files.items():
            (folder / name).write_bytes(content)

    return fill


def test_cache_dir_follows_the_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    assert cache.cache_dir() == tmp_path
    assert cache.model_dir("m") == tmp_path / "models" / "m"


def test_a_complete_entry_is_valid(tmp_path):
    target = tmp_path / "m"
    cache.write_entry(target, fill_with({"a.bin": b"1234", "b.json": b"{}"}), SOURCE)
    assert cache.entry_problem(target, SOURCE) is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]  # no partial folder left behind


def test_a_crash_while_filling_leaves_nothing_behind(tmp_path):
    def crash(folder):
        (folder / "a.bin").write_bytes(b"half")
        raise KeyboardInterrupt

    target = tmp_path / "m"
    try:
        cache.write_entry(target, crash, SOURCE)
    except KeyboardInterrupt:
        pass
    assert list(tmp_path.iterdir()) == []
    assert cache.entry_problem(target, SOURCE) == "not cached yet"


def test_each_kind_of_damage_is_named(tmp_path):
    target = tmp_path / "m"
    cache.write_entry(target, fill_with({"a.bin": b"1234", "b.json": b"{}"}), SOURCE)
    assert cache.entry_problem(target, "cd" * 32) == "made from a different source file"

    (target / "a.bin").write_bytes(b"12")
    assert cache.entry_problem(target, SOURCE) == "a.bin has 2 bytes instead of 4"

    (target / "a.bin").write_bytes(b"9999")  # same size, new content, new modification time
    os.utime(target / "a.bin", ns=(1, 1))
    assert cache.entry_problem(target, SOURCE) == "a.bin was changed since it was saved"

    (target / "a.bin").unlink()
    assert cache.entry_problem(target, SOURCE) == "a.bin is missing"

    (target / cache.MANIFEST).write_text("{not json")
    assert cache.entry_problem(target, SOURCE) == "its manifest is unreadable"

    (target / cache.MANIFEST).unlink()
    assert cache.entry_problem(target, SOURCE) == "incomplete (no manifest)"


def test_touching_a_file_without_changing_it_keeps_the_entry(tmp_path):
    target = tmp_path / "m"
    cache.write_entry(target, fill_with({"a.bin": b"1234"}), SOURCE)
    os.utime(target / "a.bin", ns=(1, 1))
    assert cache.entry_problem(target, SOURCE) is None


def test_rewriting_an_entry_replaces_the_old_one(tmp_path):
    target = tmp_path / "m"
    cache.write_entry(target, fill_with({"old.bin": b"1"}), SOURCE)
    cache.write_entry(target, fill_with({"new.bin": b"2"}), SOURCE)
    manifest = json.loads((target / cache.MANIFEST).read_text())
    assert list(manifest["files"]) == ["new.bin"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]
