"""The shared evaluation: Runner.test() with the timed loop scores as mmengine's own TestLoop does."""
import copy
from pathlib import Path

import pytest
import torch
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

import baselines.maskrcnn  # noqa: F401  (registers the baseline's metric and targets)
from discseg.datasets.label_maps import read_label_png
from reproduce.evaluate import PER_IMAGE_FILE, evaluate, read_predictions
from reproduce.runner import load_config

CONFIGS = {'ours': 'reproduce/configs/sticks/discseg_unet_1xb8-4k_sticks.py',
           'maskrcnn': 'baselines/maskrcnn/configs/mask-rcnn_r18_fpn_gn-all_1xb4-4k_sticks.py'}


@pytest.fixture(params=sorted(CONFIGS))
def untrained(request, tiny_sticks, tmp_path):
    """A config and the checkpoint of its freshly initialised model (seeded, never trained)."""
    cfg = load_config(CONFIGS[request.param], work_dir=tmp_path / 'init', data_root=tiny_sticks,
                      num_workers=0)
    checkpoint = tmp_path / 'init.pth'
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        runner = Runner.from_cfg(copy.deepcopy(cfg))
        torch.save({'state_dict': runner.model.state_dict(), 'meta': {}}, checkpoint)
    return request.param, cfg, checkpoint


def test_timed_loop_gives_the_stock_test_loops_metrics_and_writes_what_it_says(untrained,
                                                                                tmp_path):
    method, cfg, checkpoint = untrained
    stock = copy.deepcopy(cfg)
    stock.work_dir, stock.load_from = str(tmp_path / 'stock'), str(checkpoint)
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        expected = Runner.from_cfg(stock).test()
        result = evaluate(cfg, checkpoint, tmp_path / 'eval', examples=2)

    assert result['metrics'] == pytest.approx(expected)
    assert result['network_ms'] > 0
    assert (result['postprocess_ms'] is not None) == (method == 'ours')  # clustering timed apart
    test_images = Path(cfg.test_dataloader.dataset.data_root) / 'images' / 'test'
    names = sorted(path.name for path in test_images.glob('*.png'))
    assert [image['img_path'].rsplit('/', 1)[-1] for image in result['per_image']] == names
    assert sorted(read_predictions(tmp_path / 'eval' / PER_IMAGE_FILE)) == names
    examples = sorted(path.name for path in (tmp_path / 'eval' / 'examples').iterdir())
    assert examples == names[:2]
    assert read_label_png(tmp_path / 'eval' / 'examples' / names[0]).shape == (64, 64)
