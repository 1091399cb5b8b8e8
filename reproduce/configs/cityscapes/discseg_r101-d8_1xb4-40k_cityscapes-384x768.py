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
_base_ = [
    '../_base_/models/discseg_r50-d8.py', '../_base_/datasets/cityscapes.py',
    '../_base_/default_runtime.py', '../_base_/schedules/adam_constant_lr.py',
]
embedding_dims = 8

model = dict(
    backbone=dict(depth=101,
                  init_cfg=dict(type='Pretrained', checkpoint='open-mmlab://resnet101_v1c')),
    decode_head=dict(num_convs=1, num_classes=_base_.num_classes, embedding_dims=embedding_dims,
                     loss_embedding=dict(per_class=True, label_divisor=1000)),
    # [C] Pixels near no centre stay background with both mask sources, as in the paper: a ground
    # truth semantic mask also holds crowd regions (a class, no instance) and instances under
    # min_size, which would otherwise be glued to a neighbouring instance and lower its IoU.
    test_cfg=dict(mask_source='prediction', score='constant', leftovers='unlabelled',
                  cluster_cfg=dict(min_size=100)),
)

train_cfg = dict(max_iters=40000, val_interval=4000)
default_hooks = dict(checkpoint=dict(interval=4000, save_best='cityscapes/AP'))
