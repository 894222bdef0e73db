"""The browser libraries copied into the repository (no CDN, no npm at run time): each is the file
its README names, at the version its README's title gives, beside its licence; where the README
records a sha256, the file is exactly that one."""

import hashlib
import re
from pathlib import Path

import pytest

from service.core.config import PROJECT_ROOT
from tests.browsing import AXE_VERSION

STATIC_VENDOR = PROJECT_ROOT / "service" / "static" / "vendor"
TESTS_VENDOR = PROJECT_ROOT / "tests" / "vendor"

# name: (folder, the built file, how the file states its own version, extra files it must keep)
VENDORED = {
    "mermaid": (STATIC_VENDOR / "mermaid", "mermaid.min.js", 'version:"{}"', ()),
    "axe-core": (TESTS_VENDOR / "axe-core", "axe.min.js", "/*! axe v{}\n", ()),
    "echarts": (STATIC_VENDOR / "echarts", "echarts.min.js", 'version="{}"', ("NOTICE",)),
}


def _readme_version(folder: Path, name: str) -> str:
    title = (folder / "README.md").read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(rf"# {re.escape(name)} (\d+\.\d+\.\d+)", title)
    assert match, f"{folder}/README.md's title is not '# {name} <version>': {title!r}"
    return match.group(1)


@pytest.mark.parametrize("name", VENDORED)
def test_vendored_file_is_the_version_its_readme_names(name):
    folder, built, stated, extras = VENDORED[name]
    version = _readme_version(folder, name)
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert f"npm pack {name}@{version}" in readme
    assert re.search(rf"`package/(?:dist/)?{re.escape(built)}`", readme), f"README names no {built}"
    text = (folder / built).read_text(encoding="utf-8")
    assert stated.format(version) in text, f"{built} does not state version {version}"
    for kept in ("LICENSE", *extras):
        assert (folder / kept).stat().st_size > 0, f"{folder.name}/{kept} is missing or empty"


def test_vendored_files_match_their_recorded_sha256():
    checked = set()
    for name, (folder, built, _, _) in VENDORED.items():
        readme = (folder / "README.md").read_text(encoding="utf-8")
        for recorded in re.findall(r"sha256\s+`([0-9a-f]{64})`", readme):
            assert hashlib.sha256((folder / built).read_bytes()).hexdigest() == recorded, name
            checked.add(name)
    assert "echarts" in checked


def test_axe_version_is_the_one_the_browser_tests_name():
    assert _readme_version(TESTS_VENDOR / "axe-core", "axe-core") == AXE_VERSION


def test_echarts_build_has_the_svg_renderer_and_the_dashboards_parts():
    text = (STATIC_VENDOR / "echarts" / "echarts.min.js").read_text(encoding="utf-8")
    assert 'registerPainter("svg"' in text
    for part in ("line", "bar", "pie", "tooltip", "legend", "grid", "dataset"):
        assert f'"{part}"' in text, part
