# Smoke-test variant of the base: same data, pipeline, loss and clustering, with a ResNetV1c-18 at
# 1/8 of the width (same D8 dilation scheme) so that a few iterations run on a CPU.
_base_ = ['./discseg_r50-d8_1xb4-10k_cvppp-512x512.py']

model = dict(
    backbone=dict(depth=18, stem_channels=16, base_channels=8),
    decode_head=dict(in_channels=64, channels=32, num_convs=1, dropout_ratio=0.0))
train_dataloader = dict(batch_size=2)
train_cfg = dict(max_iters=200, val_interval=200)
default_hooks = dict(checkpoint=dict(interval=100), logger=dict(interval=10))
