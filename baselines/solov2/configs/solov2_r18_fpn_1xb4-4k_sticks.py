# SOLOv2 baseline on scattered sticks: no boxes, no proposals. Each instance is assigned to the grid
# cells around its centre at the pyramid level of its size, each cell predicts a class score and
# the kernel of a dynamic mask convolution, and Matrix NMS removes duplicates by mask overlap. Two
# sticks that cross at their middles share a centre: this baseline tests centre collisions, which
# the crossing-position axis of the sticks study separates from box overlap. Trained from random
# initialisation on the same images as our method and Mask R-CNN, scored by the same code
# (baselines/sticks_data.py).
#
# Recipe: mmdetection's SOLOv2 (Wang et al. 2020), scaled down to a ResNet-18 and to one class of
# thin sticks in 128-256 px images on a CPU. The driver overrides sizes and budgets with mmengine
# dotted keys, as for Mask R-CNN.
_base_ = ['mmdet::solov2/solov2_r50_fpn_1x_coco.py']
# The sticks data, augmentation, metric, loops and hooks, shared with the other detectors; the
# COCO recipe's loaders, evaluators and loop are replaced, not merged
# (baselines/sticks_data_over_coco.py).
from baselines.sticks_data_over_coco import (  # noqa: E402,F401
    data_root, default_hooks, log_processor, max_iters, metainfo, randomness, test_cfg,
    test_dataloader, test_evaluator, test_pipeline, train_cfg, train_dataloader, train_pipeline,
    val_cfg, val_dataloader, val_evaluator)

custom_imports = dict(imports=['baselines.maskrcnn'], allow_failed_imports=False)
default_scope = 'mmdet'

warmup_iters = 100
fpn_channels = 128  # half the recipe's 256, as Mask R-CNN's FPN: one class of plain shapes
# GroupNorm everywhere (the recipe has it in the heads only), as Mask R-CNN's from-scratch recipe:
# BatchNorm's statistics are unreliable at 2-8 images per batch and nothing pretrained supplies
# frozen ones.
norm_cfg = dict(type='GN', num_groups=32, requires_grad=True)

model = dict(
    data_preprocessor=dict(
        # Black outlines on white: centre [0, 255] on 0 instead of using ImageNet statistics.
        mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5]),
    backbone=dict(
        depth=18,
        frozen_stages=-1,  # nothing pretrained to preserve: every stage learns
        norm_cfg=norm_cfg,
        norm_eval=False,
        init_cfg=None),  # random (Kaiming) initialisation: no weights can be downloaded
    neck=dict(
        in_channels=[64, 128, 256, 512],  # ResNet-18's stage widths
        out_channels=fpn_channels,
        norm_cfg=norm_cfg),
    mask_head=dict(
        num_classes=1,
        in_channels=fpn_channels,
        # The recipe's light variant (solov2-light: 2 stacked convs) at the FPN's width: the
        # category and kernel branches run on S x S grids whatever the image size, so at 128 px
        # they, not the image, set the cost.
        feat_channels=fpn_channels,
        stacked_convs=2,
        # Instances go to the level of their size sqrt(box area). The recipe's ranges are for COCO
        # images with an 800 px short side; scaled by 128 / 800 they put the sticks of a 128 px
        # image (sizes 8-48 px, median 27) on the levels where COCO objects of the same relative
        # size go, and 256 px sticks (14-98 px) one level up. The grid counts stay the recipe's:
        # the image is COCO's geometry shrunk, cells keep their size relative to the objects.
        scale_ranges=((1, 15), (8, 31), (15, 61), (31, 123), (61, 328)),
        mask_feature_head=dict(feat_channels=64, out_channels=fpn_channels)),
    # Test settings stay the recipe's: Matrix NMS on masks (Gaussian, sigma 2) is part of the
    # method under test, and up to 100 masks scoring >= 0.1 are what mask AP is computed from.
    test_cfg=dict(score_thr=0.1, mask_thr=0.5, filter_thr=0.05, nms_pre=500, max_per_img=100))

# The recipe's SGD (lr 0.01 for 16 images, momentum 0.9, weight decay 1e-4, clipping at 35),
# scaled linearly to 0.0025 for 4 by auto_scale_lr, which rescales it for whatever batch size a run
# sets. Then the same 100-iteration warm-up and constant rate as Mask R-CNN: the shared budget and
# early stopping on validation SBD decide the length, not an epoch schedule.
auto_scale_lr = dict(enable=True, base_batch_size=16)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=warmup_iters),
]
