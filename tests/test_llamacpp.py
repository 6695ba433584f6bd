"""The optional llama.cpp runtime: same ids, same generate() and return values as transformers.

The tests on the real runtime are skipped where llama-cpp-python is not installed, unless
OPEN_MODELS_REQUIRE_LLAMACPP=1 (CI sets it: there the runtime must be installed and these tests must run).
The others drive ``LlamaCppModel`` with a stand-in for ``llama_cpp.Llama`` and run everywhere.
"""

import os

import pytest

from open_models import LLAMACPP_INSTALL_HINT, generate, get_entry, llamacpp, llamacpp_available, load_model
from open_models.errors import BackendMissing, InvalidInput
from open_models.evaluate import compare, evaluate, load_tasks
from open_models.llamacpp import LlamaCppModel

needs_llamacpp = pytest.mark.skipif(
    not llamacpp_available() and os.environ.get("OPEN_MODELS_REQUIRE_LLAMACPP") != "1",
    reason="llama-cpp-python is not installed (pip install -r requirements-llamacpp.txt)",
)


@pytest.fixture(scope="module")
def smol_cpp():
    return load_model("smollm2-135m-instruct", backend="llama.cpp")


# --- the class, with a stand-in for llama_cpp.Llama ---------------------------------------------------

class FakeLlama:
    """Answers like llama_cpp.Llama (an OpenAI-style dict with usage) and records each call."""

    def __init__(self, chat: bool, text: str = " Paris. "):
        self.metadata = {"tokenizer.chat_template": "{{ messages }}"} if chat else {}
        self.text = text
        self.calls = []

    def create_chat_completion(self, messages, **options):
        self.calls.append(("chat", messages, options))
        return {"choices": [{"message": {"content": self.text}}], "usage": {"prompt_tokens": 9, "completion_tokens": 4}}

    def create_completion(self, prompt, **options):
        self.calls.append(("text", prompt, options))
        return {"choices": [{"text": self.text}], "usage": {"prompt_tokens": 5, "completion_tokens": 4}}


def test_a_chat_model_gets_the_messages_greedily():
    llama = FakeLlama(chat=True)
    model = LlamaCppModel(get_entry("smollm2-135m-instruct"), llama, 0.5)
    assert model.backend == "llama.cpp" and model.label == "smollm2-135m-instruct (llama.cpp)"
    assert model.has_chat_template and model.llama is llama
    reply = generate(model, "Capital of France?", system="Be brief.", max_new_tokens=4, stop=["\n"])
    assert (reply.text, reply.prompt_tokens, reply.new_tokens) == ("Paris.", 9, 4)
    kind, messages, options = llama.calls[0]
    assert kind == "chat" and [m["role"] for m in messages] == ["system", "user"]
    assert options == {"max_tokens": 4, "temperature": 0.0, "stop": ["\n"]}


def test_a_base_model_gets_plain_text():
    llama = FakeLlama(chat=False)
    model = LlamaCppModel(get_entry("gemma-3-270m"), llama, 0.5)
    assert not model.has_chat_template
    reply = generate(model, "The three primary colours are", max_new_tokens=4)
    assert llama.calls == [("text", "The three primary colours are", {"max_tokens": 4, "temperature": 0.0, "stop": []})]
    assert (reply.text, reply.prompt_tokens) == ("Paris.", 5)


def test_a_character_cut_by_the_token_limit_is_dropped():
    model = LlamaCppModel(get_entry("smollm2-135m-instruct"), FakeLlama(chat=True, text="日本\ufffd"), 0.5)
    assert generate(model, "Hi").text == "日本"


# --- loading ---------------------------------------------------------------------------------------------

def test_hub_models_are_refused_with_a_reason():
    with pytest.raises(InvalidInput, match="bundled GGUF"):
        load_model("qwen2.5-0.5b-instruct", backend="llama.cpp")


def test_unknown_backends_are_refused():
    with pytest.raises(InvalidInput, match="backend must be one of"):
        load_model("smollm2-135m-instruct", backend="vllm")


def test_a_missing_runtime_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(llamacpp, "llamacpp_available", lambda: False)
    with pytest.raises(BackendMissing, match="requirements-llamacpp.txt") as caught:
        load_model("smollm2-135m-instruct", backend="llama.cpp")
    assert str(caught.value) == LLAMACPP_INSTALL_HINT


def test_threads_uses_the_cores_this_process_may_run_on():
    assert 1 <= llamacpp.threads() <= (os.cpu_count() or 1)


# --- the real runtime --------------------------------------------------------------------------------------

@needs_llamacpp
def test_ci_has_the_runtime_it_promises():
    assert llamacpp_available(), "OPEN_MODELS_REQUIRE_LLAMACPP=1 but llama_cpp cannot be imported"


@needs_llamacpp
def test_the_same_catalog_id_loads_on_llama_cpp(smol_cpp):
    assert isinstance(smol_cpp, LlamaCppModel) and type(smol_cpp.llama).__name__ == "Llama"
    assert smol_cpp.backend == "llama.cpp" and smol_cpp.label == "smollm2-135m-instruct (llama.cpp)"
    assert smol_cpp.source == llamacpp.SOURCE_LLAMACPP
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
def test_the_base_model_gets_plain_text_on_the_real_runtime():
    gemma_cpp = load_model("gemma-3-270m", backend="llama.cpp")
    assert not gemma_cpp.has_chat_template
    reply = generate(gemma_cpp, "The three primary colours are", max_new_tokens=8)
    assert reply.new_tokens == 8 and reply.prompt_tokens < 10


@needs_llamacpp
def test_compare_and_evaluate_accept_llama_cpp_models(smollm2, smol_cpp):
    table = compare([smollm2, smol_cpp], ["What is the capital of France?"], max_new_tokens=12)
    assert list(table["model"]) == ["smollm2-135m-instruct", "smollm2-135m-instruct (llama.cpp)"]
    assert (table["answer"] != "").all() and (table["skipped"] == "").all()
    result = evaluate([smol_cpp], load_tasks()[:3], max_new_tokens=10)
    assert len(result.items) == 3 and result.models == [smol_cpp.label]
