"""What a non-editable install gets (Colab and hosted notebooks run `pip install --no-deps .`)."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_ships_every_module_data_file_and_catalog(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("open_models_course-*.whl"))
    shipped = set(zipfile.ZipFile(wheel).namelist())
    package = ROOT / "open_models"
    wanted = {p.relative_to(ROOT).as_posix() for p in package.rglob("*")
              if p.is_file() and "__pycache__" not in p.parts and p.suffix in {".py", ".csv", ".json", ".md", ".po", ".mo"}}
    assert wanted - shipped == set()
