"""Prices and self-hosting cost: the data reads into typed rows, and the arithmetic is right.

The rows of prices.csv and machines.csv (sources, dates, positive prices, sourced quality scores)
are validated in test_data.py.
"""

import math

import matplotlib

matplotlib.use("Agg")
import pytest

from open_models.catalog import read_rows
from open_models.cost import (
    Machine,
    Price,
    blended_price,
    break_even_usd_per_hour,
    load_machines,
    load_prices,
    measure_throughput,
    plot_prices,
    plot_quality_vs_price,
    self_host_cost_per_mtok,
)
from open_models.errors import CourseError, InvalidInput


def test_at_least_twelve_rows_with_open_and_proprietary_models():
    prices = load_prices()
    assert len(prices) >= 12 and all(isinstance(p, Price) for p in prices)
    assert any(p.open_weights for p in prices) and any(not p.open_weights for p in prices)
    assert len({p.label for p in prices}) == len(prices), "model + provider must be unique"
    assert sum(p.quality is not None for p in load_prices()) >= 4


def test_price_rows_are_typed_as_written():
    for row, price in zip(read_rows("prices.csv"), load_prices(), strict=True):
        assert price.label == f"{row['model']} ({row['provider']})"
        assert price.open_weights == (row["open_weights"] == "yes")
        assert price.input_usd_per_mtok == float(row["input_usd_per_mtok"])
        assert price.quality == (float(row["quality"]) if row["quality"] else None)
        assert (price.source, price.retrieved) == (row["source"], row["retrieved"])


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
    assert blended_price(0, 0) == 0.0  # a free model is a price


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "nan", "inf"])
def test_numbers_that_are_not_finite_are_refused(bad):
    with pytest.raises(InvalidInput, match="usd_per_hour"):
        self_host_cost_per_mtok(bad, 10)
    with pytest.raises(InvalidInput, match="tokens_per_second"):
        self_host_cost_per_mtok(0.5, bad)
    with pytest.raises(InvalidInput, match="api_usd_per_mtok"):
        break_even_usd_per_hour(bad, 10)
    with pytest.raises(InvalidInput, match="input_usd_per_mtok"):
        blended_price(bad, 1.0)
    with pytest.raises(InvalidInput, match="output_weight"):
        blended_price(1.0, 1.0, output_weight=bad)


def test_machines_have_positive_prices():
    machines = load_machines()
    assert machines and all(isinstance(m, Machine) for m in machines)
    assert all(m.usd_per_hour > 0 and m.vcpus > 0 and m.memory_gib > 0 for m in machines)


def test_a_note_comes_with_its_source():
    for item in (*load_prices(), *load_machines()):
        assert bool(item.note) == bool(item.note_source), item
        assert not item.note_source or item.note_source.startswith("https://"), item


def test_a_burstable_machine_costs_more_at_full_load():
    machines = load_machines()
    assert all(0 < m.baseline_per_vcpu <= 1 and m.surplus_usd_per_vcpu_hour >= 0 for m in machines)
    burstable = [m for m in machines if m.baseline_per_vcpu < 1]
    assert burstable, "the lesson compares a burstable machine with fixed-performance ones"
    for m in burstable:
        # t3.medium: 0.0416 + 2 x (1 - 0.2) x 0.05 = 0.1216 USD per hour
        expected = m.usd_per_hour + m.vcpus * (1 - m.baseline_per_vcpu) * m.surplus_usd_per_vcpu_hour
        assert m.full_load_usd_per_hour == pytest.approx(expected) and expected > m.usd_per_hour
    assert machines[0].baseline_per_vcpu == 1, "the notebook's default machine is fixed-performance"
    assert min(machines, key=lambda m: m.full_load_usd_per_hour) == machines[0]


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


def label_boxes(fig):
    from matplotlib.text import Annotation, Text

    renderer = fig.canvas.get_renderer()
    labels = [child for child in fig.axes[0].get_children() if isinstance(child, Annotation)]
    for label in labels:
        label.update_positions(renderer)
    return [Text.get_window_extent(label, renderer) for label in labels]


@pytest.mark.parametrize("crowd", [0, 5])
def test_every_quality_label_is_legible(crowd):
    """No two point labels overlap, even when several points sit almost on top of each other."""
    import dataclasses

    prices = list(load_prices())
    scored = next(p for p in prices if p.quality is not None)
    prices += [dataclasses.replace(scored, model=f"Near {i}", quality=scored.quality + 0.2 * i,
                                   input_usd_per_mtok=scored.input_usd_per_mtok * (1 + 0.02 * i))
               for i in range(crowd)]
    boxes = label_boxes(plot_quality_vs_price(prices))
    assert len(boxes) == sum(p.quality is not None for p in prices)
    overlapping = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if a.overlaps(b)]
    assert not overlapping
