# Table 4, medium-light: ResNet-18-D8 (ImageNet weights), head width as mmseg's FCN-R18-D8.
_base_ = ['./discseg_cityscapes.py']
model = dict(
    backbone=dict(depth=18,
                  init_cfg=dict(type='Pretrained', checkpoint='open-mmlab://resnet18_v1c')),
    decode_head=dict(in_channels=512, channels=128))
