"""The sticks experiment's smoke profile end to end: both methods trained, scored and drawn,
then the occlusion sweep on the same models."""
import json

import pandas as pd
import pytest

from reproduce.__main__ import main
from reproduce.profiles import STICKS_PROFILES

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


def test_sweep_scores_every_crossing_level_with_the_trained_models(smoke_run):
    """Runs last: it adds the sweep's stages to the work dir of the runs above."""
    root, args = smoke_run
    trained = {path.name: path.read_text()
               for path in (root / 'work' / 'smoke' / 'stages').glob('train_*.json')}
    main(['sticks-sweep', *args[1:]])
    assert {path.name: path.read_text()
            for path in (root / 'work' / 'smoke' / 'stages').glob('train_*.json')} == trained

    profile = STICKS_PROFILES['smoke']
    sweep = pd.read_csv(root / 'results' / 'sweep.csv')
    assert sorted(sweep.crossing_fraction) == sorted(2 * profile.sweep_crossing_fractions)
    assert set(sweep.method) == {'ours', 'maskrcnn'}
    assert (sweep.images == profile.sweep_test_size).all()
    overlap = sweep[sweep.method == 'ours'].set_index('crossing_fraction').mean_box_iou
    assert overlap[1.0] > overlap[0.0]  # forced crossings are measured as overlap
    table = (root / 'results' / 'sweep.md').read_text().splitlines()
    assert len(table) == 2 + len(sweep) and table[2].startswith('| 0.00 |')
    provenance = json.loads((root / 'results' / 'sweep_provenance.json').read_text())
    assert provenance['levels'] == list(profile.sweep_crossing_fractions)
    assert (root / 'results' / 'sweep.png').stat().st_size > 0
