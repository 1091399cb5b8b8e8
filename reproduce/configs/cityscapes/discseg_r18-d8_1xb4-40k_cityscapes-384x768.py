# Table 4, medium-light: ResNet-18-D8 (ImageNet weights), head width as mmseg's FCN-R18-D8.
_base_ = ['./discseg_r101-d8_1xb4-40k_cityscapes-384x768.py']
model = dict(
    backbone=dict(depth=18,
                  init_cfg=dict(type='Pretrained', checkpoint='open-mmlab://resnet18_v1c')),
    decode_head=dict(in_channels=512, channels=128))
