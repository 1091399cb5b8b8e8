"""Every committed Markdown table is what paper_figures draws from the committed records beside it,
and every table in the README is one of them: nothing was typed in, and a change of format cannot
leave a stale table behind."""
import re
from pathlib import Path

import pandas as pd
import pytest

from paper_figures.benchmarks import benchmarks_table
from paper_figures.cityscapes import table2_markdown, table3_markdown, table4_markdown
from paper_figures.cvppp import render_table1
from paper_figures.sticks import summary_table, sweep_table, swept_axes

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / 'results'
STICKS = sorted(path.parent for path in RESULTS.glob('sticks*/summary.md'))
SWEEPS = [(folder, axis) for folder in STICKS for axis in swept_axes(folder)
          if (folder / f'sweep_{axis}.md').exists()]
CVPPP = sorted(path.parent for path in RESULTS.glob('cvppp*/table1.md'))
CITYSCAPES = sorted(path for path in RESULTS.glob('cityscapes*/table[234].md'))


def relative(path: Path) -> str:
    return str(path.relative_to(RESULTS))


def test_there_are_committed_results_to_check():
    assert STICKS and SWEEPS


@pytest.mark.parametrize('folder', STICKS, ids=relative)
def test_sticks_summary(folder):
    assert (folder / 'summary.md').read_text() == summary_table(folder)


@pytest.mark.parametrize('folder,axis', SWEEPS, ids=lambda x: x if isinstance(x, str)
                         else relative(x))
def test_sticks_sweep(folder, axis):
    assert (folder / f'sweep_{axis}.md').read_text() == sweep_table(folder, axis)


@pytest.mark.parametrize('folder', CVPPP, ids=relative)
def test_cvppp_table1(folder):
    table, markdown = render_table1(folder)
    assert (folder / 'table1.csv').read_text() == table.to_csv(index=False)
    assert (folder / 'table1.md').read_text() == markdown


@pytest.mark.parametrize('markdown', CITYSCAPES, ids=relative)
def test_cityscapes_tables(markdown):
    draw = {'table2': table2_markdown, 'table3': table3_markdown, 'table4': table4_markdown}
    assert markdown.read_text() == draw[markdown.stem](pd.read_csv(markdown.with_suffix('.csv')))


def test_component_benchmarks():
    folder = RESULTS / 'benchmarks'
    assert (folder / 'benchmarks.md').read_text() == benchmarks_table(folder)


def test_every_readme_table_is_a_committed_results_table():
    tables = re.findall(r'((?:^\|.*\n)+)', (ROOT / 'README.md').read_text(), flags=re.M)
    committed = [path.read_text() for path in RESULTS.rglob('*.md')]
    assert tables
    for table in tables:
        assert any(table in text for text in committed), table.splitlines()[0]
