"""Fixtures: the two bundled models, loaded once per test session from the real packages."""

import pytest

from open_models import load_model


@pytest.fixture(scope="session")
def smollm2():
    return load_model("smollm2-135m-instruct")


@pytest.fixture(scope="session")
def gemma():
    return load_model("gemma-3-270m")
