"""The scattered-sticks data, scoring and loops of every mmdetection baseline's sticks config.

Mask R-CNN, Mask2Former and SOLOv2 train on the same images with the same augmentation, validate
with the same metric and stop by the same rules; this module is the one home of those settings.
It is a Python module, not an mmengine ``_base_`` file, because Mask2Former's and SOLOv2's configs
inherit mmdetection's complete COCO configs, which define every data key too, and mmengine refuses
two bases that share a key ("Duplicate key is not allowed among bases"). Each config imports the
names it uses, so its merged config holds them as if written there::

    _base_ = ['mmdet::solov2/solov2_r50_fpn_1x_coco.py']
    from baselines.sticks_data import train_dataloader, ...  # noqa: E402

(``_base_`` must come first: mmengine reads a config that starts with an import as a "lazy" one.)
Sizes and budgets are overridden by the experiment driver with mmengine's dotted keys.
"""
from __future__ import annotations

__all__ = ['data_root', 'default_hooks', 'log_processor', 'max_iters', 'metainfo', 'randomness',
           'test_cfg', 'test_dataloader', 'test_evaluator', 'test_pipeline', 'train_cfg',
           'train_dataloader', 'train_pipeline', 'val_cfg', 'val_dataloader', 'val_evaluator']

data_root = 'data/sticks/default'
max_iters = 4000  # as our method's sticks config; the driver sets every method's budget
metainfo = dict(classes=('stick', ))
# Training targets are the COCO RLEs that discseg.synthetic.sticks writes from each image's
# instance map (every stick's visible pixels), so they are the instance maps our method trains on.
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    # Sticks have no preferred orientation: both flips give new, equally likely images.
    dict(type='RandomFlip', prob=0.5, direction=['horizontal', 'vertical']),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    # Images are used at their own size; a resize by 1 records the scale factor that mmdetection
    # needs to return boxes and masks in original coordinates. Ground truth is read by the metric.
    dict(type='Resize', scale_factor=1.0, keep_ratio=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor')),
]


def _dataset(split: str, pipeline: list, **kwargs) -> dict:
    """One split of the sticks layout (discseg/synthetic/sticks.py), read as COCO."""
    return dict(type='CocoDataset', data_root=data_root, metainfo=metainfo,
                ann_file=f'annotations/{split}.json', data_prefix=dict(img=f'images/{split}/'),
                pipeline=pipeline, **kwargs)


def _test_loader(split: str) -> dict:
    return dict(batch_size=1, num_workers=2, persistent_workers=True, drop_last=False,
                sampler=dict(type='DefaultSampler', shuffle=False),
                dataset=_dataset(split, test_pipeline, test_mode=True))


train_dataloader = dict(
    batch_size=4, num_workers=2, persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=_dataset('train', train_pipeline, filter_cfg=dict(filter_empty_gt=True)))
val_dataloader = _test_loader('val')
test_dataloader = _test_loader('test')
# Our scores on the detector's masks: those scoring >= 0.5 are painted (higher scores on top) for
# SBD / DiC, every mask counts for mask AP (baselines/maskrcnn/metric.py).
val_evaluator = dict(type='MaskRCNNInstanceMetric', score_threshold=0.5)
test_evaluator = val_evaluator

train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=500)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=500, max_keep_ckpts=2,
                    save_best='sbd', rule='greater'))
log_processor = dict(by_epoch=False)
randomness = dict(seed=0, deterministic=False)
