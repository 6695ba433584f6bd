"""The checks of notebook 06: a right answer, computed as a learner would, passes; wrong answers and
answers of the wrong kind get a message that says what to look at."""

import math

import pytest

from open_models import blended_price, break_even_usd_per_hour, load_machines, load_prices
from open_models.exercises.checking import PASSED
from open_models.exercises.what_it_costs import (
    WORKLOADS,
    check_break_even,
    check_cheapest_one_to_one,
    check_deployment,
    check_full_load_price,
    daily_costs,
    defensible,
)

# --- 1. the cheapest row at a 1:1 mix -----------------------------------------------------------------

def one_to_one(p):
    return blended_price(p.input_usd_per_mtok, p.output_usd_per_mtok, input_weight=1, output_weight=1)


def test_the_cheapest_row_at_one_to_one_passes_by_label_or_model_name():
    best = min(load_prices(), key=one_to_one)
    assert check_cheapest_one_to_one.problem(best.label) is None
    assert check_cheapest_one_to_one.problem(best.model) is None
    assert check_cheapest_one_to_one.problem(f"  {best.label.upper()} ") is None


def test_a_dearer_row_or_an_unknown_model_is_explained():
    dearest = max(load_prices(), key=one_to_one)
    assert "(input + output) / 2" in check_cheapest_one_to_one.problem(dearest.label)
    assert "a model's label" in check_cheapest_one_to_one.says("Llama 3.1 8B Instruct (Groq)")  # retired row
    assert check_cheapest_one_to_one.says(42).startswith("Not yet: the answer should be a model's label")


def test_a_model_name_listed_twice_needs_its_provider(monkeypatch):
    import open_models.exercises.what_it_costs as module

    prices = load_prices()
    twin = prices[0].__class__(**{**prices[0].__dict__, "provider": "Elsewhere"})
    monkeypatch.setattr(module, "load_prices", lambda: (*prices, twin))
    assert "a model's label" in check_cheapest_one_to_one.says(prices[0].model)


# --- 2. break-even -----------------------------------------------------------------------------------

@pytest.mark.parametrize("speed", [0.5, 12.0, 52.1])
def test_the_break_even_price_passes(speed):
    cheapest = min(load_prices(), key=lambda p: p.output_usd_per_mtok)
    assert check_break_even.problem(break_even_usd_per_hour(cheapest.output_usd_per_mtok, speed), speed) is None
    assert check_break_even.problem(cheapest.output_usd_per_mtok * speed * 3600 / 1e6, speed) is None


def test_a_wrong_break_even_is_explained():
    speed = 20.0
    cheapest = min(load_prices(), key=lambda p: p.output_usd_per_mtok)
    blended = break_even_usd_per_hour(cheapest.blended, speed)
    assert "blended price" in check_break_even.problem(blended, speed)
    assert "USD per million tokens, not" in check_break_even.problem(0.05, speed)
    assert check_break_even.says("cheap", speed).startswith("Not yet: the answer should be a price in USD")
    assert check_break_even.says(None, speed).startswith("Not yet: the answer should be a price")


# --- 3. the burstable machine at full load ------------------------------------------------------------

def test_the_full_load_price_computed_from_the_columns_passes():
    t3 = next(m for m in load_machines() if "t3.medium" in m.machine)
    by_hand = t3.usd_per_hour + t3.vcpus * (1 - t3.baseline_per_vcpu) * t3.surplus_usd_per_vcpu_hour
    assert by_hand == pytest.approx(t3.full_load_usd_per_hour)
    assert by_hand > 2 * t3.usd_per_hour, "the lesson's point: busy, a burstable machine costs far more"
    assert check_full_load_price.problem(by_hand) is None
    assert check_full_load_price.problem(round(by_hand, 3)) is None


def test_the_list_price_or_another_sum_is_explained():
    t3 = next(m for m in load_machines() if "t3.medium" in m.machine)
    assert "list price" in check_full_load_price.problem(t3.usd_per_hour)
    assert "surplus_usd_per_vcpu_hour" in check_full_load_price.problem(t3.usd_per_hour + 0.05)
    assert check_full_load_price.says([0.1]).startswith("Not yet: the answer should be a price in USD")


def test_fixed_performance_machines_cost_their_list_price_busy():
    for machine in load_machines():
        if machine.baseline_per_vcpu == 1:
            assert machine.full_load_usd_per_hour == machine.usd_per_hour


# --- 4. API or self-hosting (judgement) ----------------------------------------------------------------

def test_the_workloads_cover_the_three_cases():
    kinds = [defensible(w) for w in WORKLOADS]
    assert {"self-host"} in kinds, "one workload whose data must stay in-house"
    assert {"api"} in kinds, "one workload where the API is clearly cheaper"
    assert {"api", "self-host"} in kinds, "one workload where both can be defended"


def test_every_defensible_answer_passes():
    options = [sorted(defensible(w)) for w in WORKLOADS]
    for pick in range(2):
        answer = {w.name: choices[min(pick, len(choices) - 1)] for w, choices in zip(WORKLOADS, options, strict=True)}
        assert check_deployment.problem(answer) is None, answer
    spelled = {w.name: f" {sorted(defensible(w))[0].upper()} " for w in WORKLOADS}
    assert check_deployment.problem(spelled) is None


def test_an_api_for_private_data_is_refused_whatever_it_costs():
    answer = {w.name: sorted(defensible(w))[0] for w in WORKLOADS}
    private = next(w for w in WORKLOADS if not w.data_may_leave)
    assert "no API price" in check_deployment.problem({**answer, private.name: "api"})


def test_self_hosting_a_small_public_workload_is_explained_with_the_numbers():
    answer = {w.name: sorted(defensible(w))[0] for w in WORKLOADS}
    small = next(w for w in WORKLOADS if defensible(w) == {"api"})
    api, machine = daily_costs(small)
    assert api < machine
    problem = check_deployment.problem({**answer, small.name: "self-host"})
    assert f"{api:.2f} USD a day" in problem and f"{machine:.2f} USD a day" in problem


def test_missing_workloads_unknown_choices_and_wrong_kinds():
    assert "missing: clinic-notes, web-archive" in check_deployment.problem({"faq-bot": "api"})
    assert "choose 'api' or 'self-host'" in check_deployment.problem(
        {w.name: "cloud" for w in WORKLOADS})
    assert check_deployment.says("api").startswith("Not yet: the answer should be a dict like")
    assert check_deployment.says(...) != PASSED


def test_the_daily_costs_follow_the_data():
    workload = WORKLOADS[0]
    api_row = min((p for p in load_prices() if p.open_weights), key=lambda p: p.blended)
    api, machine = daily_costs(workload)
    assert api == pytest.approx(workload.tokens_per_day / 1e6 * api_row.blended)
    assert machine == pytest.approx(min(m.full_load_usd_per_hour for m in load_machines()) * 24)
    assert math.isfinite(api) and math.isfinite(machine)
