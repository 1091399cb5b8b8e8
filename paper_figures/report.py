"""The paper, regenerated: every table and figure beside the paper's, with each cell's status.

    python -m paper_figures [--results results] [--out paper_figures/REPORT.md]

Reads ``results/`` only (and draws Figure 2 from the loss). Each of our cells says where it comes
from: measured here (the command and commit that made it), measured on generated data only (a
demo of the pipeline), or waiting (what is missing and the exact command that fills it). The
paper's values come from ``paper_figures.paper_values``.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import pandas as pd

from discseg.fileio import write_atomic
from paper_figures import paper_values as paper
from paper_figures.cityscapes import TABLE3_ROWS, draw_cityscapes_results
from paper_figures.cvppp import differences_markdown, read_differences
from paper_figures.figure2 import draw_figure2
from paper_figures.figure3_convergence import FIGURE as FIGURE3, draw_figure3
from paper_figures.sticks import (draw_sticks_figures, draw_sweep_figures, summary_table,
                                  sweep_table, swept_axes)

CVPPP_COMMAND = 'bash reproduce/run.sh cvppp --data-root DIR'
# CVPPP results folders in order of preference: the paper's recipe (GPU), then the CPU profile.
CVPPP_REAL = ('cvppp', 'cvppp-cpu')
CVPPP_DEMOS = ('cvppp-demo', 'cvppp-demo-cpu', 'cvppp-demo-smoke')
CITYSCAPES_COMMAND = 'bash reproduce/run.sh cityscapes --data-root DIR'
TABLE4_COMMAND = 'python -m reproduce.benchmarks.table4'
FIGURE3_COMMAND = 'python -m reproduce.figure3'
_SEEDS_STUDY = '--seeds 0 1 2 --methods ours maskrcnn mask2former solov2'
STICKS_COMMANDS = {'sticks': ('bash reproduce/run.sh', 'bash reproduce/run.sh sticks-sweep'),
                   'sticks-seeds-0-1-2': (f'python -m reproduce sticks {_SEEDS_STUDY}',
                                          f'python -m reproduce sticks-sweep {_SEEDS_STUDY}'),
                   'sticks-long': ('python -m reproduce sticks --profile long',
                                   'python -m reproduce sticks-sweep --profile long')}
NOT_IN_PAPER = '—'
CITYSCAPES_DATA = 'the Cityscapes data and a GPU'


class Status(str, Enum):
    MEASURED = 'measured here'
    DEMO = 'measured on generated data only (demo)'
    WAITING = 'waiting'
    OTHER = "another method: the paper's number only"


@dataclass(frozen=True)
class Cell:
    """One of our numbers (or its absence) beside the paper's."""

    item: str  # 'Table 1', 'Figure 3', ...
    row: str
    column: str
    paper: str
    ours: str
    status: Status
    how: str  # the command and commit that made it, or what is missing and how to make it


@dataclass
class Section:
    title: str
    body: list[str] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)


@dataclass(frozen=True)
class Source:
    """Where a table's numbers come from: a results folder, its status, and the status's words."""

    folder: Path | None
    status: Status
    how: str


CITYSCAPES_WAITING = Source(None, Status.WAITING,
                            f'waiting for {CITYSCAPES_DATA}: `{CITYSCAPES_COMMAND}`')


# --------------------------------------------------------------------------- reading results

def read_csv(path: Path, required: tuple[str, ...]) -> pd.DataFrame:
    """``path`` as a table, with a clear error when a column the report needs is missing."""
    table = pd.read_csv(path)
    missing = [column for column in required if column not in table.columns]
    if missing:
        raise ValueError(f'{path}: expected columns {list(required)}, missing {missing} '
                         f'(found {list(table.columns)})')
    return table


def provenance_words(folder: Path, name: str = 'provenance.json') -> str:
    """'`command` (commit abcdef1234)' from a results folder's provenance record."""
    path = folder / name
    if not path.exists():
        return f'no {path} recorded'
    record = json.loads(path.read_text())
    return f'`{record.get("command", "?")}` (commit {str(record.get("commit", "?"))[:10]})'


def find_source(results: Path, real: str | tuple[str, ...], demos: tuple[str, ...], missing: str,
                command: str) -> Source:
    """The first real results folder present (``real``: in order of preference), else the first
    demo folder, else waiting."""
    for folder in (real,) if isinstance(real, str) else real:
        if (results / folder).is_dir():
            return Source(results / folder, Status.MEASURED,
                          f'{Status.MEASURED.value}: {provenance_words(results / folder)}')
    for demo in demos:
        if (results / demo).is_dir():
            return Source(results / demo, Status.DEMO,
                          f'{Status.DEMO.value}: {provenance_words(results / demo)}; the real '
                          f'numbers need {missing}: `{command}`')
    return Source(None, Status.WAITING, f'waiting for {missing}: `{command}`')


def percent(value) -> str:
    """A fraction as the paper prints it (percent, one decimal); words stay words."""
    if isinstance(value, str):
        return value
    return NOT_IN_PAPER if value is None or math.isnan(value) else f'{100 * value:.1f}'


def printed(value: float | None, digits: int = 1) -> str:
    missing = value is None or (isinstance(value, float) and math.isnan(value))
    return NOT_IN_PAPER if missing else f'{value:.{digits}f}'


# --------------------------------------------------------------------------- rendering

def render_rows(section: Section, item: str, columns: tuple[str, ...],
                rows: list[tuple[str, list[str], list[str], Source | Status]]) -> None:
    """A Markdown table 'row | paper c | ours c | ... | status' and its cells.

    ``rows``: (label, paper values, our values, their source), one value per column.
    """
    header = ['row'] + [f'{kind} {column}' for column in columns for kind in ('paper', 'ours')]
    section.body += ['| ' + ' | '.join(header + ['status']) + ' |',
                     '|' + '---|' * (len(header) + 1)]
    for label, paper_values, ours, source in rows:
        status, how = ((source, source.value) if isinstance(source, Status)
                       else (source.status, source.how))
        values = [value for pair in zip(paper_values, ours) for value in pair]
        section.body.append('| ' + ' | '.join([label, *values, how]) + ' |')
        section.cells += [Cell(item, label, column, p, o, status, how)
                          for column, p, o in zip(columns, paper_values, ours)]


def link(target: Path, out_dir: Path) -> str:
    return os.path.relpath(target, out_dir)


# --------------------------------------------------------------------------- tables

def table1(results: Path) -> Section:
    """CVPPP: the paper's rows, then ours and Mask R-CNN's (real data, else the demo)."""
    section = Section(f'Table 1: {paper.TABLE1.caption} ({paper.TABLE1.where})')
    source = find_source(results, CVPPP_REAL, CVPPP_DEMOS,
                         'the CVPPP A1 data (given out on request by the organisers)',
                         CVPPP_COMMAND)
    rows = [(name, [printed(sbd), printed(dic)], [NOT_IN_PAPER] * 2, Status.OTHER)
            for name, (sbd, dic) in paper.TABLE1.rows.items() if name != 'Ours']
    ours = {}
    if source.folder is not None:
        summary = read_csv(source.folder / 'summary.csv', ('method', 'mask', 'sbd', 'abs_dic'))
        ours = {(row.method, row.mask): [percent(row.sbd), f'{row.abs_dic:.1f}']
                for row in summary.itertuples()}
    paper_ours = [printed(value) for value in paper.TABLE1.rows['Ours']]
    for (method, mask), label, paper_row in (
            (('ours', 'given_fg'), "Ours (challenge's fg masks)", paper_ours),
            (('ours', 'own_fg'), 'Ours (own foreground)', [NOT_IN_PAPER] * 2),
            (('maskrcnn', 'given_fg'), "Mask R-CNN (challenge's fg masks)", [NOT_IN_PAPER] * 2),
            (('maskrcnn', 'own_fg'), 'Mask R-CNN (own foreground)', [NOT_IN_PAPER] * 2)):
        row_source = source if (method, mask) in ours or source.folder is None else Source(
            None, Status.WAITING, f'waiting: not in {source.folder}/summary.csv; `{CVPPP_COMMAND}`')
        rows.append((label, paper_row, ours.get((method, mask), [NOT_IN_PAPER] * 2), row_source))
    render_rows(section, 'Table 1', paper.TABLE1.columns, rows)
    section.body += ['', 'SBD in percent. The paper scores the hidden A1 test set (the organisers '
                     'score submissions); ours are on a validation split of 28 of the 128 labelled '
                     'plants, so the two are not a one-to-one comparison.']
    differences = read_differences(source.folder) if source.folder is not None else None
    if differences is not None:
        section.body += ['', *differences_markdown(differences)]
    return section


def table2(results: Path) -> Section:
    section = Section(f'Table 2: {paper.TABLE2.caption} ({paper.TABLE2.where})')
    source = find_source(results, 'cityscapes', ('cityscapes-smoke',),
                         CITYSCAPES_DATA, CITYSCAPES_COMMAND)
    ours = {}
    if source.folder is not None and (source.folder / 'table2.csv').exists():
        columns = ('AP', 'AP50', 'AP100m', 'AP50m')  # the paper's AP0.5 is AP50 in our files
        table = read_csv(source.folder / 'table2.csv', ('method', *columns))
        ours = {row['method']: [percent(row[c]) for c in columns]
                for row in table.to_dict('records')}
    rows = [(name, [printed(v) for v in values], [NOT_IN_PAPER] * 4, Status.OTHER)
            for name, values in paper.TABLE2.rows.items() if name not in ('Ours', 'Mask R-CNN')]
    for method, label, paper_name in (('ours', 'Ours (score 1.0, as the authors)', 'Ours'),
                                      ('ours_class_probability', 'Ours (class-probability score)',
                                       'Ours'),
                                      ('maskrcnn', 'Mask R-CNN (R50-FPN, ours)', 'Mask R-CNN')):
        row_source = source if method in ours else CITYSCAPES_WAITING
        rows.append((label, [printed(v) for v in paper.TABLE2.rows[paper_name]],
                     ours.get(method, [NOT_IN_PAPER] * 4), row_source))
    render_rows(section, 'Table 2', paper.TABLE2.columns, rows)
    section.body += ['', 'Percent. The paper scores the test server; ours score val with '
                     'cityscapesscripts, whose public version computes no AP100m / AP50m.']
    return section


def table3(results: Path) -> Section:
    section = Section(f'Table 3: {paper.TABLE3.caption} ({paper.TABLE3.where})')
    source = find_source(results, 'cityscapes', ('cityscapes-smoke',),
                         CITYSCAPES_DATA, CITYSCAPES_COMMAND)
    ours = {}
    if source.folder is not None and (source.folder / 'table3.csv').exists():
        table = read_csv(source.folder / 'table3.csv',
                         ('semantic_masks', 'clustering', 'AP', 'AP50'))
        ours = {(row.semantic_masks, row.clustering): [percent(row.AP), percent(row.AP50)]
                for row in table.itertuples()}
    rows = []
    for (masks, clustering), name in TABLE3_ROWS.items():
        row_source = source if (masks, clustering) in ours else CITYSCAPES_WAITING
        rows.append((name, [printed(v) for v in paper.TABLE3.rows[name]],
                     ours.get((masks, clustering), [NOT_IN_PAPER] * 2), row_source))
    render_rows(section, 'Table 3', paper.TABLE3.columns, rows)
    section.body += ['', 'Percent. resnet38: predicted semantic masks, in the paper from a '
                     'separately trained ResNet-38, in ours from the semantic branch of the same '
                     'network.']
    return section


def table4(results: Path) -> Section:
    """Speed and size from the benchmark (any device it ran on); car AP from the Cityscapes run."""
    section = Section(f'Table 4: {paper.TABLE4.caption} ({paper.TABLE4.where})')
    speed_columns = ('parameters (M)', 'fps', 'memory (GB)')
    runs = sorted((results / 'table4').glob('*.json')) if (results / 'table4').is_dir() else []
    rows = []
    for path in runs:
        record = json.loads(path.read_text())
        machine = record['machine']
        gpu = f', GPU {machine["cuda"]}' if machine.get('cuda') else ''
        how = (f'{Status.MEASURED.value} on {machine["cpu"]}, {machine["torch_threads"]} threads'
               f'{gpu}: `{record["command"]}` (commit {str(machine.get("commit", "?"))[:10]})')
        for row in record['rows']:
            paper_row = paper.TABLE4.rows.get(f'{row.get("paper_network")} {row["input"]}')
            paper_values = ([printed(paper_row[3], 2), printed(paper_row[2], 0),
                             printed(paper_row[4], 2)] if paper_row else [NOT_IN_PAPER] * 3)
            label = (f'{row["network"]} (for {row.get("paper_network") or "?"}) {row["input"]}, '
                     f'{row["device"]}')
            rows.append((label, paper_values,
                         [f'{row["parameters_M"]:.2f}', f'{row["fps"]:.2f}',
                          f'{row["memory_GB"]:.2f}'], Source(path, Status.MEASURED, how)))
    if not rows:
        waiting = Source(None, Status.WAITING, 'waiting for the benchmark (no data needed): '
                         f'`{TABLE4_COMMAND}` on a quiet machine')
        rows = [(name, [printed(v[3], 2), printed(v[2], 0), printed(v[4], 2)],
                 [NOT_IN_PAPER] * 3, waiting) for name, v in paper.TABLE4.rows.items()]
    render_rows(section, 'Table 4', speed_columns, rows)
    section.body += ['', "The paper's fps and memory are on one Titan X; ours on the device "
                     'named in each row (the CPU model and thread count, or the GPU). Parameters '
                     'count the whole network that runs at test time (backbone and head). mmseg '
                     "has none of the paper's networks: ERFNet stands in for ENet, "
                     'ResNet-18/50/101-D8 for SegNet, Dilation and ResNet38.', '']

    ap_columns = paper.TABLE4.columns[:2]
    source = find_source(results, 'cityscapes', ('cityscapes-smoke',),
                         CITYSCAPES_DATA, CITYSCAPES_COMMAND)
    ours = {}
    if source.folder is not None and (source.folder / 'table4.csv').exists():
        table = read_csv(source.folder / 'table4.csv', ('network', 'paper_network', 'input',
                                                       'car_AP', 'car_AP_gt_masks'))
        ours = {(row.paper_network, row.input): [row.network, printed(row.car_AP, 2),
                                                 printed(row.car_AP_gt_masks, 2)]
                for row in table.itertuples() if not pd.isna(row.car_AP)}
    ap_rows = []
    waiting = Source(None, Status.WAITING, 'waiting for the Cityscapes data and a GPU (each '
                     f'network trained at each size): `{CITYSCAPES_COMMAND}`')
    for name, values in paper.TABLE4.rows.items():
        found = ours.get(tuple(name.split()))
        ap_rows.append((name if found is None else f'{found[0]} (for {name})',
                        [printed(v, 2) for v in values[:2]],
                        found[1:] if found else [NOT_IN_PAPER] * 2, source if found else waiting))
    render_rows(section, 'Table 4', ap_columns, ap_rows)
    return section


# --------------------------------------------------------------------------- figures

def figures(results: Path, out_dir: Path) -> Section:
    """Figures 1-6: the paper's description, ours (redrawn from results/ where a drawer exists)."""
    section = Section('Figures 1-6')
    cityscapes = find_source(results, 'cityscapes', ('cityscapes-smoke',),
                             CITYSCAPES_DATA, CITYSCAPES_COMMAND)
    if cityscapes.folder is not None:
        draw_cityscapes_results(cityscapes.folder)
    figure3 = results / 'figure3'
    if (figure3 / 'convergence.npz').exists():
        draw_figure3(figure3)
        synthetic = json.loads((figure3 / 'provenance.json').read_text()).get('synthetic_data')
        status = Status.DEMO if synthetic else Status.MEASURED
        figure3_source = Source(figure3, status, (
            f'{status.value}: {provenance_words(figure3)}'
            + (' on a generated rosette; on a CVPPP plant: '
               f'`{FIGURE3_COMMAND} --image plantNNN_rgb.png --label plantNNN_label.png`'
               if synthetic else '')))
    else:
        figure3_source = Source(None, Status.WAITING,
                                f'waiting for its training: `{FIGURE3_COMMAND}`')
    cvppp = find_source(results, CVPPP_REAL, CVPPP_DEMOS,
                        'the CVPPP A1 data', CVPPP_COMMAND)
    sticks = find_source(results, 'sticks', (), 'the sticks run', STICKS_COMMANDS['sticks'][0])
    drawn = {
        1: (cityscapes, cityscapes.folder and cityscapes.folder / 'figure1.png'),
        2: (Source(out_dir, Status.MEASURED, f'{Status.MEASURED.value}: drawn from the '
                   'gradients of DiscriminativeLoss by `python -m paper_figures` (no data needed)'),
            draw_figure2(out_dir / 'figure2.png')),
        3: (figure3_source, figure3 / FIGURE3),
        4: (sticks, sticks.folder and sticks.folder / 'figure4_sticks.png'),
        5: (cvppp, cvppp.folder and cvppp.folder / 'figure5_cvppp.png'),
        6: (cityscapes, cityscapes.folder and cityscapes.folder / 'figure6.png'),
    }
    for number, (source, picture) in drawn.items():
        present = bool(picture) and Path(picture).exists()
        if not present and source.status is not Status.WAITING:
            source = Source(None, Status.WAITING, f'waiting: {picture} is missing; {source.how}')
        section.body += [f'### Figure {number}', '', f'Paper: {paper.FIGURES[number]}', '',
                         f'Ours: {source.how}', '']
        if present:
            section.body += [f'![Figure {number}]({link(Path(picture), out_dir)})', '']
        section.cells.append(Cell(f'Figure {number}', 'figure', 'figure', 'figure',
                                  str(picture) if present else NOT_IN_PAPER, source.status,
                                  source.how))
    return section


def sticks_section(results: Path, out_dir: Path) -> Section:
    """The scattered sticks (the paper's Figure 4 argument, measured): tables, sweeps, figures."""
    section = Section('Scattered sticks: the paper\'s Figure 4 argument, measured')
    section.body += [f'Paper (Figure 4, Sec. 3.3): {paper.FIGURES[4]}', '']
    for name, (command, sweep_command) in STICKS_COMMANDS.items():
        folder = results / name
        section.body += [f'### results/{name}', '']
        if not (folder / 'summary.csv').exists():
            how = f'waiting for the run: `{command}`'
            section.body += [how, '']
            section.cells.append(Cell('Sticks', name, 'summary', NOT_IN_PAPER, NOT_IN_PAPER,
                                      Status.WAITING, how))
            continue
        draw_sticks_figures(folder)
        how = f'{Status.MEASURED.value}: {provenance_words(folder)}'
        section.body += [f'Main table, {how}:', '', summary_table(folder), '',
                         f'![Figure 4, ours]({link(folder / "figure4_sticks.png", out_dir)}) '
                         f'[training curves]({link(folder / "training_curves.png", out_dir)})', '']
        section.cells.append(Cell('Sticks', name, 'summary', NOT_IN_PAPER, 'summary.csv',
                                  Status.MEASURED, how))
        axes = swept_axes(folder)
        for axis_name in axes:
            drawn = draw_sweep_figures(folder, axis_name)
            sweep_how = (f'{Status.MEASURED.value}: '
                         f'{provenance_words(folder, f"sweep_{axis_name}_provenance.json")}')
            section.body += [f'Occlusion sweep over {axis_name.replace("_", " ")}, {sweep_how}:',
                             '', sweep_table(folder, axis_name), '',
                             f'![sweep {axis_name}]({link(Path(drawn["sweep"]), out_dir)})']
            if 'examples' in drawn:
                section.body.append(f'[examples of every level]'
                                    f'({link(Path(drawn["examples"]), out_dir)})')
            section.body.append('')
            section.cells.append(Cell('Sticks', name, f'sweep {axis_name}', NOT_IN_PAPER,
                                      f'sweep_{axis_name}.csv', Status.MEASURED, sweep_how))
        if not axes:
            how = f'waiting for the sweep: `{sweep_command}`'
            section.body += [f'Occlusion sweep: {how}', '']
            section.cells.append(Cell('Sticks', name, 'sweep', NOT_IN_PAPER, NOT_IN_PAPER,
                                      Status.WAITING, how))
    return section


# --------------------------------------------------------------------------- the report

def status_summary(sections: list[Section]) -> list[str]:
    """One line per table or figure: how many of our cells are measured, demo or waiting."""
    lines = ['| item | measured here | demo (generated data) | waiting |', '|---|---|---|---|']
    items: dict[str, list[Cell]] = {}
    for section in sections:
        for cell in section.cells:
            items.setdefault(cell.item, []).append(cell)
    for item, cells in items.items():
        counts = [sum(cell.status is status for cell in cells)
                  for status in (Status.MEASURED, Status.DEMO, Status.WAITING)]
        lines.append(f'| {item} | ' + ' | '.join(map(str, counts)) + ' |')
    return lines


def build_report(results: Path, out: Path) -> tuple[str, list[Cell]]:
    """The report's Markdown and every cell, with ``out``'s folder for Figure 2 and the links."""
    out_dir = out.parent
    out_dir.mkdir(parents=True, exist_ok=True)
    sections = [table1(results), table2(results), table3(results), table4(results),
                figures(results, out_dir), sticks_section(results, out_dir)]
    lines = ['# The paper, regenerated', '',
             f'{paper.PAPER}: every table and figure beside ours. Written by `python -m '
             f'paper_figures` from `{results}/` alone; the paper\'s values are typed once in '
             '`paper_figures/paper_values.py`. Each of our cells is *measured here* (the command '
             'and commit that made it), *measured on generated data only (demo)*, or *waiting* '
             '(what is missing, and the command that fills it). "—": no such number.', '',
             '## Status of our cells', '', *status_summary(sections), '']
    for section in sections:
        lines += [f'## {section.title}', '', *section.body, '']
    cells = [cell for section in sections for cell in section.cells]
    return '\n'.join(lines).rstrip() + '\n', cells


def write_report(results: Path = Path('results'),
                 out: Path = Path('paper_figures/REPORT.md')) -> list[Cell]:
    markdown, cells = build_report(Path(results), Path(out))
    write_atomic(Path(out), markdown)
    return cells
