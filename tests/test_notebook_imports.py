"""A notebook takes everything it uses from the course package in one place: ``open_models`` itself.

Cells import where an idea first appears, but always from the package's top level, never from its
modules, so a learner meets one name for each helper and the package can be reorganised freely.
"""

import ast
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb")) + sorted((ROOT / "translations").glob("*/notebooks/**/*.ipynb"))


def package_imports(path: Path) -> list[ast.stmt]:
    """Every import statement of the notebook's code cells that names open_models (shell lines skipped)."""
    found = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "\n".join(line for line in "".join(cell["source"]).splitlines()
                           if not line.lstrip().startswith(("!", "%")))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("open_models"):
                found.append(node)
            elif isinstance(node, ast.Import) and any(a.name.startswith("open_models") for a in node.names):
                found.append(node)
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_notebook_imports_only_from_the_package_top_level(path):
    imports = package_imports(path)
    assert imports, f"{path.name} does not use the course package"
    # The exercises' checks come from their own module per notebook (open_models.exercises.<module>).
    checks = [node for node in imports
              if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("open_models.exercises.")]
    for node in checks:
        exec(ast.unparse(node), {})
    imports = [node for node in imports if node not in checks]
    deep = [ast.unparse(node) for node in imports if not isinstance(node, ast.ImportFrom) or node.module != "open_models"]
    assert not deep, f"{path.name}: import from open_models itself, not its modules: {deep}"
    names = sorted({alias.name for node in imports for alias in node.names})
    namespace = {}
    exec(f"from open_models import {', '.join(names)}", namespace)  # all of them, in one statement
    assert set(names) <= set(namespace)
