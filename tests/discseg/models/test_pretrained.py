"""A 3-channel pretrained backbone widened to our 5 inputs: RGB weights kept, coordinates zero."""
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from discseg.models.pretrained import widen_pretrained_backbone

SMALL_RESNET = 'reproduce/configs/cvppp/discseg_r18-d8-tiny_1xb2-200it_cvppp-512x512.py'


def test_pretrained_stem_is_widened_with_zero_coordinate_weights(tmp_path):
    init_default_scope('mmseg')
    cfg = Config.fromfile(SMALL_RESNET)
    rgb_backbone = MODELS.build({**cfg.model.backbone, 'in_channels': 3})
    torch.save({'state_dict': {f'backbone.{k}': v for k, v in rgb_backbone.state_dict().items()}},
               tmp_path / 'rgb.pth')

    init_cfg = widen_pretrained_backbone(tmp_path / 'rgb.pth', cfg.model.backbone,
                                         tmp_path / 'widened.pth')
    backbone = MODELS.build({**cfg.model.backbone, 'init_cfg': init_cfg})
    backbone.init_weights()
    stem = backbone.state_dict()['stem.0.weight']
    rgb_stem = rgb_backbone.state_dict()['stem.0.weight']
    assert stem.shape[1] == 5
    torch.testing.assert_close(stem[:, :3], rgb_stem)
    assert not stem[:, 3:].any()
    torch.testing.assert_close(backbone.state_dict()['layer4.0.conv1.weight'],
                               rgb_backbone.state_dict()['layer4.0.conv1.weight'])
