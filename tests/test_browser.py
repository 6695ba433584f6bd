"""The chooser as a learner meets it: notebook 07 in JupyterLab, in a real browser (Chromium).

JupyterLab runs on 127.0.0.1 with a token, on copies of the notebooks, and is stopped by its PID.
Playwright drives Debian's Chromium (browser downloads are not possible here). Skips with a reason
when Chromium or playwright is missing, unless OPEN_MODELS_REQUIRE_BROWSER=1 (CI) makes that a failure.

OPEN_MODELS_SAVE_SCREENSHOTS=1 writes the chooser's screenshots to images/ (used in the READMEs).
"""

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from open_models import i18n
from open_models.chooser import EMPTY_PROMPT
from open_models.serving import free_port

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = {"en": ROOT / "notebooks" / "07-choose-a-model.ipynb",
             "zh": ROOT / "translations" / "zh" / "notebooks" / "07-choose-a-model.ipynb"}
PROMPTS = {"en": "What is the capital of France?", "zh": "法国的首都是哪里？"}
SMOLLM2 = "SmolLM2-135M-Instruct (0.135B)"
QWEN = "Qwen2.5-0.5B-Instruct (0.49B)"
RUN_ALL_TIMEOUT_S = 300


def said(lang: str):
    """The chooser's words in ``lang``, from the package's catalog (the zh notebook calls set_language("zh"))."""
    return i18n.catalog(lang).gettext


def before(template: str, field: str, **values) -> str:
    """The start of a message up to one of its placeholders, the others filled in."""
    return template.split("{" + field)[0].format(**values)


def chromium_path() -> str | None:
    for name in ("chromium", "google-chrome", "chromium-browser"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def browser_or_skip():
    required = os.environ.get("OPEN_MODELS_REQUIRE_BROWSER") == "1"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    reason = ("playwright is not installed (pip install -r requirements-browser.txt)" if sync_playwright is None
              else "Chromium is not installed (apt-get install chromium)" if chromium_path() is None else None)
    if reason and required:
        pytest.fail(f"OPEN_MODELS_REQUIRE_BROWSER=1 but {reason}")
    if reason:
        pytest.skip(reason)
    return sync_playwright


def get_json(url: str, timeout: float = 2.0):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving copies of notebook 07 (en/, zh/); stopped by its PID."""
    browser_or_skip()
    root = tmp_path_factory.mktemp("lab")
    for lang, notebook in NOTEBOOKS.items():
        (root / lang).mkdir()
        content = json.loads(notebook.read_text(encoding="utf-8"))
        for cell in content["cells"]:  # saved counts would look like cells that have run
            if cell["cell_type"] == "code":
                cell["execution_count"] = None
        (root / lang / notebook.name).write_text(json.dumps(content), encoding="utf-8")
    config, settings = root / ".config", root / ".settings"
    (config / "labconfig").mkdir(parents=True)
    # The "news" notification can cover outputs in screenshots.
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
    # Every cell in the page, so that the widget is there to find without scrolling first.
    (settings / "@jupyterlab" / "notebook-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        json.dumps({"windowingMode": "none"}))
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config), "JUPYTERLAB_SETTINGS_DIR": str(settings),
           "JUPYTERLAB_WORKSPACES_DIR": str(root / ".workspaces"), "JUPYTER_RUNTIME_DIR": str(root / ".runtime"),
           "HF_HUB_OFFLINE": "1"}
    as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []  # containers, CI
    log = (root / "lab.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--ServerApp.open_browser=False",
         *as_root],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get_json(f"{base}/api/status?token={token}")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start: {(root / 'lab.log').read_text()[-2000:]}") from None
                time.sleep(0.5)
        yield {"base": base, "token": token}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser(lab):
    sync_playwright = browser_or_skip()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        yield chromium
        chromium.close()


def wait_for_kernel(page, lab, path: str, timeout_s: float = 60) -> None:
    """Until the notebook's kernel is idle; answers the kernel dialog a fresh workspace may show."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        sessions = get_json(f"{lab['base']}/api/sessions?token={lab['token']}")
        if any(s["path"] == path and s["kernel"]["execution_state"] == "idle" for s in sessions):
            return
        dialog = page.locator(".jp-Dialog")
        if dialog.count() and "Select Kernel" in dialog.inner_text():
            dialog.get_by_role("button", name="Select", exact=True).click()
        time.sleep(0.5)
    raise AssertionError(f"the kernel for {path} did not start in {timeout_s} s")


def wait_until_all_ran(page, lab, timeout_s: float = RUN_ALL_TIMEOUT_S) -> None:
    """Until every code cell has an execution count and the kernel is idle."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        kernels = get_json(f"{lab['base']}/api/kernels?token={lab['token']}")
        prompts = page.locator(".jp-CodeCell .jp-InputArea-prompt").all_inner_texts()
        if kernels and all(k["execution_state"] == "idle" for k in kernels) and prompts \
                and all(p.strip() not in ("[ ]:", "[*]:", "") for p in prompts):
            return
        time.sleep(1)
    raise AssertionError(f"Run All did not finish in {timeout_s} s; prompts: {prompts}")


def selected(select) -> str:
    return select.evaluate("s => s.options[s.selectedIndex].text").replace("\xa0", " ")  # widgets use &nbsp;


def choose(select, label: str) -> None:
    """Pick the option shown as ``label``, as a click in the menu would."""
    value = select.evaluate("(s, label) => [...s.options].find(o => o.text.replace(/\\u00a0/g, ' ') === label).value",
                            label)
    select.select_option(value=value)


def output_text(box) -> str:
    return box.locator(".widget-output").inner_text().strip()


def wait_for_output(box, check, timeout_s: float = 120) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        text = output_text(box)
        if check(text):
            return text
        time.sleep(0.2)
    raise AssertionError(f"the chooser's output area shows {output_text(box)!r}")


def click_and_time(box, button: str, check) -> tuple[str, float]:
    start = time.monotonic()
    box.locator("button", has_text=button).click()
    text = wait_for_output(box, check)
    return text, time.monotonic() - start


RECORD_OUTPUTS = """box => {
    window.seenOutputs = [];
    const area = box.querySelector('.widget-output');
    new MutationObserver(() => window.seenOutputs.push(area.innerText.trim()))
        .observe(area, {childList: true, subtree: true, characterData: true});
}"""

# Labels cut with an ellipsis are wider inside than out; a select is measured against its selected text.
CUT_TEXTS = """box => {
    const cut = [];
    for (const label of box.querySelectorAll('.widget-label, .widget-label-basic')) {
        if (label.offsetParent && label.scrollWidth > label.clientWidth + 1) cut.push(label.innerText);
    }
    const canvas = document.createElement('canvas').getContext('2d');
    for (const select of box.querySelectorAll('select')) {
        const style = getComputedStyle(select);
        canvas.font = `${style.fontSize} ${style.fontFamily}`;
        const text = select.options[select.selectedIndex]?.text || '';
        const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        if (canvas.measureText(text).width > room) cut.push(text);
    }
    return cut;
}"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_chooser_in_jupyterlab(lab, browser, lang, tmp_path):
    T = said(lang)
    if lang != "en":  # the widget speaks the notebook's language
        assert T("pick") != "pick" and T("Compare the matches") != "Compare the matches"
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    # A workspace of its own, so that only this notebook is open.
    page.goto(f"{lab['base']}/lab/workspaces/{lang}/tree/{lang}/{NOTEBOOKS[lang].name}?reset&token={lab['token']}")
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
    wait_for_kernel(page, lab, f"{lang}/{NOTEBOOKS[lang].name}")

    start = time.monotonic()
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
    time.sleep(1)
    wait_until_all_ran(page, lab)
    run_all_s = time.monotonic() - start

    assert page.get_by_text("Error displaying widget").count() == 0
    boxes = page.locator(".widget-vbox").filter(has=page.locator("button", has_text=T("Compare the matches")))
    boxes.first.wait_for(timeout=30_000)  # widgets render just after their cell has run
    assert page.get_by_text("Error displaying widget").count() == 0
    assert boxes.count() == 1  # the demonstrations drive their own, undisplayed choosers
    box = boxes.first
    box.scroll_into_view_if_needed()

    # After Run All the learner's chooser is as it started: every model matches, the first one is picked.
    pick = box.locator(".widget-dropdown").filter(has=page.locator(".widget-label", has_text=T("pick"))).locator("select")
    assert selected(pick) == SMOLLM2
    assert T("{count} of {total} models match.").format(count=10, total=10) in box.locator(".widget-html").inner_text()
    assert output_text(box) == ""
    assert box.evaluate(CUT_TEXTS) == []
    source = box.locator(".widget-html a")
    assert source.get_attribute("href") == "https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct"
    assert source.get_attribute("target") == "_blank"

    # Offline only, pick SmolLM2, type a prompt, Run: progress lines, then the answer.
    box.locator(".widget-checkbox", has_text=T("runs offline only")).locator("input").check()
    choose(pick, SMOLLM2)
    box.locator(".widget-text input").fill(PROMPTS[lang])
    box.evaluate(RECORD_OUTPUTS)
    answered = before(T("{model}: {answer}\n({count} new tokens in {seconds:.1f} s)"), "answer",
                      model="smollm2-135m-instruct")
    answer, cold_run_s = click_and_time(box, T("Run"), lambda text: answered in text)
    seen = page.evaluate("window.seenOutputs")
    loading = before(T("Loading {model} from the course cache …"), "model") + "smollm2-135m-instruct"
    assert any(text.startswith(loading) for text in seen), seen
    generating = before(T("Generating up to {count} tokens with {model} …"), "model", count=24)
    assert any(text.startswith(generating) for text in seen), seen
    assert "\ufffd" not in answer
    if lang == "en":
        assert "Paris" in answer
    folder = ROOT / "images" if os.environ.get("OPEN_MODELS_SAVE_SCREENSHOTS") == "1" else tmp_path
    box.screenshot(path=str(folder / f"07-chooser-{lang}.png"))
    _, warm_run_s = click_and_time(box, T("Run"), lambda text: answered in text)

    # Mistakes are messages in the output area.
    box.locator(".widget-text input").fill("")
    click_and_time(box, T("Run"), lambda text: text == T(EMPTY_PROMPT))
    box.locator(".widget-checkbox", has_text=T("runs offline only")).locator("input").uncheck()
    choose(pick, QWEN)
    box.locator(".widget-text input").fill(PROMPTS[lang])
    hub_only = T("{model} is only on the Hugging Face Hub, and downloads are off\n(Jupyter runs with HF_HUB_OFFLINE=1)."
                 "\nTick \"runs offline only\" to pick a model that runs here, or, to download it once:\n"
                 "be online, restart Jupyter without HF_HUB_OFFLINE=1, and press Run again.").format(
        model="qwen2.5-0.5b-instruct").splitlines()
    hub_message, _ = click_and_time(box, T("Run"), lambda text: hub_only[0] in text)
    assert all(line in hub_message for line in hub_only[1:]), hub_message

    # Compare the matches: a table with a row per matching model.
    box.locator(".widget-checkbox", has_text=T("runs offline only")).locator("input").check()
    _, compare_s = click_and_time(box, T("Compare the matches"), lambda text: f"{T('new tokens')}\t{T('note')}" in text)
    rows = box.locator(".widget-output table tbody tr").all_inner_texts()
    assert [row.split()[1] for row in rows] == ["smollm2-135m-instruct", "gemma-3-270m"]

    assert errors == [], errors
    print(f"\n{lang}: Run All {run_all_s:.1f} s; Run click cold {cold_run_s:.1f} s, warm {warm_run_s:.1f} s; "
          f"Compare (2 models) {compare_s:.1f} s")
    page.close()
