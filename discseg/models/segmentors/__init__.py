from .instance_segmentor import DiscriminativeInstanceSegmentor

__all__ = ['DiscriminativeInstanceSegmentor']
