# Smoke-test variant of the base: same data, pipeline, heads and metric, with a ResNet-18 at 1/4 of
# the width and a 32-channel FPN, so that a few iterations run on a CPU.
_base_ = ['./mask-rcnn_r50_fpn_gn-all_1xb4-10k_cvppp-512x512.py']

width = 32
norm_cfg = dict(type='GN', num_groups=8, requires_grad=True)  # 32 groups need >= 32 channels
model = dict(
    backbone=dict(depth=18, base_channels=16, norm_cfg=norm_cfg),
    neck=dict(in_channels=[16, 32, 64, 128], out_channels=width, norm_cfg=norm_cfg),
    rpn_head=dict(in_channels=width, feat_channels=width),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=width),
        bbox_head=dict(in_channels=width, conv_out_channels=width, fc_out_channels=128,
                       norm_cfg=norm_cfg),
        mask_roi_extractor=dict(out_channels=width),
        mask_head=dict(in_channels=width, conv_out_channels=width, norm_cfg=norm_cfg)))
train_dataloader = dict(batch_size=2)
warmup_iters = 20
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=warmup_iters),
]
train_cfg = dict(max_iters=200, val_interval=200)
default_hooks = dict(checkpoint=dict(interval=100), logger=dict(interval=10))
