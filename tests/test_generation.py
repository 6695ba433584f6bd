"""generate(): the same call for every runtime, greedy, with token counts and timings."""

from types import SimpleNamespace

import pytest
import torch

from open_models import generate, get_entry
from open_models.errors import InvalidInput
from open_models.generation import Generation, LoadedModel, as_messages, check_stop, plain_text
from open_models.loading import TransformersModel


class RecordingModel(LoadedModel):
    """A LoadedModel that answers from a script and records what generate() passed it."""

    backend = "recording"

    def __init__(self, answer=("an answer", 7, 3)):
        super().__init__(get_entry("smollm2-135m-instruct"), "a test double", 0.0)
        self.answer = answer
        self.calls = []

    @property
    def has_chat_template(self) -> bool:
        return True

    def complete(self, messages, max_new_tokens, stop):
        self.calls.append((messages, max_new_tokens, stop))
        return self.answer


# --- the interface, with a test double -----------------------------------------------------------------

def test_generate_hands_checked_input_to_complete_and_times_it():
    model = RecordingModel()
    reply = generate(model, "Hi", system="Be brief.", max_new_tokens=5, stop=("\n",))
    assert model.calls == [([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}], 5, ["\n"])]
    assert (reply.text, reply.prompt_tokens, reply.new_tokens) == ("an answer", 7, 3)
    assert reply.model_id == model.label == "smollm2-135m-instruct (recording)" and reply.seconds >= 0
    generate(model, "Hi")
    assert model.calls[-1][1:] == (64, [])  # the defaults: 64 new tokens, no stop strings


def test_the_base_class_is_abstract():
    base = LoadedModel(get_entry("smollm2-135m-instruct"), "nowhere", 0.0)
    with pytest.raises(NotImplementedError):
        _ = base.has_chat_template
    with pytest.raises(NotImplementedError):
        base.complete([{"role": "user", "content": "Hi"}], 4, [])


def test_check_stop():
    assert check_stop(None) == [] and check_stop(("a", "b")) == ["a", "b"]
    for bad in ("\n", [""], [3], 3):
        with pytest.raises(InvalidInput, match="stop must be a list"):
            check_stop(bad)


def test_a_base_model_reads_the_messages_as_paragraphs():
    assert plain_text([{"role": "system", "content": "A"}, {"role": "user", "content": "B"}]) == "A\n\nB"


class FakeTokenizer:
    chat_template = None
    pad_token_id = None
    eos_token_id = 0

    def __init__(self, decoded):
        self.decoded = decoded

    def __call__(self, text, return_tensors=None):
        return {"input_ids": torch.tensor([[5, 6, 7]])}

    def decode(self, ids, skip_special_tokens=False):
        return self.decoded


class FakeModel:
    def generate(self, input_ids, max_new_tokens, **kwargs):
        return torch.cat([input_ids, torch.ones((1, max_new_tokens), dtype=torch.long)], dim=1)


@pytest.mark.parametrize("decoded, text", [(" Paris\ufffd", "Paris"), ("日本\ufffd\ufffd", "日本"), (" Paris ", "Paris")])
def test_a_character_cut_by_the_token_limit_is_dropped(decoded, text):
    loaded = TransformersModel(get_entry("gemma-3-270m"), FakeTokenizer(decoded), FakeModel(), "fake", 0.0)
    assert loaded.complete([{"role": "user", "content": "Hi"}], 4, []) == (text, 3, 4)


# --- the real bundled models ---------------------------------------------------------------------------

def test_a_chinese_answer_cut_mid_character_shows_no_replacement_character(smollm2):
    # SmolLM2 spells 北 with two tokens: one token is half the character, three are 北 plus half of 京.
    cut = [generate(smollm2, "用中文介绍一下北京。", max_new_tokens=n).text for n in (1, 3, 4)]
    assert cut == ["", "北", "北京"]


def test_the_instruct_model_answers_a_factual_question(smollm2):
    reply = generate(smollm2, "What is the capital of France?", max_new_tokens=24)
    assert reply.text == "The capital of France is Paris."
    assert reply.model_id == "smollm2-135m-instruct"
    assert reply.prompt_tokens > 10  # the chat template wraps the question
    assert 0 < reply.new_tokens <= 24
    assert reply.seconds > 0
    assert reply.tokens_per_second == pytest.approx(reply.new_tokens / reply.seconds)


def test_the_prompt_ids_are_what_the_model_reads(smollm2, gemma):
    messages = [{"role": "user", "content": "What is the capital of France?"}]
    chat = smollm2.prompt_ids(messages)["input_ids"]
    assert smollm2.tokenizer.decode(chat[0]).rstrip().endswith("assistant")  # the template opens the answer
    assert generate(smollm2, messages, max_new_tokens=2).prompt_tokens == chat.shape[1]
    plain = gemma.prompt_ids(messages)["input_ids"]
    assert plain[0].tolist() == gemma.tokenizer("What is the capital of France?")["input_ids"]


def test_greedy_decoding_is_repeatable(smollm2):
    first = generate(smollm2, "Name a primary colour.", max_new_tokens=12)
    second = generate(smollm2, "Name a primary colour.", max_new_tokens=12)
    assert first.text == second.text


def test_a_system_prompt_changes_the_answer(smollm2):
    plain = generate(smollm2, "What is the opposite of hot?", max_new_tokens=24)
    short = generate(smollm2, "What is the opposite of hot?", system="Reply with only one word.", max_new_tokens=24)
    assert "cold" in short.text.lower()
    assert short.new_tokens < plain.new_tokens
    assert short.prompt_tokens != plain.prompt_tokens


def test_the_base_model_gets_a_plain_prompt_and_continues_it(gemma):
    reply = generate(gemma, "The three primary colours are", max_new_tokens=8)
    assert reply.prompt_tokens == len(gemma.tokenizer("The three primary colours are")["input_ids"])
    assert reply.text.startswith("red, yellow and blue")


def test_max_new_tokens_bounds_the_answer(smollm2):
    reply = generate(smollm2, "Tell me a long story about a dragon.", max_new_tokens=5)
    assert reply.new_tokens == 5


@pytest.mark.parametrize("prompt", ["", "   \n", [{"role": "system", "content": "Be brief."}]])
def test_empty_prompts_are_refused(smollm2, prompt):
    with pytest.raises(InvalidInput, match="empty"):
        generate(smollm2, prompt)


@pytest.mark.parametrize("limit", [0, -3, 10_000, 2.5, True, "64"])
def test_bad_token_limits_are_refused(smollm2, limit):
    with pytest.raises(InvalidInput, match="max_new_tokens"):
        generate(smollm2, "Hi", max_new_tokens=limit)


def test_wrong_types_get_a_message():
    with pytest.raises(InvalidInput, match="load_model"):
        generate("smollm2-135m-instruct", "Hi")
    with pytest.raises(InvalidInput, match="load_model"):
        generate(SimpleNamespace(complete=lambda *args: ("x", 1, 1)), "Hi")  # only LoadedModels answer
    with pytest.raises(InvalidInput, match="string or a list of messages"):
        as_messages(42)
    with pytest.raises(InvalidInput, match="role"):
        as_messages([{"role": "robot", "content": "Hi"}])
    with pytest.raises(InvalidInput, match="longer than"):
        as_messages("x" * 50_000)
    with pytest.raises(InvalidInput, match="system must be a string"):
        as_messages("Hi", system=["Be kind."])


def test_messages_keep_their_order_and_the_system_comes_first():
    messages = as_messages([{"role": "user", "content": "Hi"}], system="Be kind.")
    assert [m["role"] for m in messages] == ["system", "user"]


def test_stats_line_reports_what_was_measured():
    g = Generation("m", "text", prompt_tokens=10, new_tokens=20, seconds=2.0)
    assert g.tokens_per_second == 10.0
    assert g.stats() == "m: 10 prompt tokens, 20 new tokens in 2.00 s (10.0 tokens/s)"
    assert str(g) == "text"
    assert Generation("m", "", 1, 0, 0.0).tokens_per_second == 0.0


def test_stop_strings_end_the_answer_early(gemma):
    full = generate(gemma, "Q: What is the capital of France?\nA:", max_new_tokens=16)
    cut = generate(gemma, "Q: What is the capital of France?\nA:", max_new_tokens=16, stop=["\n"])
    assert "\n" in full.text and "\n" not in cut.text
    assert full.text.startswith(cut.text)
    assert cut.new_tokens < full.new_tokens


@pytest.mark.parametrize("stop", ["\n", [""], [3]])
def test_bad_stop_strings_are_refused(smollm2, stop):
    with pytest.raises(InvalidInput, match="stop"):
        generate(smollm2, "Hi", stop=stop)
