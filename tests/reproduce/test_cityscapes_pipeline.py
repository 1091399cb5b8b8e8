"""Cityscapes end to end on a generated tree: train, predict, export, evaluate, tables."""
import argparse
import json
from pathlib import Path

import pytest
from mmengine.config import Config

from discseg.datasets.cityscapes import THING_LABEL_IDS
from discseg.evaluation.cityscapes import UNAVAILABLE, evaluate
from discseg.synthetic.cityscapes_tree import write_cityscapes_tree
from reproduce.benchmarks.table4 import measure_network
from paper_figures.cityscapes import draw_cityscapes_results
from paper_figures.report import Status, table2, table3
from reproduce.cityscapes import evaluate_checkpoint, run, set_input_size, write_results
from reproduce.profiles import CITYSCAPES_OURS as OURS
from reproduce.profiles import CITYSCAPES_PROFILES as PROFILES
from reproduce.profiles import CITYSCAPES_TINY as TINY
from reproduce.profiles import TABLE4_NETWORKS
from reproduce.runner import load_config, train


@pytest.fixture(scope='module')
def cityscapes_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp('cityscapes_data')
    write_cityscapes_tree(root, {'train': 4, 'val': 2, 'test': 1})
    return root


def test_paper_settings_are_the_defaults():
    cfg = Config.fromfile(str(OURS))
    head = cfg.model.decode_head
    assert head.embedding_dims == 8 and head.num_classes == 9
    assert head.loss_embedding.per_class and head.loss_embedding.label_divisor == 1000
    assert (head.loss_embedding.delta_v, head.loss_embedding.delta_d) == (0.5, 1.5)
    assert cfg.optim_wrapper.optimizer.type == 'Adam' and cfg.optim_wrapper.optimizer.lr == 1e-4
    assert [t.type for t in cfg.train_pipeline] == [  # no augmentation
        'LoadImageFromFile', 'LoadInstanceAnnotations', 'Resize', 'PackInstanceInputs']
    assert cfg.resize == dict(type='Resize', scale=(768, 384), keep_ratio=True)
    assert cfg.resize in cfg.train_pipeline and cfg.resize in cfg.test_pipeline
    assert tuple(cfg.load_annotations.thing_label_ids) == THING_LABEL_IDS
    for path in TABLE4_NETWORKS.values():  # the Table 4 networks only change the model
        other = Config.fromfile(str(path))
        assert other.train_pipeline == cfg.train_pipeline
        assert other.optim_wrapper == cfg.optim_wrapper


def test_set_input_size_resizes_every_pipeline_and_nothing_else():
    before = Config.fromfile(str(TINY))
    cfg = set_input_size(Config.fromfile(str(TINY)), (128, 64))
    resize = dict(type='Resize', scale=(128, 64), keep_ratio=True)
    assert cfg.input_size == (128, 64) and cfg.resize == resize
    pipelines = [(cfg[key], before[key]) for key in ('train_pipeline', 'test_pipeline')]
    pipelines += [(cfg[key].dataset.pipeline, before[key].dataset.pipeline)
                  for key in ('train_dataloader', 'val_dataloader', 'test_dataloader')]
    for after, reference in pipelines:
        assert len(after) == len(reference)
        assert all(step == (resize if old.type == 'Resize' else old)
                   for step, old in zip(after, reference))


def test_train_predict_export_evaluate(cityscapes_root, tmp_path):
    options = {'train_cfg.max_iters': 2, 'train_cfg.val_interval': 2,
               'default_hooks.checkpoint.interval': 2}
    cfg = load_config(TINY, work_dir=tmp_path / 'work', data_root=cityscapes_root, num_workers=0,
                      options=options)
    set_input_size(cfg, (128, 64))
    checkpoint = Path(train(cfg).best_checkpoint)
    assert checkpoint.name.startswith('best_cityscapes_AP')
    # Ground-truth masks and centres (Table 3's last row): two iterations already give AP > 0.
    cfg.merge_from_dict({'model.test_cfg.mask_source': 'ground_truth',
                         'model.test_cfg.clustering': 'center_threshold'})
    metrics = evaluate_checkpoint(cfg, checkpoint, tmp_path / 'val')
    predictions = sorted((tmp_path / 'val' / 'predictions').glob('*_pred.txt'))
    assert [p.name.split('_')[0] for p in predictions] == ['frankfurt', 'lindau']
    for line in (l for p in predictions for l in p.read_text().splitlines()):
        mask, label_id, score = line.split(' ')
        assert (tmp_path / 'val' / 'predictions' / mask).is_file()
        assert int(label_id) in (24, 26) and float(score) == 1.0
    assert 0.0 <= metrics['AP'] <= metrics['AP50'] <= 1.0 and metrics['AP'] > 0  # GT masks
    assert metrics['AP100m'] == UNAVAILABLE
    # The exported folder scores the same through the stand-alone evaluation.
    again = evaluate(cityscapes_root / 'gtFine' / 'val', tmp_path / 'val' / 'predictions',
                     tmp_path / 'again')
    assert again['AP'] == pytest.approx(metrics['AP'])


def test_network_measure_needs_no_data():
    row = measure_network(TINY, (128, 64), repeats=1)
    assert row['parameters_M'] == pytest.approx(0.74, abs=0.01)
    assert row['fps'] > 0 and row['memory_GB'] > 0 and row['timed_passes'] == 1


def test_a_wrong_data_root_fails_before_any_stage(tmp_path):
    args = argparse.Namespace(data_root=tmp_path, profile='smoke', device='cpu',
                              work_dir=tmp_path / 'work', results=tmp_path / 'results',
                              init_checkpoint=None, maskrcnn_checkpoint=None, launcher='none')
    with pytest.raises(FileNotFoundError, match='Expected layout'):
        run(args)
    assert not (tmp_path / 'work').exists()


class StageRecords:
    """Finished stages' outputs, as ``Stages.record`` returns them."""

    def __init__(self, outputs: dict) -> None:
        self.outputs = outputs

    def record(self, name: str) -> dict | None:
        return {'output': self.outputs[name]} if name in self.outputs else None


def test_the_report_reads_what_the_experiment_writes(tmp_path):
    metrics = {f'val_{mask}_{clustering}': {'AP': 0.1 * (index + 1), 'AP50': 0.5,
                                            'AP100m': UNAVAILABLE, 'AP50m': UNAVAILABLE}
               for index, (mask, clustering) in enumerate(
                   (m, c) for m in ('prediction', 'ground_truth')
                   for c in ('mean_shift', 'center_threshold'))}
    metrics['maskrcnn_val'] = {'AP': 0.25, 'AP50': 0.45, 'AP100m': UNAVAILABLE,
                               'AP50m': UNAVAILABLE}
    out = tmp_path / 'cityscapes'
    out.mkdir()
    write_results(StageRecords(metrics), out)
    (out / 'provenance.json').write_text(json.dumps({'command': 'fixture', 'commit': 'abc'}))
    draw_cityscapes_results(out)

    cells = {(cell.row, cell.column): cell for cell in table2(tmp_path).cells}
    assert cells[('Mask R-CNN (R50-FPN, ours)', 'AP')].ours == '25.0'
    assert cells[('Ours (score 1.0, as the authors)', 'AP')].status is Status.MEASURED
    assert cells[('Ours (class-probability score)', 'AP')].status is Status.WAITING  # not run
    cells = {(cell.row, cell.column): cell for cell in table3(tmp_path).cells}
    assert cells[('ground truth / center threshold', 'AP')].ours == '40.0'
    assert '| Mask R-CNN R50-FPN (this reproduction) | val | 25.0 | 45.0 | unavailable |' in \
        (out / 'table2.md').read_text()
    assert '| ground_truth | center_threshold | 40.0 | 50.0 | 47.8 | 77.8 |' in \
        (out / 'table3.md').read_text()


@pytest.mark.slow
def test_reproduce_smoke_profile_writes_every_result(cityscapes_root, tmp_path):
    args = argparse.Namespace(data_root=cityscapes_root, profile='smoke', device='cpu',
                              work_dir=tmp_path / 'work', results=tmp_path / 'results',
                              init_checkpoint=None, maskrcnn_checkpoint=None, launcher='none')
    run(args)
    results = tmp_path / 'results'
    for name in ('table2.md', 'table2.csv', 'table3.md', 'table3.csv', 'table4.md', 'table4.csv',
                 'figure1.png', 'figure6.png', 'provenance.json'):
        assert (results / name).is_file(), name
    table2 = (results / 'table2.md').read_text()
    assert 'Mask R-CNN R50-FPN (this reproduction) | val |' in table2 and 'unavailable' in table2
    assert len(PROFILES['smoke'].table4_sizes) == (results / 'table4.csv').read_text().count('tiny')
    stages = json.loads((results / 'provenance.json').read_text())['stages']
    assert {'train', 'test_export', 'maskrcnn_val', 'figure_data'} <= set(stages)
    test_predictions = tmp_path / 'work' / 'smoke' / 'ours' / 'test' / 'predictions'
    assert list(test_predictions.glob('berlin_*.txt'))
