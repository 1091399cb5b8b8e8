# Cityscapes instance segmentation (paper Sec. 4.2, Tables 2-3): one network with a shared
# 8-dimensional embedding trained with the discriminative loss per semantic class, and a semantic
# branch (background + the 8 instance classes) that gives the test-time class masks.
#
# As in the paper: 768x384 input, no augmentation, 8 embedding dimensions, delta_v 0.5, delta_d 1.5,
# loss per class, Adam with lr 1e-4, fine-tuned from a Cityscapes semantic-segmentation model
# (its checkpoint as `load_from`; keys that do not fit, e.g. a 19-class classifier, are skipped;
# `python -m reproduce cityscapes --init-checkpoint` does the same for resumable runs).
# Not in the paper, chosen here (README "Deviations and choices"): ResNet-101-D8 (mmseg has no
# ResNet-38; this is its closest dilated, output-stride-8 relative), the semantic branch on the
# same network instead of a second ResNet-38, batch 4, 40k iterations at a constant lr, no weight
# decay, a score of 1.0 per instance (the authors' choice), clustering at the original resolution
# with instances under 100 px dropped (the evaluation ignores smaller ground truth).
_base_ = ['../_base_/default_runtime.py']
custom_imports = dict(imports=['discseg'], allow_failed_imports=False)

data_root = 'data/cityscapes'
input_size = (768, 384)  # (width, height); other sizes: reproduce.cityscapes.set_input_size
# person, rider, car, truck, bus, train, motorcycle, bicycle: class indices 1..8, 0 = background
thing_label_ids = [24, 25, 26, 27, 28, 31, 32, 33]
num_classes = 1 + len(thing_label_ids)
embedding_dims = 8
norm_cfg = dict(type='SyncBN', requires_grad=True)  # mmengine turns it into BN in one process

model = dict(
    type='DiscriminativeInstanceSegmentor',
    data_preprocessor=dict(
        type='InstanceSegDataPreProcessor',
        mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True, pad_val=0, seg_pad_val=255, size_divisor=8),
    backbone=dict(
        type='ResNetV1c', depth=101, num_stages=4, out_indices=(0, 1, 2, 3),
        dilations=(1, 1, 2, 4), strides=(1, 2, 1, 1), norm_cfg=norm_cfg, norm_eval=False,
        style='pytorch', contract_dilation=True,
        init_cfg=dict(type='Pretrained', checkpoint='open-mmlab://resnet101_v1c')),
    decode_head=dict(
        type='EmbeddingHead', in_channels=2048, in_index=3, channels=512, num_convs=1,
        num_classes=num_classes, embedding_dims=embedding_dims, dropout_ratio=0.1,
        norm_cfg=norm_cfg, align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0),
        loss_embedding=dict(type='DiscriminativeLoss', delta_v=0.5, delta_d=1.5, alpha=1.0,
                            beta=1.0, gamma=0.001, norm=2, per_class=True, label_divisor=1000)),
    train_cfg=dict(),
    # [C] Pixels near no centre stay background with both mask sources, as in the paper: a ground
    # truth semantic mask also holds crowd regions (a class, no instance) and instances under
    # min_size, which would otherwise be glued to a neighbouring instance and lower its IoU.
    test_cfg=dict(mode='whole', mask_source='prediction', clustering='mean_shift', bandwidth=1.5,
                  score='constant', leftovers='unlabelled', cluster_cfg=dict(min_size=100)),
)

load_annotations = dict(type='LoadInstanceAnnotations', label_divisor=1000,
                        thing_label_ids=thing_label_ids, require_16bit=True)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    load_annotations,
    dict(type='Resize', scale=input_size, keep_ratio=True),
    dict(type='PackInstanceInputs'),
]
# Ground truth is loaded after the resize: it stays at the original size, where predictions are
# returned, scored and (for mask_source='ground_truth') taken from.
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=input_size, keep_ratio=True),
    load_annotations,
    dict(type='PackInstanceInputs'),
]
train_dataloader = dict(
    batch_size=4, num_workers=4, persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(type='CityscapesInstanceDataset', data_root=data_root, split='train',
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1, num_workers=4, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='CityscapesInstanceDataset', data_root=data_root, split='val',
                 pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='CityscapesInstanceMetric')
test_evaluator = val_evaluator

optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-4, weight_decay=0.0))
param_scheduler = []  # the paper gives one learning rate and no schedule
train_cfg = dict(type='IterBasedTrainLoop', max_iters=40000, val_interval=4000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=4000, max_keep_ckpts=2,
                    save_best='cityscapes/AP', rule='greater'))
