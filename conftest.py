"""pytest settings shared by the unit tests and the notebooks (nbval).

- HF_HUB_OFFLINE=1 unless the caller chose otherwise: the suite runs on the bundled models and
  never reaches the network. It is set here, before any kernel starts, because huggingface_hub
  reads it at import time.
- nbval does not compare stderr. Progress notes ("First use of ...: converting ...") go to stderr
  and depend on whether the model cache was warm; results go to stdout and are compared.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def pytest_collectstart(collector):
    if getattr(collector, "fspath", None) is not None and collector.fspath.ext == ".ipynb":
        collector.skip_compare = tuple(collector.skip_compare) + ("stderr",)
