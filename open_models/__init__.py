"""Helpers for the open-models course. Everything a notebook uses is importable from here in one line.

One module per idea of the lesson:
  catalog       the course's data: the model catalog and one reader for every data file
  weights       bundled GGUF weights (hash-checked) and the course cache of converted copies
  generation    the LoadedModel interface every runtime implements; generate(); next_token_odds()
  loading       load_model(): cache, bundled GGUF or Hub into transformers; the memory guard
  llamacpp      the optional llama.cpp backend
  serving       models behind an OpenAI-compatible server; llama.cpp's server on loopback
  openness      the openness scorecard
  architecture  inside a model: parameters, configs, KV cache, mixture of experts
  evaluate      the same prompts through several models; a scored task set
  cost          API prices and the cost of running a model yourself
  chooser       filter the catalog, a model card, the widget chooser
  hub_search    fine-tunes of a model on the Hugging Face Hub, or the course's dated snapshot
  fine_tuning   make a model yours: a LoRA adapter trained on CPU, saved, reloaded and merged
  charts        save the charts the notebooks draw
  i18n          the language the helper speaks: set_language("zh") for Simplified Chinese
  errors        errors whose message says what to do

The imports below are the package's public names (ruff's unused-import rule is off for this file).
"""

from .architecture import (
    architecture_differences,
    build_on_meta,
    config_metadata,
    config_names,
    count_parameters,
    describe,
    expert_parameters,
    family_profiles,
    fine_tunes,
    kv_cache_bytes,
    load_config,
    parameters_by_component,
    summarize,
    training_flops,
)
from .catalog import (
    ModelEntry,
    benchmark_results,
    data_files,
    get_entry,
    load_catalog,
    model_ids,
    offline_ids,
    read_data,
)
from .charts import save_figure
from .chooser import (
    Chooser,
    card,
    catalog_table,
    filter_models,
    known_languages,
    known_license_types,
    known_tasks,
    relax_hint,
)
from .cost import (
    blended_price,
    break_even_usd_per_hour,
    load_machines,
    load_prices,
    measure_throughput,
    plot_prices,
    plot_quality_vs_price,
    self_host_cost_per_mtok,
)
from .errors import (
    CacheUnavailable,
    CourseError,
    EndpointUnavailable,
    HubUnavailable,
    InvalidInput,
    NotEnoughMemory,
)
from .evaluate import FEW_SHOT, Task, add_task, compare, evaluate, few_shot_prompt, load_tasks, score_answer
from .fine_tuning import (
    TARGET_MODULES,
    answer_reviews,
    folder_megabytes,
    load_adapter,
    load_reviews,
    merge_adapter,
    plot_losses,
    review_examples,
    review_prompt,
    review_scores,
    save_adapter,
    train_lora,
)
from .generation import Generation, LoadedModel, generate, next_token_odds
from .hub_search import FineTunes, find_finetunes
from .i18n import fill, language, set_language, translated, translated_frame
from .llamacpp import LLAMACPP_INSTALL_HINT, llamacpp_available
from .loading import available_bytes, bytes_needed, cached_copy, hub_endpoint, load_model
from .openness import (
    OPENNESS_CRITERIA,
    OPENNESS_POINTS,
    cells_for,
    load_scorecard,
    openness_score,
    openness_scores,
    plot_scorecard,
    scorecard_table,
)
from .serving import SERVER_HINT, LocalServer, connect, engine_facts, server_available
from .weights import bundled_gguf_path, cache_dir, temporary_cache


def _show_course_errors_briefly() -> None:
    """In IPython/Jupyter, show a CourseError as a short message that says what to do, not a traceback.

    The message is wrapped to the width of the page (100 columns), so it reads without scrolling.
    """
    from .i18n import ipython_shell

    shell = ipython_shell()
    if shell is None:
        return

    def handler(shell, etype, value, tb, tb_offset=None):
        print(fill(f"{etype.__name__}: {value}", width=100))

    shell.set_custom_exc((CourseError,), handler)


_show_course_errors_briefly()
