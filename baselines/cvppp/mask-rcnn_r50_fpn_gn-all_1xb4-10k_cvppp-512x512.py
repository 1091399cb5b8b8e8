# Mask R-CNN baseline on CVPPP A1 (Table 1 gets a row that the paper does not have): the same
# plants, seeded split, 512 x 512 inputs and online augmentation as our method's
# reproduce/configs/cvppp/discseg_r50-d8_1xb4-10k_cvppp-512x512.py, scored by the same code
# (CVPPPMaskRCNNMetric -> discseg.evaluation.score_image). Run it with
# `python -m reproduce cvppp --data-root DIR`.
#
# Model: the base's GroupNorm-everywhere Mask R-CNN R-50-FPN, which trains from random
# initialisation, all that is available offline; its architecture and input normalisation are
# those of mmdetection's `mask-rcnn_r50-scratch_fpn_gn-all_6x_coco`, whose checkpoint
# `reproduce cvppp --maskrcnn-pretrained CKPT` loads (its 80-class layers are skipped, their shapes
# differ).
_base_ = ['../maskrcnn/configs/_base_/mask-rcnn_r50-scratch_fpn_gn-all.py']
custom_imports = dict(imports=['discseg', 'baselines.cvppp'], allow_failed_imports=False)

data_root = 'data/cvppp'  # either official layout, see discseg.datasets.cvppp.LAYOUT
image_size = (512, 512)  # as ours
num_val = 28  # as ours: the same seeded split
split_seed = 0
max_iters = 10000  # as ours: 10k iterations of 4 images

model = dict(roi_head=dict(bbox_head=dict(num_classes=1), mask_head=dict(num_classes=1)))  # leaf
# Test-time settings stay mmdetection's (score >= 0.05, NMS at IoU 0.5, 100 detections); the metric
# paints the masks scoring >= 0.5 into the instance map that SBD and DiC score.

meta_keys = ('img_path', 'seg_map_path', 'fg_path', 'plant', 'ori_shape', 'img_shape',
             'scale_factor', 'flip', 'flip_direction')
# Ours' augmentation, by the same mmseg transforms on the same instance map (scale in [1, 1.5],
# rotation in [0, 2 pi], crop back to 512 x 512, left-right flip); boxes and masks are derived from
# the map afterwards. No coordinate channels: a detector places instances by its boxes.
train_pipeline = [
    dict(type='mmseg.LoadCVPPPImage', channel_order='bgr'),
    dict(type='mmseg.LoadCVPPPAnnotations'),
    dict(type='mmseg.RandomResize', scale=image_size, ratio_range=(1.0, 1.5), keep_ratio=False,
         resize_type='mmseg.Resize'),
    dict(type='mmseg.RandomRotate', prob=1.0, degree=180, pad_val=0, seg_pad_val=0),
    dict(type='mmseg.RandomCrop', crop_size=image_size),
    dict(type='mmseg.RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='InstanceMapToDetTargets'),
    dict(type='PackDetInputs', meta_keys=meta_keys),
]
# Masks come back at the original size (scale_factor); the metric reads the label file itself.
test_pipeline = [
    dict(type='mmseg.LoadCVPPPImage', channel_order='bgr'),
    dict(type='Resize', scale=image_size, keep_ratio=False),
    dict(type='PackDetInputs', meta_keys=meta_keys),
]
dataset_a1 = dict(type='mmseg.CVPPPDataset', data_root=data_root, subset='A1', num_val=num_val,
                  split_seed=split_seed)
train_dataloader = dict(
    batch_size=4, num_workers=2, persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(**dataset_a1, split='train', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1, num_workers=2, persistent_workers=True, drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**dataset_a1, split='val', pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='CVPPPMaskRCNNMetric', compute_ap=False, score_threshold=0.5,
                     mask_source='prediction')
test_evaluator = val_evaluator

# The base's optimiser and warm-up (SGD at 0.02 for 16 images, scaled to 4 by auto_scale_lr); the
# last checkpoint is the reported model.
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=1000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=1000, max_keep_ckpts=2,
                    save_best=None))
log_processor = dict(by_epoch=False)
randomness = dict(seed=0, deterministic=False)
