"""Checks for notebook 06, "What it costs".

Every expected answer is computed here from the course's price list (data/prices.csv), its machines
(data/machines.csv) and the cost functions in open_models.cost, never typed in. The workloads of the
judgement exercise are the exercise's givens; what each one costs comes from the data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..cost import Machine, Price, blended_price, break_even_usd_per_hour, load_machines, load_prices
from ..i18n import N_, _
from .checking import exercise

BURSTABLE = "t3.medium"  # exercise 3: the burstable machine in machines.csv
CHOICES = ("api", "self-host")


@dataclass(frozen=True)
class Workload:
    """An application that needs a model: how many tokens a day, and whether its data may leave the house."""

    name: str
    description: str
    tokens_per_day: int
    data_may_leave: bool


WORKLOADS = (
    Workload("faq-bot", N_("answers questions about a public website"), 2_000_000, True),
    Workload("clinic-notes", N_("summarises patient notes that must stay on the clinic's servers"), 300_000, False),
    Workload("web-archive", N_("labels public web pages in a nightly batch"), 500_000_000, True),
)


def price_row(label: str, prices=None) -> Price:
    """The row of prices.csv with this label ('model (provider)') or, if unique, this model name."""
    prices = load_prices() if prices is None else prices
    text = str(label).strip().lower()
    found = [p for p in prices if text in (p.label.lower(), p.model.lower())]
    if len(found) != 1:
        raise KeyError(label)
    return found[0]


def one_to_one(price: Price) -> float:
    return blended_price(price.input_usd_per_mtok, price.output_usd_per_mtok, input_weight=1, output_weight=1)


def cheapest_open_api() -> Price:
    """The open-weights model with the lowest 3:1 blended price: the API option of the judgement exercise."""
    return min((p for p in load_prices() if p.open_weights), key=lambda p: p.blended)


def cheapest_machine() -> Machine:
    """The machine with the lowest price at full load: no self-hosted setup costs less per day."""
    return min(load_machines(), key=lambda m: m.full_load_usd_per_hour)


def daily_costs(workload: Workload) -> tuple[float, float]:
    """(API USD per day at the cheapest open-weights price, USD per day of the cheapest machine, always on)."""
    api = workload.tokens_per_day / 1e6 * cheapest_open_api().blended
    return api, cheapest_machine().full_load_usd_per_hour * 24


def defensible(workload: Workload) -> set[str]:
    """The choices that can be defended with the numbers and the workload's privacy needs."""
    if not workload.data_may_leave:
        return {"self-host"}
    api, machine = daily_costs(workload)
    return {"api"} if api < machine else {"api", "self-host"}


@exercise(expects=N_("a model's label from the price list, e.g. 'GPT-4o (OpenAI)'"))
def check_cheapest_one_to_one(answer):
    """The cheapest row of prices.csv when input and output tokens are mixed 1:1."""
    prices = load_prices()
    chosen = price_row(answer, prices)
    best = min(prices, key=one_to_one)
    if one_to_one(chosen) > one_to_one(best):
        return _("{model} costs {price:.3f} USD at 1:1; one model costs less. "
                 "Compute (input + output) / 2 for every row.").format(model=chosen.label, price=one_to_one(chosen))
    return None


@exercise(expects=N_("a price in USD per hour, e.g. 0.05"))
def check_break_even(answer, tokens_per_second):
    """The hourly machine price at which self-hosting at tokens_per_second matches the cheapest output price."""
    answer = float(answer)
    cheapest = min(load_prices(), key=lambda p: p.output_usd_per_mtok)
    expected = break_even_usd_per_hour(cheapest.output_usd_per_mtok, tokens_per_second)
    if math.isclose(answer, break_even_usd_per_hour(cheapest.blended, tokens_per_second), rel_tol=0.01):
        return _("that is the break-even for the blended price; the exercise asks about the output price.")
    if not math.isclose(answer, expected, rel_tol=0.01):
        return _("at {hourly:g} USD per hour, self-hosting costs {per_million:.3f} USD per million tokens, not "
                 "{output_price:g} ({model}'s output price).").format(
            hourly=answer, per_million=answer / (tokens_per_second * 3600) * 1e6,
            output_price=cheapest.output_usd_per_mtok, model=cheapest.label)
    return None


@exercise(expects=N_("a price in USD per hour, e.g. 0.05"))
def check_full_load_price(answer):
    """What the burstable t3.medium costs per hour with both vCPUs busy all the time."""
    answer = float(answer)
    machine = next(m for m in load_machines() if BURSTABLE in m.machine)
    if math.isclose(answer, machine.usd_per_hour, rel_tol=0.001):
        return _("that is the list price, which covers only the baseline share of each vCPU; "
                 "add what the use above it costs.")
    if not math.isclose(answer, machine.full_load_usd_per_hour, rel_tol=0.01):
        return _("add to the hourly price: vCPUs x (1 - baseline_per_vcpu) x surplus_usd_per_vcpu_hour "
                 "(here {vcpus} x (1 - {baseline:g}) x {surplus:g}).").format(
            vcpus=machine.vcpus, baseline=machine.baseline_per_vcpu, surplus=machine.surplus_usd_per_vcpu_hour)
    return None


@exercise(expects=N_("a dict like {'faq-bot': 'api', 'clinic-notes': 'self-host', 'web-archive': 'api'}"))
def check_deployment(answer):
    """For each of WORKLOADS, 'api' or 'self-host': every defensible choice passes."""
    choices = {str(name).strip(): str(choice).strip().lower() for name, choice in answer.items()}
    missing = [w.name for w in WORKLOADS if w.name not in choices]
    if missing:
        return _("choose for every workload; missing: {workloads}.").format(workloads=", ".join(missing))
    for workload in WORKLOADS:
        choice = choices[workload.name]
        if choice not in CHOICES:
            return _("{workload}: choose 'api' or 'self-host', not {choice!r}.").format(workload=workload.name, choice=choice)
        if choice in defensible(workload):
            continue
        if not workload.data_may_leave:
            return _("{workload}: its data may not leave the house, so no API price can make 'api' right.").format(
                workload=workload.name)
        api, machine = daily_costs(workload)
        return _("{workload}: the API costs about {api:.2f} USD a day; even the cheapest machine costs "
                 "{machine:.2f} USD a day, and nothing in it needs to stay in-house.").format(
            workload=workload.name, api=api, machine=machine)
    return None
