"""How every exercise check behaves: a learner's answer in, one clear line out, the kernel untouched.

A check is written as a function that returns what is wrong with an answer (a sentence) or None when it
is right; :func:`exercise` turns it into the ``check_…`` a learner calls::

    @exercise(expects=N_("a number of tokens per second"))
    def check_speed(answer, reply):
        if abs(answer - reply.tokens_per_second) > 0.01:
            return _("divide the new tokens by the seconds")

The function itself stays reachable as ``check_speed.problem`` (tests call it and read the sentence), and
``check_speed.says(answer, reply)`` returns the line the check would print.

Everything a check says is in the course language: ``expects`` is given at import, so it is marked with
``N_`` and translated here when shown; the reasons a check returns are made with ``_`` when it runs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from ..errors import CourseError
from ..i18n import N_, _, fit_lines

# In English, as the tests compare them; a check prints them with _() (in the course language).
PASSED = N_("Check passed.")
YOUR_TURN = N_("Your turn: replace ... with your answer, then run the cell again.")


def exercise(expects: str) -> Callable[[Callable[..., str | None]], Callable[..., None]]:
    """Make a learner-facing check from a function that returns a problem (a sentence) or None.

    ``expects`` describes a right kind of answer (``N_("a list of model ids")``); it is shown, translated,
    when the answer is of the wrong kind (the function raised TypeError, ValueError, AttributeError,
    KeyError or IndexError).
    """

    def wrap(find_problem: Callable[..., str | None]) -> Callable[..., None]:
        @functools.wraps(find_problem)
        def check(answer=..., *args, **kwargs) -> None:
            print(fit_lines(verdict(find_problem, expects, answer, *args, **kwargs)))  # fits the page

        check.problem = find_problem
        check.expects = expects
        check.says = functools.partial(verdict, find_problem, expects)  # the line, returned instead of printed
        return check

    return wrap


def verdict(find_problem: Callable[..., str | None], expects: str, answer, *args, **kwargs) -> str:
    """The line a check prints: passed, your turn, or what is still wrong."""
    if answer is ...:
        return _(YOUR_TURN)
    try:
        problem = find_problem(answer, *args, **kwargs)
    except CourseError as error:
        problem = str(error)
    except (TypeError, ValueError, AttributeError, KeyError, IndexError):
        shown = repr(answer)
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        problem = _("the answer should be {kind}; got {shown} (type {type_name})").format(
            kind=_(expects) if expects else expects, shown=shown, type_name=type(answer).__name__)
    return _(PASSED) if problem is None else _("Not yet: {problem}").format(problem=problem)
