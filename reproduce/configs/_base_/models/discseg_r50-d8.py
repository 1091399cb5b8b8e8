# Our instance segmentor on a dilated ResNet. The paper's ResNet-38 (Wu et al. 2016, a wide ResNet
# with dilated last stages, output stride 8) is not in mmseg; ResNetV1c-50 with the same dilation
# scheme (D8) is its nearest counterpart there. Its head has an embedding branch trained with the
# paper's loss and a semantic branch; each experiment sets their sizes (num_convs, num_classes,
# embedding_dims) and how the test clusters.
norm_cfg = dict(type='SyncBN', requires_grad=True)  # mmengine turns it into BN in one process

model = dict(
    type='DiscriminativeInstanceSegmentor',
    data_preprocessor=dict(
        type='InstanceSegDataPreProcessor',
        mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True, pad_val=0, seg_pad_val=255, size_divisor=8),
    backbone=dict(
        type='ResNetV1c', depth=50, num_stages=4, out_indices=(0, 1, 2, 3),
        dilations=(1, 1, 2, 4), strides=(1, 2, 1, 1), contract_dilation=True, style='pytorch',
        norm_cfg=norm_cfg, norm_eval=False),
    decode_head=dict(
        type='EmbeddingHead', in_channels=2048, in_index=3, channels=512, dropout_ratio=0.1,
        norm_cfg=norm_cfg, align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0),
        loss_embedding=dict(type='DiscriminativeLoss', delta_v=0.5, delta_d=1.5, alpha=1.0,
                            beta=1.0, gamma=0.001, norm=2)),  # [P] margins and weights
    train_cfg=dict(),
    test_cfg=dict(mode='whole', clustering='mean_shift', bandwidth=1.5),
)
