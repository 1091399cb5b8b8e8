# Mask R-CNN baseline on scattered sticks (paper Sec. 3.3): the detect-then-segment method the paper
# argues against, trained from random initialisation (no pretrained weights) on the same images as
# our method and scored by the same code (MaskRCNNInstanceMetric -> discseg.evaluation.score_image).
#
# Recipe: the base's from-scratch Mask R-CNN, scaled down to a ResNet-18 and to thin sticks in
# 128-256 px images on a CPU. Our pipeline overrides sizes and budgets with mmengine dotted keys
# (train_cfg.max_iters, train_cfg.val_interval, train_dataloader.batch_size,
# default_hooks.checkpoint.interval, ...).
_base_ = ['./_base_/mask-rcnn_r50-scratch_fpn_gn-all.py']
# The sticks data, augmentation, metric, loops and hooks, shared with the other detectors.
from baselines.sticks_data import (  # noqa: E402,F401
    data_root, default_hooks, log_processor, max_iters, metainfo, randomness, test_cfg,
    test_dataloader, test_evaluator, test_pipeline, train_cfg, train_dataloader, train_pipeline,
    val_cfg, val_dataloader, val_evaluator)

custom_imports = dict(imports=['baselines.maskrcnn'], allow_failed_imports=False)

warmup_iters = 100
fpn_channels = 128

model = dict(
    data_preprocessor=dict(
        # Black outlines on white: centre [0, 255] on 0 instead of using ImageNet statistics.
        mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5], bgr_to_rgb=True),
    backbone=dict(depth=18),
    neck=dict(
        in_channels=[64, 128, 256, 512],  # ResNet-18's stage widths
        # Half of the usual 256: one class of plain shapes needs far fewer features than COCO's 80,
        # and head convolutions cost 4x less (measured on CPU: a training step is 5x faster).
        out_channels=fpn_channels),
    rpn_head=dict(
        in_channels=fpn_channels,
        feat_channels=fpn_channels,
        anchor_generator=dict(
            # Sticks are ~1/20 of the side wide and 1/4-1/2 of it long, at any angle: boxes range
            # from thin strips (~6x32 px at 128 px, ~13x128 px at 256 px) to squares. Anchor sides
            # 16-256 px (scale 4 on strides 4-64) span both image sizes, and aspect ratios up to
            # 1:4 fit near-axis-aligned sticks. On generated 128 px images, the share of stick boxes
            # whose best anchor has IoU < 0.3 (never a positive) drops from 10.6% with the COCO
            # anchors (scale 8, ratios 1:2-2:1) to 0%, and IoU < 0.5 from 33% to 2.5%.
            scales=[4],
            ratios=[0.25, 0.5, 1.0, 2.0, 4.0])),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=fpn_channels),
        bbox_head=dict(in_channels=fpn_channels, conv_out_channels=fpn_channels, num_classes=1),
        mask_roi_extractor=dict(out_channels=fpn_channels),
        mask_head=dict(in_channels=fpn_channels, conv_out_channels=fpn_channels, num_classes=1)),
    train_cfg=dict(
        # 8-12 sticks per image need far fewer than COCO's 2000 / 1000 proposals and 512 sampled
        # RoIs per image; 128 RoIs (a quarter positive) still cover every stick several times.
        rpn_proposal=dict(nms_pre=1000, max_per_img=300),
        rcnn=dict(sampler=dict(num=128))),
    test_cfg=dict(
        rpn=dict(nms_pre=1000, max_per_img=300),
        # Kept at mmdetection's defaults: NMS at box IoU 0.5 is part of the method under test
        # (crossed sticks have near-identical boxes, paper Sec. 3.3), and 100 detections per image
        # with scores >= 0.05 are what mask AP is usually computed from.
        rcnn=dict(score_thr=0.05, nms=dict(type='nms', iou_threshold=0.5), max_per_img=100)))

# The recipe's SGD, stated for 4 images: 0.02 for 16 scaled linearly to 0.005 (the same rate for
# every batch size under auto_scale_lr).
auto_scale_lr = dict(base_batch_size=4)
optim_wrapper = dict(optimizer=dict(lr=0.005))
# The warm-up, then the experiment's budget and early stopping on validation SBD decide the length.
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=warmup_iters),
]
