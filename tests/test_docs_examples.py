"""The README's clock walkthrough is the output of docs/examples/clock_walkthrough.py, as it
runs today: the example cannot rot unseen."""

import runpy

from service.core.config import PROJECT_ROOT


def test_the_clock_walkthrough_prints_the_table_the_readme_shows(capsys):
    runpy.run_path(str(PROJECT_ROOT / "docs/examples/clock_walkthrough.py"), run_name="__main__")
    table = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert len(table) == 6
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    for line in table:
        assert line in readme, line
