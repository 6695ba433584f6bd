"""With the Hub unreachable, Hub-only models fail fast with a message; bundled ones still run."""

import socket
import time

import pytest

from open_models import get_entry, hub
from open_models.errors import HubUnavailable


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the socket is closed


@pytest.fixture
def unreachable_hub(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(hub, "hub_endpoint", lambda: f"http://127.0.0.1:{closed_port()}")


def test_an_unreachable_hub_fails_fast_with_a_message(unreachable_hub):
    start = time.perf_counter()
    with pytest.raises(HubUnavailable) as caught:
        hub.require_hub(get_entry("qwen2.5-0.5b-instruct"), allow_hub=True)
    assert time.perf_counter() - start < hub.PROBE_TIMEOUT_S + 1
    message = str(caught.value)
    assert "cannot be reached" in message and "smollm2-135m-instruct" in message


def test_a_silent_hub_fails_within_the_timeout(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        monkeypatch.setattr(hub, "hub_endpoint", lambda: f"http://127.0.0.1:{silent.getsockname()[1]}")
        start = time.perf_counter()
        with pytest.raises(HubUnavailable, match="cannot be reached"):
            hub.require_hub(get_entry("tinyllama-1.1b-chat"), allow_hub=True, timeout=1.0)
        assert time.perf_counter() - start < 3


@pytest.mark.parametrize("value, offline", [("1", True), ("true", True), ("0", False), ("", False)])
def test_offline_flag_is_read_at_call_time(monkeypatch, value, offline):
    monkeypatch.setenv("HF_HUB_OFFLINE", value)
    assert hub.hub_is_offline() is offline


def test_load_model_of_a_hub_only_model_fails_fast_when_the_hub_is_unreachable(unreachable_hub):
    from open_models import load_model

    start = time.perf_counter()
    with pytest.raises(HubUnavailable, match="cannot be reached"):
        load_model("qwen2.5-0.5b-instruct")
    assert time.perf_counter() - start < hub.PROBE_TIMEOUT_S + 1
