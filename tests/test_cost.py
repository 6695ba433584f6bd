"""Prices and self-hosting cost: the data is complete and sourced, and the arithmetic is right."""

import re

import matplotlib

matplotlib.use("Agg")
import pytest

from open_models.cost import (
    MACHINES_FILE,
    PRICES_FILE,
    blended_price,
    break_even_usd_per_hour,
    load_machines,
    load_prices,
    measure_throughput,
    plot_prices,
    plot_quality_vs_price,
    self_host_cost_per_mtok,
)
from open_models.data_files import read_csv
from open_models.errors import CourseError, InvalidInput

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def rows(name):
    return read_csv(name)


@pytest.mark.parametrize("resource", [PRICES_FILE, MACHINES_FILE], ids=["prices", "machines"])
def test_every_row_has_an_https_source_and_an_iso_date(resource):
    for row in rows(resource):
        assert row["source"].startswith("https://"), row
        assert ISO.match(row["retrieved"]), row
        assert all(value.strip() == value for value in row.values()), row


def test_at_least_twelve_rows_with_open_and_proprietary_models():
    prices = load_prices()
    assert len(prices) >= 12
    assert any(p.open_weights for p in prices) and any(not p.open_weights for p in prices)
    assert len({p.label for p in prices}) == len(prices), "model + provider must be unique"


def test_prices_are_complete_and_scores_are_sourced():
    for row in rows(PRICES_FILE):
        assert row["open_weights"] in {"yes", "no"}
        assert float(row["input_usd_per_mtok"]) > 0 and float(row["output_usd_per_mtok"]) > 0
        if row["quality"]:
            assert 0 < float(row["quality"]) <= 100
            assert row["quality_metric"] and row["quality_source"].startswith("https://")
        else:
            assert not row["quality_metric"] and not row["quality_source"]
    assert sum(p.quality is not None for p in load_prices()) >= 4


def test_blended_price_is_three_to_one():
    assert blended_price(1.0, 5.0) == pytest.approx(2.0)  # (3*1 + 5) / 4
    assert blended_price(2.5, 10.0) == pytest.approx(4.375)
    assert blended_price(1.0, 5.0, input_weight=1, output_weight=1) == pytest.approx(3.0)
    gpt4o = next(p for p in load_prices() if p.model == "GPT-4o")
    assert gpt4o.blended == pytest.approx((3 * 2.5 + 10) / 4)


def test_self_host_cost_on_a_hand_case():
    # $0.36 per hour at 10 tokens/s: 36,000 tokens per hour -> $10 per million tokens.
    assert self_host_cost_per_mtok(0.36, 10) == pytest.approx(10.0)
    assert break_even_usd_per_hour(10.0, 10) == pytest.approx(0.36)
    # The two functions are inverses of each other.
    assert self_host_cost_per_mtok(break_even_usd_per_hour(0.6, 42.0), 42.0) == pytest.approx(0.6)


@pytest.mark.parametrize("hourly, speed, words", [
    (0.04, 0, "tokens_per_second"),
    (0.04, -3, "tokens_per_second"),
    (0, 10, "usd_per_hour"),
    (-1, 10, "usd_per_hour"),
    ("cheap", 10, "must be a number"),
])
def test_bad_self_host_inputs_say_what_to_fix(hourly, speed, words):
    with pytest.raises(InvalidInput, match=words) as info:
        self_host_cost_per_mtok(hourly, speed)
    assert isinstance(info.value, CourseError)


def test_bad_blend_inputs():
    with pytest.raises(InvalidInput, match="both be zero"):
        blended_price(1, 2, input_weight=0, output_weight=0)
    with pytest.raises(InvalidInput, match="zero or more"):
        blended_price(-1, 2)


def test_machines_have_positive_prices():
    machines = load_machines()
    assert machines and all(m.usd_per_hour > 0 and m.vcpus > 0 for m in machines)


def test_measure_throughput_rejects_a_bare_string():
    with pytest.raises(InvalidInput, match="list of strings"):
        measure_throughput(None, "Hello")


def test_measure_throughput_counts_tokens(smollm2):
    tokens, seconds = measure_throughput(smollm2, ["Name a colour."], max_new_tokens=8)
    assert 0 < tokens <= 8 and seconds > 0


def test_charts_build():
    prices = load_prices()
    fig = plot_prices(prices, self_host=("SmolLM2 here", 50.0))
    assert len(fig.axes[0].patches) == len(prices) + 1
    fig = plot_quality_vs_price(prices, self_host=("SmolLM2 here", 50.0))
    assert len(fig.axes[0].collections) == sum(p.quality is not None for p in prices)
