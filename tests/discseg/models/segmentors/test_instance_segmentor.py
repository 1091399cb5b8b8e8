"""The segmentor's test_cfg reaches the clustering: the leftover rule follows the mask source."""
import pytest
import torch
from mmengine.registry import DefaultScope
from mmengine.structures import PixelData
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

import discseg  # noqa: F401


def tiny_segmentor(loss_embedding=dict(type='DiscriminativeLoss'), **test_cfg):
    """A 2-class segmentor with 1-D embeddings; its network is never run here."""
    with DefaultScope.overwrite_default_scope('mmseg'):  # UNet builds its upsampling by scope
        return MODELS.build(dict(
            type='DiscriminativeInstanceSegmentor',
            backbone=dict(type='UNet', in_channels=3, base_channels=4, num_stages=2, strides=(1, 1),
                          enc_num_convs=(1, 1), dec_num_convs=(1,), downsamples=(True,),
                          enc_dilations=(1, 1), dec_dilations=(1,)),
            decode_head=dict(type='EmbeddingHead', in_channels=4, in_index=1, channels=4, num_convs=1,
                             num_classes=2, embedding_dims=1,
                             loss_decode=dict(type='CrossEntropyLoss', avg_non_ignore=True),
                             loss_embedding=loss_embedding),
            test_cfg=dict(mode='whole', **test_cfg)))


def network_outputs() -> SegDataSample:
    """One row of 41 foreground pixels: 20 embedded at 0, 20 at 4 and one at 2.0, near neither.

    The predicted and the given foreground are the same, so only the leftover rule differs.
    """
    embedding = torch.tensor([0.0] * 20 + [4.0] * 20 + [2.0]).view(1, 1, 41)
    logits = torch.stack([torch.zeros(1, 41), torch.ones(1, 41)])
    sample = SegDataSample()
    sample.seg_logits = PixelData(data=torch.cat([logits, embedding]))
    sample.gt_sem_seg = PixelData(data=torch.ones(1, 1, 41, dtype=torch.long))
    return sample


@pytest.mark.parametrize('mask_source, leftovers, labelled', [
    ('ground_truth', 'nearest_centre', True),
    ('prediction', 'nearest_centre', True),
    ('ground_truth', None, False),  # the paper's rule by default
    ('ground_truth', dict(ground_truth='nearest_centre', prediction='unlabelled'), True),
    ('prediction', dict(ground_truth='nearest_centre', prediction='unlabelled'), False),
    ('prediction', dict(ground_truth='nearest_centre'), False),
])
def test_leftover_rule_by_mask_source(mask_source, leftovers, labelled):
    test_cfg = dict(mask_source=mask_source, bandwidth=1.5)
    if leftovers is not None:
        test_cfg['leftovers'] = leftovers
    sample = tiny_segmentor(**test_cfg).segment_instances([network_outputs()])[0]
    instance_map = sample.pred_instance_map.data[0, 0]
    assert int(instance_map.max()) == 2 and (instance_map[:40] > 0).all()
    assert bool(instance_map[40] > 0) == labelled


@pytest.mark.parametrize('leftovers', ['all', dict(given='nearest_centre'),
                                       dict(prediction='everything')])
def test_bad_leftover_rule_is_rejected_clearly(leftovers):
    with pytest.raises(ValueError, match='test_cfg.leftovers'):
        tiny_segmentor(leftovers=leftovers)


@pytest.mark.parametrize('delta_d, bandwidth, reaches_the_middle', [
    (1.5, None, False),  # radius 1.5 around 0 and 4: the pixel at 2 is near neither
    (2.5, None, True),   # radius 2.5: it falls inside a cluster
    (2.5, 1.5, False),   # an explicit bandwidth wins over the loss's margin
])
def test_bandwidth_defaults_to_the_losss_push_margin(delta_d, bandwidth, reaches_the_middle):
    test_cfg = dict(mask_source='ground_truth', leftovers='unlabelled')
    if bandwidth is not None:
        test_cfg['bandwidth'] = bandwidth
    segmentor = tiny_segmentor(loss_embedding=dict(type='DiscriminativeLoss', delta_d=delta_d),
                               **test_cfg)
    instance_map = segmentor.segment_instances([network_outputs()])[0].pred_instance_map.data[0, 0]
    assert int(instance_map.max()) == 2
    assert bool(instance_map[40] > 0) == reaches_the_middle
