"""Checks for notebook 03, "Why use open models".

Every expected answer is computed from the loaded models (their parameters, their greedy answers, their
next-token odds), never typed in. The settings judgement follows the rule the notebook's sampling demo
shows: greedy gives one answer; sampling varies, and falls apart when the temperature is too high.
"""

from __future__ import annotations

from ..architecture import parameters_by_component
from ..generation import generate, next_token_odds
from ..i18n import N_, _
from .checking import exercise

# Exercise 2: the question whose answer must contain the word.
CAPITAL_QUESTION = "What is the capital of Japan?"
CAPITAL = "Tokyo"

# Exercise 3: the temperature the learner computes the favourite's probability at, and the others
# the notebook showed (a learner who passes one of those is told so).
HOT = 3.0
SHOWN_TEMPERATURES = (0.5, 1.0, 2.0)

# Exercise 4: the briefs, the settings a learner may use, and what the sampling demo showed:
# from about 1.5 the words fall apart; below about 0.5 the favourite wins nearly every draw.
BRIEFS = ("classroom demo", "story ideas")
SETTINGS = ("do_sample", "temperature", "top_p")
READABLE_TEMPERATURES = (0.5, 1.2)
LOWEST_TOP_P = 0.5


@exercise(expects=N_("a number between 0 and 1, e.g. 0.25"))
def check_embedding_share(answer, loaded):
    """The share of a model's parameters in its embedding table."""
    counts = parameters_by_component(loaded)
    right = counts["embeddings"] / sum(counts.values())
    answer = float(answer)
    if answer > 1:
        return _("give a fraction between 0 and 1, not a percentage or a count.")
    if abs(answer - right) > 0.005:
        return _("divide the embeddings' count by the sum of all the counts parameters_by_component gives.")
    return None


@exercise(expects=N_("a whole number of tokens, e.g. 10"))
def check_shortest_limit(answer, loaded):
    """The smallest max_new_tokens whose greedy answer to CAPITAL_QUESTION contains CAPITAL."""
    if isinstance(answer, bool) or not isinstance(answer, int):
        raise TypeError("not a whole number")
    if answer < 1:
        return _("max_new_tokens counts new tokens: it starts at 1.")
    if CAPITAL not in generate(loaded, CAPITAL_QUESTION, max_new_tokens=answer).text:
        return _("with {limit} new tokens the answer does not reach {capital!r} yet: try more.").format(
            limit=answer, capital=CAPITAL)
    if answer > 1 and CAPITAL in generate(loaded, CAPITAL_QUESTION, max_new_tokens=answer - 1).text:
        return _("{limit} new tokens already contain {capital!r}: try fewer.").format(limit=answer - 1, capital=CAPITAL)
    return None


def favourite_probability(loaded, text: str, temperature: float) -> float:
    return float(next_token_odds(loaded, text, temperature=temperature, top=1)["probability"].iloc[0])


@exercise(expects=N_("a probability, a number between 0 and 1, e.g. 0.25"))
def check_hot_favourite(answer, loaded, text):
    """The probability of the most likely next token after ``text`` at temperature HOT."""
    answer = float(answer)
    right = favourite_probability(loaded, text, HOT)
    if abs(answer - right) <= max(1e-4, 0.01 * right):
        return None
    for temperature in SHOWN_TEMPERATURES:
        if abs(answer - favourite_probability(loaded, text, temperature)) <= 1e-4:
            return _("that is the favourite's probability at temperature {temperature}; "
                     "ask for temperature={hot}.").format(temperature=temperature, hot=HOT)
    if answer >= favourite_probability(loaded, text, SHOWN_TEMPERATURES[-1]):
        return _("a hotter temperature evens out the odds, so the favourite loses probability: "
                 "read the first row of next_token_odds(smol, start, temperature={hot}).").format(hot=HOT)
    return _("read the first row of next_token_odds(smol, start, temperature={hot}).").format(hot=HOT)


def settings_problem(brief: str, settings: dict) -> str | None:
    """What is wrong with one brief's generate() settings, or None when they are defensible."""
    if not isinstance(settings, dict):
        raise TypeError("not a dict")
    unknown = [name for name in settings if name not in SETTINGS]
    if unknown:
        return _("{setting!r} is not one of the settings to choose from: {settings}.").format(
            setting=unknown[0], settings=", ".join(SETTINGS))
    sampling = settings.get("do_sample", False)
    if not isinstance(sampling, bool):
        return _("do_sample is True or False; the {brief} has {sampling!r}.").format(brief=brief, sampling=sampling)
    if brief == "classroom demo":
        if sampling:
            return _("the classroom demo samples: each seed draws another answer (no seed, a new one each run), "
                     "so learners would not all see the handout's; greedy decoding (do_sample=False) gives one.")
        return None
    if not sampling:
        return _("for story ideas, greedy decoding gives the same idea at every run: sample (do_sample=True).")
    temperature = float(settings.get("temperature", 1.0))
    low, high = READABLE_TEMPERATURES
    if temperature > high:
        return _("at temperature {temperature:g} the odds are so even that words fall apart "
                 "(see temperature 1.5 in the sampling demo); stay near 1.").format(temperature=temperature)
    if temperature < low:
        return _("at temperature {temperature:g} the favourite wins nearly every draw: ideas would repeat.").format(
            temperature=temperature)
    top_p = float(settings.get("top_p", 1.0))
    if not 0 < top_p <= 1:
        return _("top_p is a share of the probability, above 0 and at most 1; the story ideas have {top_p:g}.").format(
            top_p=top_p)
    if top_p < LOWEST_TOP_P:
        return _("top_p={top_p:g} keeps only the very likeliest tokens: little variety left for story ideas.").format(
            top_p=top_p)
    return None


@exercise(expects=N_("a dict like {'classroom demo': {'do_sample': False}, 'story ideas': {...}}"))
def check_settings_for_briefs(answer):
    """generate() settings for each brief in BRIEFS: greedy for the demo, readable sampling for stories."""
    if not isinstance(answer, dict):
        raise TypeError("not a dict")
    missing = [brief for brief in BRIEFS if brief not in answer]
    if missing:
        return _("give settings for each brief: {briefs} (missing {brief!r}).").format(
            briefs=", ".join(repr(b) for b in BRIEFS), brief=missing[0])
    for brief in BRIEFS:
        problem = settings_problem(brief, answer[brief])
        if problem:
            return problem
    return None
