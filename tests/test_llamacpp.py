"""The optional llama.cpp runtime: same ids, same generate() and return values as transformers.

Skipped where llama-cpp-python is not installed, unless OPEN_MODELS_REQUIRE_LLAMACPP=1 (CI sets it:
there the runtime must be installed and these tests must run).
"""

import os

import pytest

from open_models import generate, load_model, llamacpp
from open_models.compare import compare
from open_models.errors import BackendMissing, InvalidInput
from open_models.evaluate import evaluate, load_tasks

needs_llamacpp = pytest.mark.skipif(
    not llamacpp.available() and os.environ.get("OPEN_MODELS_REQUIRE_LLAMACPP") != "1",
    reason="llama-cpp-python is not installed (pip install -r requirements-llamacpp.txt)",
)


@pytest.fixture(scope="module")
def smol_cpp():
    return load_model("smollm2-135m-instruct", backend="llama.cpp")


@needs_llamacpp
def test_ci_has_the_runtime_it_promises():
    assert llamacpp.available(), "OPEN_MODELS_REQUIRE_LLAMACPP=1 but llama_cpp cannot be imported"


@needs_llamacpp
def test_the_same_catalog_id_loads_on_llama_cpp(smol_cpp):
    assert smol_cpp.backend == "llama.cpp" and smol_cpp.label == "smollm2-135m-instruct (llama.cpp)"
    assert smol_cpp.has_chat_template and smol_cpp.load_seconds > 0


@needs_llamacpp
def test_generate_returns_the_same_fields(smol_cpp):
    reply = generate(smol_cpp, "Write a short poem about the sea.", max_new_tokens=12)
    assert reply.model_id == smol_cpp.label
    assert reply.text and reply.new_tokens == 12 and reply.prompt_tokens > 10
    assert reply.tokens_per_second == pytest.approx(reply.new_tokens / reply.seconds)
    again = generate(smol_cpp, "Write a short poem about the sea.", max_new_tokens=12)
    assert again.text == reply.text  # greedy: repeatable


@needs_llamacpp
def test_a_system_prompt_and_stop_strings_work(smol_cpp):
    reply = generate(smol_cpp, "Name two colours.", system="Answer on two lines.", max_new_tokens=24, stop=["\n"])
    assert "\n" not in reply.text


@needs_llamacpp
def test_the_base_model_gets_plain_text():
    gemma_cpp = load_model("gemma-3-270m", backend="llama.cpp")
    assert not gemma_cpp.has_chat_template
    reply = generate(gemma_cpp, "The three primary colours are", max_new_tokens=8)
    assert reply.new_tokens == 8 and reply.prompt_tokens < 10


@needs_llamacpp
def test_compare_and_evaluate_accept_llama_cpp_models(smollm2, smol_cpp):
    rows = compare([smollm2, smol_cpp], ["What is the capital of France?"], max_new_tokens=12)
    assert [row["model"] for row in rows] == ["smollm2-135m-instruct", "smollm2-135m-instruct (llama.cpp)"]
    assert all(row["text"] and not row["skipped"] for row in rows)
    result = evaluate([smol_cpp], load_tasks()[:3], max_new_tokens=10)
    assert len(result.items) == 3 and result.models == [smol_cpp.label]


def test_hub_models_are_refused_with_a_reason():
    with pytest.raises(InvalidInput, match="bundled GGUF"):
        load_model("qwen2.5-0.5b-instruct", backend="llama.cpp")


def test_unknown_backends_are_refused():
    with pytest.raises(InvalidInput, match="backend must be one of"):
        load_model("smollm2-135m-instruct", backend="vllm")


def test_a_missing_runtime_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(llamacpp, "available", lambda: False)
    with pytest.raises(BackendMissing, match="requirements-llamacpp.txt"):
        load_model("smollm2-135m-instruct", backend="llama.cpp")
    fallback = load_model("smollm2-135m-instruct", backend="fastest")  # falls back to transformers
    assert fallback.backend == "transformers"
