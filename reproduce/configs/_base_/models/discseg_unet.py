# Our instance segmentor on mmseg's UNet (5 stages, 16 base channels), trained from scratch: the
# embedding and foreground branches on its full-resolution output, the paper's loss (Eq. 1-4).
embedding_dims = 8
norm_cfg = dict(type='BN', requires_grad=True)

model = dict(
    type='DiscriminativeInstanceSegmentor',
    data_preprocessor=dict(
        type='InstanceSegDataPreProcessor',
        mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5],
        bgr_to_rgb=True, pad_val=0, seg_pad_val=255, size_divisor=16),
    backbone=dict(
        type='UNet', in_channels=3, base_channels=16, num_stages=5,
        strides=(1, 1, 1, 1, 1), enc_num_convs=(2, 2, 2, 2, 2), dec_num_convs=(2, 2, 2, 2),
        downsamples=(True, True, True, True), enc_dilations=(1, 1, 1, 1, 1),
        dec_dilations=(1, 1, 1, 1), with_cp=False, conv_cfg=None, norm_cfg=norm_cfg,
        act_cfg=dict(type='ReLU'), upsample_cfg=dict(type='InterpConv'), norm_eval=False),
    decode_head=dict(
        type='EmbeddingHead', in_channels=16, in_index=4, channels=16, num_convs=1,
        num_classes=2, embedding_dims=embedding_dims, dropout_ratio=0.0, norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0),
        loss_embedding=dict(type='DiscriminativeLoss', delta_v=0.5, delta_d=1.5, alpha=1.0,
                            beta=1.0, gamma=0.001, norm=2)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole', mask_source='prediction', clustering='mean_shift', bandwidth=1.5,
                  score='class_probability', cluster_cfg=dict(min_size=20)),
)
