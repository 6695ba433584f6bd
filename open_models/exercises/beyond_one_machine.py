"""Checks for notebook 08, Beyond one machine: a chat request, a bounded wait, and the engines of serving.csv.

None of them needs llama.cpp or a running server: the expected answers come from the request the learner
built, from ``serving.CONNECT_TIMEOUT_S`` and from data/serving.csv.
"""

from __future__ import annotations

import numbers

from ..catalog import read_data
from ..i18n import N_, _
from ..serving import CONNECT_TIMEOUT_S
from .checking import exercise

LOAD_ALLOWANCE_S = 10.0  # the first connect also loads the openai client: seconds on a slow, busy machine
RETIRED = "maintenance_mode"  # the fact serving.csv gives an engine that is no longer developed
KINDS = ("made_for_many_users", "made_for_one_machine", "hosted")  # what each engine is made for
KIND_NAMES = {  # each kind as a check says it
    "made_for_many_users": N_("made for many users"),
    "made_for_one_machine": N_("made for one machine"),
    # Translators: an engine a provider runs for you, reached over the internet
    "hosted": N_("hosted"),
}
SITUATIONS = {  # a situation an exercise describes -> the kind of engine that fits it
    "many_users": ("made_for_many_users", N_("hundreds of people at once on the company's own GPU server")),
    "laptop": ("made_for_one_machine", N_("one person on a laptop with no network")),
}


def engines_by_fact() -> dict[str, dict[str, str]]:
    """Every engine in serving.csv -> its facts (fact -> detail), in the file's order."""
    engines: dict[str, dict[str, str]] = {}
    for row in read_data("serving.csv").itertuples():
        engines.setdefault(row.engine, {})[row.fact] = row.detail
    return engines


def engines_for(situation: str) -> list[str]:
    """The engines serving.csv says fit a situation of ``SITUATIONS`` and are still developed."""
    kind = SITUATIONS[situation][0]
    return [engine for engine, facts in engines_by_fact().items() if kind in facts and RETIRED not in facts]


def _names(engine: str) -> set[str]:
    """The ways a learner may write an engine's name: whole, before the brackets, inside them."""
    whole = engine.lower()
    short, _, inside = whole.partition(" (")
    return {whole, short, inside.rstrip(")")} - {""}


def find_engine(answer: str) -> tuple[str | None, str | None]:
    """(the engine ``answer`` names, None) or (None, what is wrong with the name)."""
    wanted = " ".join(answer.lower().split())  # AttributeError for a non-string: the check says what to give
    engines = list(engines_by_fact())
    found = [e for e in engines if wanted in _names(e) or e.lower().startswith(wanted + " ")]
    if not found:
        return None, _("{answer!r} is not an engine in serving.csv; pick one of: {engines}").format(
            answer=answer, engines=", ".join(engines))
    if len(found) > 1:
        # Translators: what separates two or more names in a list of alternatives ("vLLM or SGLang").
        either = _(" or ").join(found)
        # Translators: {engines} are two or more engine names joined by the " or " message.
        return None, _("{answer!r} could be {engines}: write the whole name").format(answer=answer, engines=either)
    return found[0], None


def _choice_problem(answer: str, situation: str) -> str | None:
    engine, problem = find_engine(answer)
    if problem:
        return problem
    facts = engines_by_fact()[engine]
    kind, described = SITUATIONS[situation]
    fitting = ", ".join(engines_for(situation))
    if RETIRED in facts:
        # Translators: {detail} is a sentence from serving.csv saying since when the engine is in maintenance mode.
        return _("{engine}: {detail} Engines that fit and are still developed: {fitting}.").format(
            engine=engine, detail=facts[RETIRED], fitting=fitting)
    if kind in facts:
        return None
    own = next(k for k in KINDS if k in facts)
    # Translators: {situation} is e.g. "one person on a laptop with no network"; {kind} is e.g. "made for many
    # users"; {detail} is a sentence from serving.csv.
    return _("{engine} does not fit {situation}: serving.csv says {kind}: {detail} Engines that fit: {fitting}.").format(
        engine=engine, situation=_(described), kind=_(KIND_NAMES[own]), detail=facts[own], fitting=fitting)


@exercise(expects=N_("a request: a dict like `request`, with a 'messages' list"))
def check_system_message(answer, request):
    """The request with a system message placed before the user's, ``request`` itself unchanged."""
    if answer is request or len(request["messages"]) != 1:
        return _("`request` itself was changed: run its cell again, then build a new dict, "
                 "e.g. {**request, \"messages\": [...]}")
    messages = answer["messages"]
    roles = [message["role"] for message in messages]
    if roles != ["system", "user"]:
        return _("the roles should be system, then user; they are: {roles}").format(
            # Translators: "none" here: the request has no messages, so no roles.
            roles=", ".join(map(str, roles)) or _("none"))
    if not str(messages[0]["content"]).strip():
        return _("the system message is empty: put the instruction (\"Answer in one word.\") in its content")
    if messages[1] != request["messages"][0]:
        return _("the user's message should be the one in `request`, unchanged")
    if {k: v for k, v in answer.items() if k != "messages"} != {k: v for k, v in request.items() if k != "messages"}:
        return _("keep the model and the settings of `request` (model, max_tokens, temperature) as they are")
    return None


@exercise(expects=N_("a number of seconds, such as 0.2"))
def check_bounded_wait(answer):
    """How long ``connect`` took to report that nothing listens: within its time limit (plus, the first time,
    a few seconds to load the openai client)."""
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise TypeError(answer)
    if answer < 0:
        return _("a wait cannot be negative: subtract the time before the call from the time after it")
    if answer > CONNECT_TIMEOUT_S + LOAD_ALLOWANCE_S:
        return _("{waited:g} s is longer than connect's time limit ({limit:g} s), even allowing "
                 "{allowance:g} s to load the client: time only the connect call, from just before it "
                 "to just after the error").format(waited=answer, limit=CONNECT_TIMEOUT_S, allowance=LOAD_ALLOWANCE_S)
    return None


@exercise(expects=N_("a list of engine names from serving.csv"))
def check_tensor_parallel_engines(answer):
    """The engines with a ``tensor_parallelism`` row in serving.csv, in any order."""
    if isinstance(answer, str):
        raise TypeError(answer)
    expected = {engine for engine, facts in engines_by_fact().items() if "tensor_parallelism" in facts}
    given = set()
    for name in answer:
        engine, problem = find_engine(name)
        if problem:
            return problem
        given.add(engine)
    if given - expected:
        return _("serving.csv has no tensor_parallelism row for {engines}").format(
            engines=", ".join(sorted(given - expected)))
    if expected - given:
        return _("{count} more engine(s) have a tensor_parallelism row: "
                 "look at every row whose fact is tensor_parallelism").format(count=len(expected - given))
    return None


@exercise(expects=N_("the name of one engine from serving.csv, such as 'vLLM'"))
def check_engine_for_many_users(answer):
    """An engine made for many users at once on GPUs that is still developed."""
    return _choice_problem(answer, "many_users")


@exercise(expects=N_("the name of one engine from serving.csv, such as 'vLLM'"))
def check_engine_for_laptop(answer):
    """An engine made for one machine: one person, a laptop, no network."""
    return _choice_problem(answer, "laptop")
