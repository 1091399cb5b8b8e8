# Mask R-CNN from random initialisation, for the baselines (nothing pretrained can be downloaded
# here): mmdetection's from-scratch recipe (configs/scratch, after He et al., "Rethinking ImageNet
# Pre-training", 2019: GroupNorm everywhere, no frozen stages, a 4-conv-1-fc box head, warm-up)
# without its data and schedule. Each config on it sets its data, classes, sizes and budget.
_base_ = [
    'mmdet::_base_/models/mask-rcnn_r50_fpn.py',
    'mmdet::_base_/default_runtime.py',
]
default_scope = 'mmdet'

warmup_iters = 500  # mmdetection's
# BatchNorm statistics are unreliable at the 2-4 images a CPU batch holds and nothing pretrained
# supplies frozen ones; GroupNorm is independent of the batch size and is what makes Mask R-CNN
# train from scratch (Wu & He 2018; He et al. 2019). 32 groups as there (2-16 channels each).
norm_cfg = dict(type='GN', num_groups=32, requires_grad=True)

model = dict(
    data_preprocessor=dict(pad_size_divisor=32),  # the backbone's last stage has stride 32
    backbone=dict(
        frozen_stages=-1,  # nothing pretrained to preserve: every stage learns
        norm_cfg=norm_cfg,
        norm_eval=False,
        zero_init_residual=False,  # as mmdetection's from-scratch recipe
        init_cfg=None),  # random (Kaiming) initialisation: no weights can be downloaded
    neck=dict(norm_cfg=norm_cfg),
    roi_head=dict(
        bbox_head=dict(
            # The from-scratch recipe's box head: 4 normalised convs + 1 fc instead of 2 bare fcs.
            type='Shared4Conv1FCBBoxHead',
            conv_out_channels=256,
            norm_cfg=norm_cfg),
        mask_head=dict(norm_cfg=norm_cfg)))

# The recipe's SGD at lr 0.02 for 16 images; auto_scale_lr rescales it linearly (Goyal et al.
# 2017) for whatever batch size a run sets. Gradient clipping guards the first iterations of a
# randomly initialised network; norm parameters are not decayed, as in the recipe.
auto_scale_lr = dict(enable=True, base_batch_size=16)
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=1e-4),
    paramwise_cfg=dict(norm_decay_mult=0.0),
    clip_grad=dict(max_norm=35, norm_type=2))
# Linear warm-up (needed from scratch: early RPN proposals are noise), then a constant rate, as for
# our method (the paper names no schedule): each experiment's budget and stopping rules decide the
# length, so no schedule is tied to an iteration count.
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=warmup_iters),
]
