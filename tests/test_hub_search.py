"""Fine-tunes of a model: live from the Hub (a local stand-in here), else the dated snapshot, quickly and with a message."""

import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import huggingface_hub.constants
import pytest

from open_models import hub_search, read_data
from open_models.errors import HubUnavailable, InvalidInput
from open_models.hub_search import COLUMNS, find_finetunes, read_snapshot

BASE = "HuggingFaceTB/SmolLM2-135M-Instruct"


def test_offline_reads_the_snapshot_and_says_so(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    found = find_finetunes(BASE)
    assert not found.live and found.base == BASE
    assert found.note.startswith("Downloads are off here (HF_HUB_OFFLINE=1).")
    assert "snapshot" in found.note and "2026-12-02" in found.note and "no download counts" in found.note
    assert all(len(line) <= 100 for line in found.note.splitlines())
    snapshot = read_data("hub_finetunes.csv")
    assert list(found.table.index) == list(snapshot["model"][snapshot["base_model"] == BASE])
    assert list(found.table.columns) == COLUMNS and found.table["downloads"].isna().all()
    assert find_finetunes(BASE, limit=1).table.shape[0] == 1


def test_allow_hub_false_reads_the_snapshot_even_online(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setattr(hub_search, "hub_answers", lambda: pytest.fail("the Hub must not be asked"))
    assert find_finetunes(BASE, allow_hub=False).note.startswith("allow_hub is False.")


def test_a_base_the_snapshot_lacks_gets_a_message_offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(HubUnavailable, match="snapshot only covers HuggingFaceTB/SmolLM2-135M-Instruct"):
        find_finetunes("Qwen/Qwen2.5-0.5B-Instruct")


@pytest.mark.parametrize("base, limit", [("smollm2", 5), (None, 5), (BASE, 0), (BASE, "5"), (BASE, True)])
def test_bad_arguments_get_a_message(base, limit):
    with pytest.raises(InvalidInput):
        find_finetunes(base, limit)


def test_an_unreachable_hub_falls_back_to_the_snapshot_quickly():
    """As a learner would meet it: HF_ENDPOINT points nowhere, downloads are on."""
    env = {**os.environ, "HF_ENDPOINT": "http://127.0.0.1:9", "HF_HUB_OFFLINE": "0"}
    code = ("from open_models.hub_search import find_finetunes; import time; t = time.monotonic(); "
            f"found = find_finetunes({BASE!r}); print(found.live, round(time.monotonic() - t, 1)); print(found.note)")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    first, *note = done.stdout.splitlines()
    live, seconds = first.split()
    assert live == "False" and float(seconds) < 10
    assert note[0].startswith("The Hub (http://127.0.0.1:9) cannot be reached")
    assert "snapshot" in note[1]


class FakeHub(BaseHTTPRequestHandler):
    """Answers /api/models like the Hub does, and records the query it was asked."""

    asked: list = []

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        url = urlparse(self.path)
        FakeHub.asked.append((url.path, parse_qs(url.query)))
        body = json.dumps([
            {"id": "someone/smol-story", "_id": "1", "downloads": 1200, "likes": 3, "library_name": "transformers",
             "tags": ["transformers", "license:apache-2.0", f"base_model:finetune:{BASE}"],
             "pipeline_tag": "text-generation", "createdAt": "2026-01-01T00:00:00.000Z"},
            {"id": "else/smol-gguf", "_id": "2", "downloads": 40, "likes": 0, "tags": ["gguf"],
             "createdAt": "2026-02-01T00:00:00.000Z"},
        ]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_hub(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    # huggingface_hub reads HF_HUB_OFFLINE once, at import: earlier tests imported it with the suite's "1"
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(hub_search, "hub_endpoint", lambda: endpoint)
    FakeHub.asked = []
    yield endpoint
    server.shutdown()
    server.server_close()


def test_online_asks_the_hub_for_fine_tunes_by_downloads(fake_hub):
    start = time.monotonic()
    found = find_finetunes(BASE, limit=5)
    assert time.monotonic() - start < 10
    assert found.live and found.note.startswith(f"Live from the Hub ({fake_hub})"), found.note
    searches = [query for path, query in FakeHub.asked if query.get("filter")]
    assert searches and searches[0]["filter"] == [f"base_model:finetune:{BASE}"]
    assert searches[0]["sort"] == ["downloads"] and searches[0]["limit"] == ["5"]
    assert list(found.table.index) == ["someone/smol-story", "else/smol-gguf"]
    story = found.table.loc["someone/smol-story"]
    assert (story["library"], story["license"], story["downloads"]) == ("transformers", "apache-2.0", 1200)
    assert found.table.loc["else/smol-gguf", "license"] == ""


def test_the_snapshot_and_the_live_table_have_the_same_columns(fake_hub):
    assert list(find_finetunes(BASE).table.columns) == list(read_snapshot(BASE).table.columns) == COLUMNS
