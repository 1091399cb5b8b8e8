"""Synthetic data: the "scattered sticks" of the paper's Figure 4 and their occlusion measures."""
from .occlusion import hidden_fraction, mean_pairwise_box_iou, num_crossings
from .sticks import (Stick, StickSample, SticksConfig, generate_sample, render, sample_rng,
                     write_dataset)

__all__ = ['Stick', 'StickSample', 'SticksConfig', 'generate_sample', 'hidden_fraction',
           'mean_pairwise_box_iou', 'num_crossings', 'render', 'sample_rng', 'write_dataset']
