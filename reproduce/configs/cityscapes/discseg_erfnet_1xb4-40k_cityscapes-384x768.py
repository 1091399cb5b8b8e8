# Table 4, light: ERFNet, mmseg's closest relative of the paper's ENet (same encoder-decoder
# design, factorised convolutions, full-resolution 16-channel output), from scratch as in mmseg.
_base_ = ['./discseg_r101-d8_1xb4-40k_cityscapes-384x768.py']
model = dict(
    backbone=dict(
        _delete_=True, type='ERFNet', in_channels=3, enc_downsample_channels=(16, 64, 128),
        enc_stage_non_bottlenecks=(5, 8), enc_non_bottleneck_dilations=(2, 4, 8, 16),
        enc_non_bottleneck_channels=(64, 128), dec_upsample_channels=(64, 16),
        dec_stages_non_bottleneck=(2, 2), dec_non_bottleneck_channels=(64, 16),
        dropout_ratio=0.1, init_cfg=None),
    # ENet ends in a classifier on its 16 full-resolution channels: both branches do the same.
    decode_head=dict(in_channels=16, in_index=0, channels=16, num_convs=0, dropout_ratio=0.0))
