"""Semantic instance segmentation with a discriminative loss (De Brabandere et al. 2017).

Importing ``discseg`` registers the method's components in MMSegmentation's registries; configs
load it with ``custom_imports = dict(imports=['discseg'], allow_failed_imports=False)``.
"""
from . import checkpoint, datasets, engine, models  # noqa: F401
from .evaluation import cityscapes, cvppp_submission, metrics  # noqa: F401

__version__ = '0.1.0'
