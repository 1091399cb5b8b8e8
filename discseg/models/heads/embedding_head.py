"""A decode head with two outputs: pixel embeddings and semantic (or foreground) logits."""
from __future__ import annotations

import torch
from mmcv.cnn import ConvModule
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.models.utils import resize
from mmseg.registry import MODELS
from mmseg.utils import ConfigType, SampleList
from torch import Tensor, nn


@MODELS.register_module()
class EmbeddingHead(BaseDecodeHead):
    """Shared convolutions followed by an embedding branch and a semantic branch.

    The embedding branch (``embedding_dims`` channels, no activation) is trained with the
    discriminative loss on the instance map; the semantic branch (``num_classes`` channels, class 0 =
    background) with ``loss_decode``, so the model makes its own test-time mask. Both losses are in
    the log, the discriminative one as its three terms.

    Args:
        embedding_dims: dimension of the pixel embeddings.
        num_convs: 3x3 conv-norm-act layers shared by both branches (0 = take the features as they
            are; then ``in_channels`` must equal ``channels``).
        loss_embedding: config of the embedding loss, a ``DiscriminativeLoss``.
        **kwargs: ``BaseDecodeHead`` arguments (in_channels, channels, num_classes, ...).
    """

    def __init__(self,
                 embedding_dims: int = 16,
                 num_convs: int = 1,
                 loss_embedding: ConfigType = dict(type='DiscriminativeLoss'),
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if num_convs == 0 and self.in_channels != self.channels:
            raise ValueError(f'num_convs=0 needs in_channels == channels, got {self.in_channels} '
                             f'and {self.channels}')
        self.convs = nn.Sequential(*[
            ConvModule(self.in_channels if i == 0 else self.channels, self.channels, 3, padding=1,
                       conv_cfg=self.conv_cfg, norm_cfg=self.norm_cfg, act_cfg=self.act_cfg)
            for i in range(num_convs)
        ])
        self.embedding_dims = embedding_dims
        self.conv_embedding = nn.Conv2d(self.channels, embedding_dims, kernel_size=1)
        self.loss_embedding = MODELS.build(loss_embedding)

    def forward(self, inputs: list[Tensor]) -> dict[str, Tensor]:
        features = self.convs(self._transform_inputs(inputs))
        return {'seg_logits': self.cls_seg(features), 'embeddings': self.conv_embedding(features)}

    def loss(self, inputs: list[Tensor], batch_data_samples: SampleList,
             train_cfg: ConfigType) -> dict[str, Tensor]:
        outputs = self.forward(inputs)
        losses = self.loss_by_feat(outputs['seg_logits'], batch_data_samples)
        instance_ids = torch.stack([s.gt_instance_map.data for s in batch_data_samples]).squeeze(1)
        embeddings = resize(outputs['embeddings'], size=instance_ids.shape[-2:], mode='bilinear',
                            align_corners=self.align_corners)
        terms = self.loss_embedding.terms(embeddings, instance_ids)
        losses.update({f'{self.loss_embedding.loss_name}_{name}': value
                       for name, value in terms.items()})
        return losses

    def predict(self, inputs: list[Tensor], batch_img_metas: list[dict],
                test_cfg: ConfigType) -> dict[str, Tensor]:
        """Both outputs, upsampled to the padded input size (as mmseg does for logits)."""
        return {name: self.predict_by_feat(output, batch_img_metas)
                for name, output in self.forward(inputs).items()}
