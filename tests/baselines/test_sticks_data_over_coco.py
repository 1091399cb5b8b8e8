"""The box-free baselines' COCO recipes: their loaders, evaluators and loop are the sticks ones,
replaced, not merged (nothing of the recipe's COCO data settings survives)."""
import pytest
from mmengine.config import Config

from baselines import sticks_data

CONFIGS = ['baselines/mask2former/configs/mask2former_r18_1xb4-4k_sticks.py',
           'baselines/solov2/configs/solov2_r18_fpn_1xb4-4k_sticks.py']
REPLACED = ('train_dataloader', 'val_dataloader', 'test_dataloader', 'val_evaluator',
            'test_evaluator', 'train_cfg')


@pytest.mark.parametrize('config', CONFIGS)
def test_coco_recipe_data_settings_are_replaced_by_the_sticks_ones(config):
    cfg = Config.fromfile(config)
    for name in REPLACED:
        assert Config(dict(value=getattr(sticks_data, name))).value == cfg[name], name
    assert 'batch_sampler' not in cfg.train_dataloader  # the recipe's aspect-ratio sampler
    assert cfg.train_cfg.type == 'IterBasedTrainLoop'
