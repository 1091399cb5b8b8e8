"""Datasets and transforms; importing this module registers them in mmseg's registries."""
from .instance_dataset import InstanceDataset, SticksDataset
from .transforms import LoadInstanceAnnotations, PackInstanceInputs

__all__ = ['InstanceDataset', 'SticksDataset', 'LoadInstanceAnnotations', 'PackInstanceInputs']
