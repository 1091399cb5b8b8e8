"""The report on fixture results folders: complete, partial and empty."""
import json
import re
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import pytest

from paper_figures import paper_values as paper
from paper_figures.report import NOT_IN_PAPER, Status, build_report

COMMIT = '0123456789abcdef'


def write_provenance(folder: Path, command: str, name: str = 'provenance.json', **fields) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps({'command': command, 'commit': COMMIT, **fields}))


def write_picture(path: Path, value: int = 0, channels: tuple[int, ...] = (3,)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), np.full((8, 8, *channels), value, np.uint8))


def write_cvppp(folder: Path, synthetic: bool) -> None:
    write_provenance(folder, 'python -m reproduce cvppp --fixture', synthetic_data=synthetic)
    pd.DataFrame({'method': ['ours', 'ours', 'maskrcnn', 'maskrcnn'],
                  'mask': ['given_fg', 'own_fg', 'given_fg', 'own_fg'],
                  'sbd': [0.8123, 0.7, 0.6, 0.5], 'abs_dic': [1.25, 2.0, 3.0, 4.0]}
                 ).to_csv(folder / 'summary.csv', index=False)
    write_picture(folder / 'figure5_cvppp.png')


def write_table4_benchmark(results: Path) -> None:
    rows = [{'network': 'ERFNet', 'paper_network': 'ENet', 'input': size, 'parameters_M': 2.06,
             'fps': 12.5, 'memory_GB': 0.3, 'device': 'CPU, 2 threads'}
            for size in paper.TABLE4_SIZES]
    (results / 'table4').mkdir(parents=True)
    (results / 'table4' / 'cpu.json').write_text(json.dumps({
        'command': 'python -m reproduce.benchmarks.table4 --fixture', 'rows': rows,
        'machine': {'cpu': 'Fixture CPU', 'torch_threads': 2, 'cuda': None, 'commit': COMMIT}}))


def write_cityscapes(folder: Path) -> None:
    write_provenance(folder, 'python -m reproduce cityscapes --fixture')
    pd.DataFrame({'method': ['ours', 'ours_class_probability', 'maskrcnn'], 'split': 'val',
                  'AP': [0.2, 0.21, 0.3], 'AP50': [0.4, 0.41, 0.5],
                  'AP100m': 'unavailable', 'AP50m': 'unavailable'}
                 ).to_csv(folder / 'table2.csv', index=False)
    pd.DataFrame({'semantic_masks': ['prediction', 'prediction', 'ground_truth', 'ground_truth'],
                  'clustering': ['mean_shift', 'center_threshold'] * 2,
                  'AP': [0.1, 0.2, 0.3, 0.4], 'AP50': [0.5, 0.6, 0.7, 0.8]}
                 ).to_csv(folder / 'table3.csv', index=False)
    ours = {'ENet': 'ERFNet', 'SegNet': 'ResNet-18-D8', 'Dilation': 'ResNet-50-D8',
            'ResNet38': 'ResNet-101-D8'}
    pd.DataFrame([{'network': ours[name.split()[0]], 'paper_network': name.split()[0],
                   'input': name.split()[1], 'parameters_M': 1.0, 'fps': 2.0, 'memory_GB': 0.5,
                   'device': 'CPU, 2 threads', 'car_AP': 0.11, 'car_AP_gt_masks': 0.22}
                  for name in paper.TABLE4.rows]).to_csv(folder / 'table4.csv', index=False)
    for name in ('figure1.png', 'figure6.png'):
        write_picture(folder / name)


def write_figure3(folder: Path) -> None:
    ids = np.zeros((8, 8), np.uint16)
    ids[:4, :4], ids[4:, 4:] = 1, 2
    embeddings = np.random.default_rng(0).normal(size=(2, 2, 8, 8)).astype(np.float16)
    folder.mkdir(parents=True)
    np.savez_compressed(folder / 'convergence.npz', steps=np.array([0, 2]), ids=ids,
                        embeddings=embeddings, clusters=np.stack([ids, ids]))
    write_provenance(folder, 'python -m reproduce.figure3', synthetic_data=True, delta_v=0.5,
                     delta_d=1.5, bandwidth=1.5,
                     loss_terms={str(s): {'var': 1.0, 'dist': 0.5, 'reg': 0.0} for s in (0, 2)})


def write_sticks(folder: Path) -> None:
    write_provenance(folder, 'python -m reproduce sticks --fixture')
    write_provenance(folder, 'python -m reproduce sticks-sweep --fixture',
                     name='sweep_crossing_fraction_provenance.json')
    pd.DataFrame({'method': ['ours', 'maskrcnn'], 'name': ['Ours', 'Mask R-CNN'],
                  'sbd': [0.85, 0.62], 'sbd_ci_low': [0.83, 0.6], 'sbd_ci_high': [0.87, 0.64],
                  'abs_dic': [0.9, 1.2], 'mask_ap': [0.6, 0.3], 'mask_ap50': [0.8, 0.5],
                  'network_ms': [10.0, 100.0], 'postprocess_ms': [5.0, None],
                  'train_seconds': [900, 900], 'images_seen': [100, 50]}
                 ).to_csv(folder / 'summary.csv', index=False)
    pd.DataFrame({'method': ['ours', 'maskrcnn'] * 2, 'level': ['0.0', '0.0', '1.0', '1.0'],
                  'hidden_fraction': [0.02, 0.02, 0.3, 0.3], 'mean_box_iou': [0.02, 0.02, 0.3, 0.3],
                  'sbd': [0.9, 0.8, 0.7, 0.4], 'sbd_std': [0.01, 0.02, 0.03, 0.04],
                  'abs_dic': [0.5, 0.6, 1.0, 1.5], 'mask_ap': [0.7, 0.6, 0.4, 0.1],
                  'mask_ap50': [0.9, 0.9, 0.6, 0.2]}).to_csv(folder / 'sweep_crossing_fraction.csv',
                                                      index=False)
    pd.DataFrame({'method': ['ours', 'maskrcnn'] * 2, 'key': ['loss', 'loss', 'sbd', 'sbd'],
                  'step': [1, 1, 2, 2], 'value': [1.0, 2.0, 0.5, 0.4]}
                 ).to_csv(folder / 'curves.csv', index=False)
    for kind in ('input', 'ground_truth', 'ours', 'maskrcnn'):
        write_picture(folder / 'examples' / kind / 'a.png', 255 if kind == 'input' else 1,
                      (3,) if kind == 'input' else ())


@pytest.fixture
def complete(tmp_path) -> Path:
    results = tmp_path / 'results'
    write_cvppp(results / 'cvppp', synthetic=False)
    write_cityscapes(results / 'cityscapes')
    write_table4_benchmark(results)
    write_figure3(results / 'figure3')
    write_sticks(results / 'sticks')
    return results


@pytest.fixture
def partial(tmp_path) -> Path:
    results = tmp_path / 'results'
    write_cvppp(results / 'cvppp-demo-smoke', synthetic=True)
    write_table4_benchmark(results)
    return results


def report(results: Path):
    return build_report(results, results.parent / 'report' / 'REPORT.md')


def ours(cells, item: str) -> list:
    return [cell for cell in cells if cell.item == item and cell.status is not Status.OTHER]


def test_empty_results_say_what_is_missing_and_how_to_make_it(tmp_path):
    (tmp_path / 'results').mkdir()
    markdown, cells = report(tmp_path / 'results')
    for cell in cells:
        if cell.status is Status.OTHER:
            continue
        if cell.item == 'Figure 2':  # drawn from the loss: needs no results
            assert cell.status is Status.MEASURED
            continue
        assert cell.status is Status.WAITING, cell
        assert cell.ours == NOT_IN_PAPER
        assert re.search(r'waiting for .+: `[^`]+`', cell.how), cell.how
        assert cell.how in markdown
    items = {cell.item for cell in cells}
    assert {f'Table {n}' for n in range(1, 5)} | {f'Figure {n}' for n in range(1, 7)} <= items
    assert (tmp_path / 'report' / 'figure2.png').is_file()


def test_complete_results_are_measured_with_command_and_commit(complete):
    markdown, cells = report(complete)
    for item in ('Table 1', 'Table 2', 'Table 3', 'Table 4', 'Figure 1', 'Figure 5', 'Figure 6',
                 'Sticks'):
        measured = [cell for cell in ours(cells, item)
                    if cell.row not in ('sticks-long', 'sticks-seeds-0-1-2')]  # not made
        assert measured and all(cell.status is Status.MEASURED for cell in measured), item
        assert all(COMMIT[:10] in cell.how for cell in measured), item
    table1 = {(c.row, c.column): c for c in ours(cells, 'Table 1')}
    cell = table1[("Ours (challenge's fg masks)", 'SBD')]
    assert (cell.ours, cell.paper) == ('81.2', '84.2')
    assert '`python -m reproduce cvppp --fixture`' in cell.how
    table3 = {(c.row, c.column): c.ours for c in ours(cells, 'Table 3')}
    assert table3[('ground truth / center threshold', 'AP0.5')] == '80.0'
    assert [c.status for c in ours(cells, 'Figure 3')] == [Status.DEMO]
    assert (complete / 'figure3' / 'figure3_convergence.png').is_file()
    assert (complete / 'sticks' / 'figure4_sticks.png').is_file()
    assert '0.850 [0.830, 0.870]' in markdown and '0.900 ± 0.010' in markdown  # intervals
    assert 'Titan X' in markdown


def test_partial_results_mix_demo_measured_and_waiting(partial):
    markdown, cells = report(partial)
    assert {c.status for c in ours(cells, 'Table 1')} == {Status.DEMO}
    assert all('the real numbers need the CVPPP A1 data' in c.how for c in ours(cells, 'Table 1'))
    assert {c.status for c in ours(cells, 'Table 2') + ours(cells, 'Table 3')} == {Status.WAITING}
    table4 = ours(cells, 'Table 4')
    speed = [c for c in table4 if c.column in ('parameters (M)', 'fps', 'memory (GB)')]
    assert {c.status for c in speed} == {Status.MEASURED} and len(speed) == 9
    assert all('Fixture CPU' in c.how for c in speed)
    fps = {c.row: (c.paper, c.ours) for c in speed if c.column == 'fps'}
    assert fps['ERFNet (for ENet) 768x384, CPU, 2 threads'] == ('94', '12.50')
    assert {c.status for c in table4 if c not in speed} == {Status.WAITING}
    assert [c.status for c in ours(cells, 'Figure 5')] == [Status.DEMO]
    assert [c.status for c in ours(cells, 'Sticks')] == [Status.WAITING] * 3


def markdown_tables(markdown: str, number: int) -> list[list[list[str]]]:
    """The Markdown tables of the report's section on Table ``number``, as rows of cells."""
    section = markdown.split(f'## Table {number}:', 1)[1].split('\n## ', 1)[0]
    tables, current = [], []
    for line in section.splitlines() + ['']:
        if line.startswith('|'):
            if not line.startswith('|---'):
                current.append([cell.strip() for cell in line.strip('|').split(' | ')])
        elif current:
            tables.append(current)
            current = []
    return tables


@pytest.mark.parametrize('number', [1, 2, 3, 4])
def test_the_paper_values_in_the_report_are_the_modules(tmp_path, number):
    (tmp_path / 'results').mkdir()
    markdown, _ = report(tmp_path / 'results')
    table = paper.TABLES[number]
    checked = 0
    for header, *rows in markdown_tables(markdown, number):
        columns = {index: table.columns.index(name[len('paper '):])
                   for index, name in enumerate(header) if name.startswith('paper ')}
        for name, values in table.rows.items():
            row = next(r for r in rows if r[0] == name or r[0].startswith(name + ' ('))
            for index, column in columns.items():
                expected = values[column]
                assert (row[index] == NOT_IN_PAPER if expected is None
                        else float(row[index]) == expected), (name, header[index])
                checked += 1
    assert checked >= len(table.rows) * len(table.columns)


@pytest.mark.parametrize('folders, expected, status', [
    (('cvppp-demo-smoke', 'cvppp-demo-cpu'), 'cvppp-demo-cpu', Status.DEMO),
    (('cvppp-demo-cpu', 'cvppp-cpu'), 'cvppp-cpu', Status.MEASURED),
    (('cvppp-cpu', 'cvppp'), 'cvppp', Status.MEASURED)])
def test_table1_prefers_real_data_then_the_larger_profile(tmp_path, folders, expected, status):
    results = tmp_path / 'results'
    for folder in folders:
        write_cvppp(results / folder, synthetic='demo' in folder)
        pd.DataFrame({'method': ['ours'], 'mask': ['given_fg'], 'sbd': [0.5 + 0.01 * len(folder)],
                      'abs_dic': [1.0]}).to_csv(results / folder / 'summary.csv', index=False)
    _, cells = report(results)
    cell = next(c for c in ours(cells, 'Table 1') if c.row == "Ours (challenge's fg masks)"
                and c.column == 'SBD')
    assert cell.status is status and cell.ours == f'{100 * (0.5 + 0.01 * len(expected)):.1f}'


def test_table1_states_each_difference_to_ours_with_its_interval(complete):
    pd.DataFrame({'mask': ['given_fg', 'given_fg'], 'metric': ['sbd', 'abs_dic'],
                  'method': 'maskrcnn', 'reference': 'ours', 'difference': [-0.0264, 0.1],
                  'ci_low': [-0.042, -0.5], 'ci_high': [-0.0114, 0.2],
                  'interval_excludes_0': [True, False], 'plants': 28}
                 ).to_csv(complete / 'cvppp' / 'differences.csv', index=False)
    markdown, _ = report(complete)
    assert ("- Mask R-CNN minus ours, challenge's fg masks, 28 plants: SBD -2.64 [-4.20, -1.14] "
            '(significant); |DiC| +0.10 [-0.50, +0.20] (not significant)') in markdown
