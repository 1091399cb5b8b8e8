# Table 4, medium-heavy: ResNet-50-D8 (ImageNet weights). The heaviest row is the base
# (ResNet-101-D8), the model of Tables 2 and 3.
_base_ = ['./discseg_r101-d8_1xb4-40k_cityscapes-384x768.py']
model = dict(
    backbone=dict(depth=50,
                  init_cfg=dict(type='Pretrained', checkpoint='open-mmlab://resnet50_v1c')))
