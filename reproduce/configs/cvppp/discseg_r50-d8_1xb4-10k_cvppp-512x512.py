# CVPPP leaf segmentation, A1 (paper Sec. 4.1, Table 1, Fig. 5): the paper's recipe wherever it
# gives one ([P] below); every other value is a choice listed in the README's "Deviations and
# choices".
# Run it with `python -m reproduce cvppp --data-root DIR` (see reproduce/cvppp.py).
_base_ = ['../_base_/default_runtime.py']
custom_imports = dict(imports=['discseg'], allow_failed_imports=False)

data_root = 'data/cvppp'  # either official layout, see discseg.datasets.cvppp.LAYOUT
image_size = (512, 512)  # [P] images rescaled to 512 x 512
embedding_dims = 16  # [P]
num_val = 28  # held-out labelled plants; the paper has no split: 28 of 128 as peers (PAPER §8)
split_seed = 0
norm_cfg = dict(type='BN', requires_grad=True)

# Backbone. The paper's ResNet-38 (Wu et al. 2016, a wide ResNet with dilated last stages, output
# stride 8, fine-tuned from Cityscapes semantic segmentation) is not in mmseg. ResNetV1c-50 with
# the same dilation scheme (D8) is its nearest counterpart there, and mmseg's Cityscapes FCN/PSPNet
# R-50-D8 checkpoints give it the paper's kind of initialisation: pass one to
# `python -m reproduce cvppp --pretrained CKPT`, which widens the stem's first convolution to the 5
# input channels (zero weights for x and y, so the pretrained function is kept) and sets
# `model.backbone.init_cfg`. Swap with `depth=101` or any mmseg backbone with `in_channels=5`.
model = dict(
    type='DiscriminativeInstanceSegmentor',
    data_preprocessor=dict(
        type='InstanceSegDataPreProcessor',
        # RGB (ImageNet statistics), then the x and y maps, which are already in [-1, 1]. The
        # images are loaded as RGB: mmseg's bgr_to_rgb only acts on 3-channel inputs.
        mean=[123.675, 116.28, 103.53, 0.0, 0.0], std=[58.395, 57.12, 57.375, 1.0, 1.0],
        bgr_to_rgb=False, pad_val=0, seg_pad_val=255, size_divisor=8),
    backbone=dict(
        type='ResNetV1c', depth=50, in_channels=5, num_stages=4, out_indices=(0, 1, 2, 3),
        dilations=(1, 1, 2, 4), strides=(1, 2, 1, 1), contract_dilation=True, style='pytorch',
        norm_cfg=norm_cfg, norm_eval=False, init_cfg=None),
    decode_head=dict(
        type='EmbeddingHead', in_channels=2048, in_index=3, channels=512, num_convs=2,
        num_classes=2, embedding_dims=embedding_dims, dropout_ratio=0.1, norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0),
        loss_embedding=dict(type='DiscriminativeLoss', delta_v=0.5, delta_d=1.5, alpha=1.0,
                            beta=1.0, gamma=0.001, norm=2)),  # [P] margins and weights
    train_cfg=dict(),
    # [P] the challenge's own foreground masks at test time; mask_source='prediction' uses the
    # model's foreground branch instead. [C] Every pixel of the given fg is a leaf, so pixels the
    # mean-shift rounds leave unlabelled join their nearest centre; with the model's own mask they
    # stay background, as in the paper.
    test_cfg=dict(mode='whole', mask_source='ground_truth', clustering='mean_shift', bandwidth=1.5,
                  leftovers=dict(ground_truth='nearest_centre', prediction='unlabelled')),
)

meta_keys = ('img_path', 'seg_map_path', 'ori_shape', 'img_shape', 'pad_shape', 'scale_factor',
             'flip', 'flip_direction', 'reduce_zero_label', 'plant')
# [P] online augmentation: random scale in [1.0, 1.5] (of the 512 x 512 image, cropped back to
# 512 x 512), rotation in [0, 2 pi], left-right flip. The x / y maps are appended after them, so
# they always describe the network's input frame.
train_pipeline = [
    dict(type='LoadCVPPPImage', channel_order='rgb'),
    dict(type='LoadCVPPPAnnotations'),
    # mmseg's Resize, named with its scope: mmcv's would leave gt_instance_map unscaled.
    dict(type='RandomResize', scale=image_size, ratio_range=(1.0, 1.5), keep_ratio=False,
         resize_type='mmseg.Resize'),
    dict(type='RandomRotate', prob=1.0, degree=180, pad_val=0, seg_pad_val=0),
    dict(type='RandomCrop', crop_size=image_size),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='AddCoordinateChannels'),
    dict(type='PackInstanceInputs', meta_keys=meta_keys),
]
# Annotations are loaded after the resize, so they, and the scores, stay at the original size.
test_pipeline = [
    dict(type='LoadCVPPPImage', channel_order='rgb'),
    dict(type='mmseg.Resize', scale=image_size, keep_ratio=False),
    dict(type='AddCoordinateChannels'),
    dict(type='LoadCVPPPAnnotations'),
    dict(type='PackInstanceInputs', meta_keys=meta_keys),
]
dataset_a1 = dict(type='CVPPPDataset', data_root=data_root, subset='A1', num_val=num_val,
               split_seed=split_seed)
train_dataloader = dict(
    batch_size=4, num_workers=2, persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(**dataset_a1, split='train', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1, num_workers=2, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**dataset_a1, split='val', pipeline=test_pipeline))
# The 33 test plants: foreground masks, no labels; runner.test() writes the organisers' file.
test_dataloader = dict(
    batch_size=1, num_workers=2, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**dataset_a1, split='test', pipeline=test_pipeline))
val_evaluator = dict(type='InstanceSegMetric', compute_ap=False)  # SBD, DiC, |DiC|, fg Dice
test_evaluator = dict(type='CVPPPSubmission', output_file='cvppp_submission_A1.h5', subset='A1')

# [P] Adam, lr 1e-4. Batch size, length and schedule are not given: a constant lr (no schedule is
# named), batch 4, 10k iterations (~400 epochs of the 100 training plants).
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-4, weight_decay=0.0))
param_scheduler = []
train_cfg = dict(type='IterBasedTrainLoop', max_iters=10000, val_interval=1000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
# The reported model is the last one: picking the best on the validation split would bias the
# validation numbers that Table 1 reports.
default_hooks = dict(checkpoint=dict(interval=1000, save_best=None))
