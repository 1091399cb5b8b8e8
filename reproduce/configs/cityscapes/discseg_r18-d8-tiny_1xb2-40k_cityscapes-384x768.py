# A few-second variant of the base for the tests (a generated tree, a CPU): a narrow ResNet-18-D8
# without pretrained weights. The tests run it at 128x64 (set_input_size).
_base_ = ['./discseg_r101-d8_1xb4-40k_cityscapes-384x768.py']
norm_cfg = dict(type='BN', requires_grad=True)
model = dict(
    backbone=dict(depth=18, stem_channels=16, base_channels=16, norm_cfg=norm_cfg, init_cfg=None),
    decode_head=dict(in_channels=128, channels=32, dropout_ratio=0.0, norm_cfg=norm_cfg),
    test_cfg=dict(cluster_cfg=dict(min_size=20)))
train_dataloader = dict(batch_size=2, num_workers=0, persistent_workers=False)
val_dataloader = dict(num_workers=0, persistent_workers=False)
test_dataloader = val_dataloader
