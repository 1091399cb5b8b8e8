"""The sticks experiment's smoke profile end to end: both methods trained, scored and drawn."""
import json

import pandas as pd
import pytest

from reproduce.__main__ import main

SUMMARY_COLUMNS = {'method', 'sbd', 'abs_dic', 'mask_ap', 'mask_ap50', 'infer_ms_per_image'}


@pytest.fixture(scope='module')
def smoke_run(tmp_path_factory):
    root = tmp_path_factory.mktemp('sticks_smoke')
    args = ['sticks', '--profile', 'smoke', '--device', 'cpu', '--data-dir', str(root / 'data'),
            '--work-dir', str(root / 'work'), '--results', str(root / 'results')]
    main(args)
    return root, args


def test_summary_has_both_methods_with_provenance(smoke_run):
    root, _ = smoke_run
    summary = pd.read_csv(root / 'results' / 'summary.csv')
    assert set(summary.method) == {'ours', 'maskrcnn'}
    assert SUMMARY_COLUMNS <= set(summary.columns)
    assert summary[['sbd', 'mask_ap', 'mask_ap50']].apply(lambda c: c.between(0, 1)).all().all()
    provenance = json.loads((root / 'results' / 'provenance.json').read_text())
    assert {'command', 'profile', 'seeds', 'commit', 'machine', 'stages'} <= set(provenance)
    assert {'generate', 'train_ours', 'train_maskrcnn', 'evaluate_ours',
            'evaluate_maskrcnn'} <= set(provenance['stages'])
    for name in ('figure4_sticks.png', 'training_curves.png', 'summary.md', 'per_image.csv',
                 'curves.csv'):
        assert (root / 'results' / name).stat().st_size > 0


def test_rerun_skips_finished_stages(smoke_run, capsys):
    root, args = smoke_run
    stage_files = sorted((root / 'work' / 'smoke' / 'stages').glob('*.json'))
    before = {path: path.read_text() for path in stage_files}
    main(args)
    assert {path: path.read_text() for path in stage_files} == before
    assert capsys.readouterr().err.count('skipped') == len(stage_files)
