"""The instance map is padded like the image in a training batch."""
import torch
from mmengine.structures import PixelData
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

import discseg  # noqa: F401


def sample(height, width, instance_value):
    data_sample = SegDataSample()
    data_sample.gt_sem_seg = PixelData(data=torch.ones(1, height, width, dtype=torch.long))
    data_sample.gt_instance_map = PixelData(data=torch.full((1, height, width), instance_value))
    return data_sample


def test_training_batch_pads_instance_map_with_background():
    preprocessor = MODELS.build(dict(type='InstanceSegDataPreProcessor', size_divisor=8))
    data = dict(inputs=[torch.zeros(3, 5, 6, dtype=torch.uint8), torch.zeros(3, 7, 4, dtype=torch.uint8)],
                data_samples=[sample(5, 6, 3), sample(7, 4, 9)])
    out = preprocessor(data, training=True)
    assert out['inputs'].shape[-2:] == (8, 8)
    first, second = (s.gt_instance_map.data[0] for s in out['data_samples'])
    assert first.shape == second.shape == (8, 8)
    assert (first[:5, :6] == 3).all() and first[5:].eq(0).all() and first[:, 6:].eq(0).all()
    assert (second[:7, :4] == 9).all() and second[7:].eq(0).all() and second[:, 4:].eq(0).all()
