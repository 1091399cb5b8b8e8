# Mask2Former baseline on scattered sticks: a detector that decides instances without boxes. Each
# query predicts a class and a mask, queries are matched to sticks by mask cost (Hungarian), and
# there is no box head and no NMS. If it also fails as sticks cross, the paper's claim (Sec. 3.3) is
# about proposals in general, not about boxes. Trained from random initialisation on the same images
# as our method and Mask R-CNN, scored by the same code (baselines/sticks_data.py).
#
# Recipe: mmdetection's instance-segmentation Mask2Former (Cheng et al. 2022), scaled down to a
# ResNet-18 and to one class of thin sticks in 128-256 px images on a CPU. The driver overrides
# sizes and budgets with mmengine dotted keys, as for Mask R-CNN.
_base_ = ['mmdet::mask2former/mask2former_r50_8xb2-lsj-50e_coco.py']
# The sticks data, augmentation, metric, loops and hooks, shared with the other detectors; the
# COCO recipe's loaders, evaluators and loop are replaced, not merged
# (baselines/sticks_data_over_coco.py).
from baselines.sticks_data_over_coco import (  # noqa: E402,F401
    data_root, default_hooks, log_processor, max_iters, metainfo, randomness, test_cfg,
    test_dataloader, test_evaluator, test_pipeline, train_cfg, train_dataloader, train_pipeline,
    val_cfg, val_dataloader, val_evaluator)

custom_imports = dict(imports=['baselines.maskrcnn'], allow_failed_imports=False)
default_scope = 'mmdet'

num_things_classes = 1
num_stuff_classes = 0
num_classes = num_things_classes + num_stuff_classes
warmup_iters = 100
# Half of the recipe's 256 in every transformer and head, as Mask R-CNN's FPN: one class of plain
# shapes needs far fewer features than COCO's 133, and attention and FFN costs fall 2-4x.
embed_dims = 128
# The sticks images hold 4-8 (CPU) or 8-12 (paper) sticks, against COCO's up to ~100 objects. 20
# queries still leave each stick about two; and every query scores its mask at 1/4 resolution.
num_queries = 20
# GroupNorm, as in Mask R-CNN's from-scratch recipe: BatchNorm's statistics are unreliable at 2-8
# images per batch and nothing pretrained supplies frozen ones (the recipe freezes pretrained BN).
norm_cfg = dict(type='GN', num_groups=32, requires_grad=True)

model = dict(
    data_preprocessor=dict(
        # Black outlines on white: centre [0, 255] on 0 instead of using ImageNet statistics.
        mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5],
        # All images of a run have one size (divisible by 32): no large-scale-jitter canvas.
        batch_augments=None),
    backbone=dict(
        depth=18,
        norm_cfg=norm_cfg,
        norm_eval=False,
        init_cfg=None),  # random (Kaiming) initialisation: no weights can be downloaded
    panoptic_head=dict(
        in_channels=[64, 128, 256, 512],  # ResNet-18's stage widths
        feat_channels=embed_dims,
        out_channels=embed_dims,
        num_things_classes=num_things_classes,
        num_stuff_classes=num_stuff_classes,
        num_queries=num_queries,
        pixel_decoder=dict(
            # Multi-scale deformable attention runs mmcv's PyTorch implementation on a CPU.
            # 3 encoder layers instead of 6: the encoder runs at 1/8-1/32 of 128 px (<= 336
            # tokens), where 3 layers already give every token the whole image.
            encoder=dict(
                num_layers=3,
                layer_cfg=dict(
                    self_attn_cfg=dict(embed_dims=embed_dims, num_heads=4),
                    ffn_cfg=dict(embed_dims=embed_dims, feedforward_channels=4 * embed_dims))),
            positional_encoding=dict(num_feats=embed_dims // 2)),
        positional_encoding=dict(num_feats=embed_dims // 2),
        transformer_decoder=dict(
            # 6 decoder layers (2 rounds over the 3 feature levels) instead of 9 (3 rounds).
            num_layers=6,
            layer_cfg=dict(
                self_attn_cfg=dict(embed_dims=embed_dims, num_heads=4),
                cross_attn_cfg=dict(embed_dims=embed_dims, num_heads=4),
                ffn_cfg=dict(embed_dims=embed_dims, feedforward_channels=8 * embed_dims))),
        # The recipe's losses and weights (class 2, mask BCE 5, dice 5); "no object" weighs 0.1.
        loss_cls=dict(class_weight=[1.0] * num_classes + [0.1])),
    panoptic_fusion_head=dict(
        num_things_classes=num_things_classes,
        num_stuff_classes=num_stuff_classes),
    train_cfg=dict(
        # The recipe samples 112 x 112 points of each mask; a 128 px image's masks are predicted at
        # 32 x 32, so 32 x 32 points (importance-sampled as in the recipe) cover them.
        num_points=32 * 32),
    test_cfg=dict(
        panoptic_on=False,
        # Every query's mask is returned, ranked by class probability x mask quality, as the
        # recipe's instance output: mask AP uses them all, SBD / DiC paint those scoring >= 0.5.
        max_per_image=num_queries))

# The recipe's AdamW (lr 1e-4, weight decay 0.05, clipping at 0.01 as in the recipe), with the whole
# network at the full rate: its backbone's 0.1 multiplier protects pretrained weights, there are
# none. Then the same 100-iteration warm-up and constant rate as Mask R-CNN: the shared budget and
# early stopping on validation SBD decide the length, not an iteration-count schedule.
optim_wrapper = dict(paramwise_cfg=dict(custom_keys=dict(backbone=dict(lr_mult=1.0))))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=warmup_iters),
]
