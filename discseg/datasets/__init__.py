"""Datasets and transforms; importing this module registers them in mmseg's registries."""
from .cityscapes import CityscapesInstanceDataset
from .cvppp import CVPPPDataset
from .cvppp_transforms import AddCoordinateChannels, LoadCVPPPAnnotations, LoadCVPPPImage
from .instance_dataset import InstanceDataset, SticksDataset
from .transforms import LoadInstanceAnnotations, PackInstanceInputs

__all__ = ['AddCoordinateChannels', 'CVPPPDataset', 'CityscapesInstanceDataset', 'InstanceDataset',
           'LoadCVPPPAnnotations', 'LoadCVPPPImage', 'LoadInstanceAnnotations',
           'PackInstanceInputs', 'SticksDataset']
