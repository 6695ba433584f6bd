"""The exercises' checks, one module per notebook (``from open_models.exercises.first_model import …``).

Every check is made with :func:`checking.exercise`: the learner calls ``check_…(answer)`` and reads
"Check passed." or what is still wrong; an unanswered ``...`` gets a reminder, a wrong type a sentence
saying what kind of answer is expected. The expected answers are computed from the course's data and
models, never typed in.
"""
