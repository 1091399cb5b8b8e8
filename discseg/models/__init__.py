"""The method's model components; importing this module registers them in mmseg's MODELS."""
from .data_preprocessor import InstanceSegDataPreProcessor
from .heads import EmbeddingHead
from .losses import DiscriminativeLoss
from .segmentors import DiscriminativeInstanceSegmentor

__all__ = ['DiscriminativeLoss', 'EmbeddingHead', 'DiscriminativeInstanceSegmentor',
           'InstanceSegDataPreProcessor']
