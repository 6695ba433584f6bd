import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import open_models.charts as charts
from open_models.charts import images_dir, save_figure


def test_images_dir_is_found_from_a_notebook_folder(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "notebooks").mkdir()
    assert images_dir(tmp_path / "notebooks") == tmp_path / "images"


def test_without_the_course_folders_nothing_is_saved(tmp_path):
    fig, _ = plt.subplots()
    assert save_figure(fig, "x", start=tmp_path) is None
    assert list(tmp_path.iterdir()) == []


def test_a_figure_is_saved_as_png(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "notebooks").mkdir()
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    assert save_figure(fig, "line", start=tmp_path / "notebooks") == "images/line.png"
    assert (tmp_path / "images" / "line.png").read_bytes()[:4] == b"\x89PNG"


def test_in_chinese_a_figure_goes_to_its_own_folder_and_the_english_one_stays(tmp_path, monkeypatch):
    (tmp_path / "images").mkdir()
    (tmp_path / "notebooks").mkdir()
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    assert save_figure(fig, "line", start=tmp_path / "notebooks") == "images/line.png"
    english = (tmp_path / "images" / "line.png").read_bytes()
    ax.plot([1, 2], [4, 3])
    monkeypatch.setattr(charts, "language", lambda: "zh")
    assert save_figure(fig, "line", start=tmp_path / "notebooks") == "images/zh/line.png"
    assert (tmp_path / "images" / "zh" / "line.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "images" / "line.png").read_bytes() == english
    assert sorted(p.name for p in (tmp_path / "images").iterdir()) == ["line.png", "zh"]
