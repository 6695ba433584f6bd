import json

import torch

from open_models import speed
from open_models.cache import temporary_cache


def test_the_fastest_dtype_is_measured_once_and_remembered(monkeypatch):
    calls = []

    def fake_measure():
        calls.append(1)
        return {"float32": 1.0, "bfloat16": 0.5}

    monkeypatch.setattr(speed, "measure", fake_measure)
    with temporary_cache() as folder:
        assert speed.fastest_dtype() == torch.bfloat16
        assert speed.fastest_dtype() == torch.bfloat16
        assert len(calls) == 1
        saved = json.loads((folder / "speed.json").read_text())
        assert list(saved.values()) == [{"float32": 1.0, "bfloat16": 0.5}]


def test_bfloat16_must_be_clearly_faster(monkeypatch):
    monkeypatch.setattr(speed, "measure", lambda: {"float32": 1.0, "bfloat16": 0.99})
    with temporary_cache():
        assert speed.fastest_dtype() == torch.float32


def test_a_damaged_speed_file_is_measured_again(monkeypatch):
    monkeypatch.setattr(speed, "measure", lambda: {"float32": 0.5, "bfloat16": 1.0})
    with temporary_cache() as folder:
        (folder / "speed.json").write_text("{not json")
        assert speed.fastest_dtype() == torch.float32


def test_the_real_measurement_times_both_types():
    seconds = speed.measure()
    assert set(seconds) == {"float32", "bfloat16"} and all(0 < s < 5 for s in seconds.values())


def test_the_benchmark_results_ship_with_the_package():
    results = speed.benchmark_results()
    assert results["machine"] and results["date"]
    paths = {row["path"] for row in results["rows"]}
    assert {"transformers fp32", "transformers bf16"} <= paths
    for row in results["rows"]:
        assert row["decode_tokens_per_s"] > 0 and row["peak_rss_gb"] > 0
