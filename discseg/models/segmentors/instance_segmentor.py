"""An encoder-decoder whose prediction is an instance map: embeddings clustered inside a mask."""
from __future__ import annotations

from collections.abc import Mapping

import torch
from mmengine.structures import InstanceData, PixelData
from mmseg.models.segmentors import EncoderDecoder
from mmseg.registry import MODELS
from mmseg.utils import OptSampleList, SampleList
from torch import Tensor

from ...clustering import LEFTOVERS
from ...postprocessing import segment_instances

_MASK_SOURCES = ('prediction', 'ground_truth')
_CLUSTERINGS = ('mean_shift', 'center_threshold')


@MODELS.register_module()
class DiscriminativeInstanceSegmentor(EncoderDecoder):
    """``EncoderDecoder`` with an ``EmbeddingHead``; ``predict`` returns instances, not an arg-max.

    Training is mmseg's (backbone -> head -> losses). At test time the head's semantic logits and
    embeddings go through mmseg's own un-padding, flipping back and resizing to the original image
    (as one tensor, so whole and slide inference both work), then the embeddings are clustered inside
    each semantic class's mask. Class 0 is background; every other class holds instances.

    ``test_cfg`` keys, besides mmseg's ``mode``:
        mask_source: ``'prediction'`` (the head's semantic branch) or ``'ground_truth'``
            (``gt_sem_seg`` of the data sample; the paper's Table 3 and CVPPP's given fg masks).
        clustering: ``'mean_shift'`` (the paper's) or ``'center_threshold'`` (threshold around the
            ground-truth instance centres, Table 3).
        bandwidth: clustering radius; by default the embedding loss's push margin ``delta_d``
            (inside the radii that recover a trained instance, ``discseg.clustering``), so the
            margins are set once, in the loss. Other ``discseg.clustering.cluster`` arguments go
            in ``cluster_cfg``.
        leftovers: what becomes of mask pixels near no centre (``discseg.clustering``):
            ``'unlabelled'`` (the paper; the default) or ``'nearest_centre'``, or a dict of one of
            them per ``mask_source`` (``dict(ground_truth='nearest_centre', prediction=
            'unlabelled')``: a given mask is all instances, the model's own may hold false
            foreground), so that experiments switching ``mask_source`` get the matching rule.
        score: ``'class_probability'`` (mean softmax probability of the instance's class over its
            pixels) or ``'constant'`` (1.0 for every instance, as the authors did).
        keep_embeddings: also return the embeddings at the original size (``pred_embeddings``).

    Results per data sample: ``pred_instance_map`` (0 = background, 1..K), ``pred_instances`` with
    ``labels`` and ``scores`` for ids 1..K, ``pred_sem_seg`` and ``seg_logits``.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        test_cfg = self.test_cfg or {}
        if test_cfg.get('mask_source', 'prediction') not in _MASK_SOURCES:
            raise ValueError(f'test_cfg.mask_source must be one of {_MASK_SOURCES}, got '
                             f'{test_cfg["mask_source"]!r}')
        if test_cfg.get('clustering', 'mean_shift') not in _CLUSTERINGS:
            raise ValueError(f'test_cfg.clustering must be one of {_CLUSTERINGS}, got '
                             f'{test_cfg["clustering"]!r}')
        leftovers = test_cfg.get('leftovers', 'unlabelled')
        by_source = (dict(leftovers) if isinstance(leftovers, Mapping)
                     else dict.fromkeys(_MASK_SOURCES, leftovers))
        if not set(by_source) <= set(_MASK_SOURCES) or any(
                rule not in LEFTOVERS for rule in by_source.values()):
            raise ValueError(f'test_cfg.leftovers must be one of {LEFTOVERS} or a dict of them by '
                             f'mask source {_MASK_SOURCES}, got {leftovers!r}')
        # Logits and embeddings travel as one tensor through mmseg's inference (see encode_decode).
        self.out_channels = self.decode_head.out_channels + self.decode_head.embedding_dims

    def encode_decode(self, inputs: Tensor, batch_img_metas: list[dict]) -> Tensor:
        """Semantic logits and embeddings, concatenated along channels, at the input size."""
        outputs = self.decode_head.predict(self.extract_feat(inputs), batch_img_metas, self.test_cfg)
        return torch.cat([outputs['seg_logits'], outputs['embeddings']], dim=1)

    def predict(self, inputs: Tensor, data_samples: OptSampleList = None) -> SampleList:
        return self.segment_instances(self.predict_outputs(inputs, data_samples))

    def predict_outputs(self, inputs: Tensor, data_samples: OptSampleList = None) -> SampleList:
        """The network half of ``predict``: logits and embeddings at the original image size.

        ``predict`` is split in two so that the network and the clustering can be timed apart.
        """
        return super().predict(inputs, data_samples)

    def segment_instances(self, data_samples: SampleList) -> SampleList:
        """The post-processing half of ``predict``: clustering inside the semantic masks."""
        num_logits = self.decode_head.out_channels
        test_cfg = self.test_cfg
        for sample in data_samples:
            outputs = sample.seg_logits.data
            logits, embeddings = outputs[:num_logits], outputs[num_logits:]
            probabilities = logits.softmax(0)
            semantic = probabilities.argmax(0)
            ground_truth_ids = None
            mask_source = test_cfg.get('mask_source', 'prediction')
            if mask_source == 'ground_truth':
                semantic = self._ground_truth(sample, 'gt_sem_seg')
            if test_cfg.get('clustering', 'mean_shift') == 'center_threshold':
                ground_truth_ids = self._ground_truth(sample, 'gt_instance_map')
            instance_map, labels, scores = segment_instances(
                embeddings, semantic, probabilities,
                bandwidth=test_cfg.get('bandwidth', self.decode_head.loss_embedding.delta_d),
                ground_truth_ids=ground_truth_ids,
                score=test_cfg.get('score', 'class_probability'),
                leftovers=self._leftovers(mask_source),
                **test_cfg.get('cluster_cfg', {}))
            sample.seg_logits = PixelData(data=logits)
            sample.pred_sem_seg = PixelData(data=semantic.unsqueeze(0))
            sample.pred_instance_map = PixelData(data=instance_map.unsqueeze(0))
            sample.pred_instances = InstanceData(labels=labels, scores=scores)
            if test_cfg.get('keep_embeddings', False):
                sample.pred_embeddings = PixelData(data=embeddings)
        return data_samples

    def _leftovers(self, mask_source: str) -> str:
        """The leftover rule of ``test_cfg`` for this mask source."""
        leftovers = self.test_cfg.get('leftovers', 'unlabelled')
        if isinstance(leftovers, Mapping):
            return leftovers.get(mask_source, 'unlabelled')
        return leftovers

    @staticmethod
    def _ground_truth(sample, key: str) -> Tensor:
        if key not in sample:
            raise KeyError(f'test_cfg asks for the ground truth but the data sample of '
                           f'{sample.metainfo.get("img_path", "?")} has no {key}: load the '
                           f'annotations in the test pipeline')
        return sample.get(key).data.squeeze(0).to(sample.seg_logits.data.device)
