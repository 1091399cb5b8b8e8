"""The paper's printed numbers and figures, typed once: everything the report puts beside ours.

De Brabandere, Neven and Van Gool, "Semantic Instance Segmentation with a Discriminative Loss
Function", arXiv:1708.02551 (2017). Each table records where it is printed (table number and
section); page numbers are not recorded, because no copy of the PDF could be checked here. Values
are as printed: percent in Tables 1-3, fractions in Table 4's AP columns; ``None`` is a cell the
paper leaves empty.
"""
from __future__ import annotations

from dataclasses import dataclass

PAPER = ('De Brabandere, Neven, Van Gool, "Semantic Instance Segmentation with a Discriminative '
         'Loss Function", arXiv:1708.02551 (2017)')


@dataclass(frozen=True)
class PaperTable:
    """One printed table: where it is, what it measured, its columns and rows as printed."""

    where: str
    caption: str
    columns: tuple[str, ...]
    rows: dict[str, tuple[float | None, ...]]


TABLE1 = PaperTable(
    where='Table 1, Sec. 4.1 (CVPPP)',
    caption='CVPPP leaf segmentation challenge, A1 test set (33 plants, scored by the organisers)',
    columns=('SBD', '|DiC|'),
    rows={'RIS+CRF': (66.6, 1.1), 'MSU': (66.7, 2.3), 'Nottingham': (68.3, 3.8),
          'Wageningen': (71.1, 2.2), 'IPK': (74.4, 2.6), 'PRIAn': (None, 1.3),
          'End-to-end': (84.9, 0.8), 'Ours': (84.2, 1.0)})

TABLE2 = PaperTable(
    where='Table 2, Sec. 4.2 (Cityscapes)',
    caption='Cityscapes instance segmentation, test set (benchmark server), 8 classes',
    columns=('AP', 'AP0.5', 'AP100m', 'AP50m'),
    rows={'R-CNN+MCG': (4.6, 12.9, 7.7, 10.3), 'FCN+Depth': (8.9, 21.1, 15.3, 16.7),
          'JGD': (9.8, 23.2, 16.8, 20.3), 'InstanceCut': (13.0, 27.9, 22.1, 26.1),
          'Boundary-aware': (17.4, 36.7, 29.3, 34.0), 'DWT': (19.4, 35.3, 31.4, 36.8),
          'Pixelwise DIN': (20.0, 38.8, 32.6, 37.6), 'Mask R-CNN': (26.2, 49.9, 37.6, 40.1),
          'Ours': (17.5, 35.9, 27.8, 31.0)})

# Rows keyed 'semantic masks / clustering'; ResNet-38 masks are the paper's predicted ones.
TABLE3 = PaperTable(
    where='Table 3, Sec. 4.2 (Cityscapes)',
    caption='Cityscapes val: the semantic masks and the clustering replaced by ground truth',
    columns=('AP', 'AP0.5'),
    rows={'resnet38 / mean-shift': (21.4, 40.2), 'resnet38 / center threshold': (22.9, 44.1),
          'ground truth / mean-shift': (37.5, 58.5),
          'ground truth / center threshold': (47.8, 77.8)})

# Rows keyed 'network WxH'. The paper prints each network's parameters once; they are repeated here
# on every size of that network. ResNet38 has no 1024x512 row.
TABLE4 = PaperTable(
    where='Table 4, Sec. 4.2 (Cityscapes)',
    caption='Car class of Cityscapes val: networks and input sizes, on one Titan X',
    columns=('AP', 'AP with GT segmentation', 'fps', 'parameters (M)', 'memory (GB)'),
    rows={'ENet 512x256': (0.19, 0.21, 145, 0.36, 1.00),
          'ENet 768x384': (0.21, 0.25, 94, 0.36, 1.03),
          'ENet 1024x512': (0.20, 0.26, 61, 0.36, 1.12),
          'SegNet 512x256': (0.20, 0.22, 27, 29.4, 1.22),
          'SegNet 768x384': (0.22, 0.26, 14, 29.4, 1.29),
          'SegNet 1024x512': (0.18, 0.24, 8, 29.4, 1.47),
          'Dilation 512x256': (0.21, 0.24, 15, 134.3, 2.20),
          'Dilation 768x384': (0.24, 0.29, 6, 134.3, 2.64),
          'Dilation 1024x512': (0.23, 0.30, 4, 134.3, 3.27),
          'ResNet38 512x256': (0.24, 0.27, 12, 124.0, 4.45),
          'ResNet38 768x384': (0.29, 0.34, 5, 124.0, 8.83)})
TABLE4_SIZES = ('512x256', '768x384', '1024x512')

TABLES = {1: TABLE1, 2: TABLE2, 3: TABLE3, 4: TABLE4}

# What each figure of the paper shows (the figures carry no numbers).
FIGURES = {
    1: 'Teaser, 2x2: a Cityscapes crop of parked cars; the raw 2-D network output as red / green '
       'inside the car mask; the pixel embeddings in 2-D, coloured per instance, with each centre '
       'and its delta_v / delta_d circles; the clustered instance map.',
    2: 'Schematic of the loss on three clusters: pull arrows on the points outside the delta_v '
       'disc of their centre, push arrows between centres closer than 2 delta_d.',
    3: 'Convergence: a network overfit on one CVPPP image with 15 leaves, 2-D embedding; columns '
       'after 0, 2, 4, 8, 16, 32, 64 gradient steps; rows: scatter with centres and margins, the '
       'output as red / green masked by the foreground, clustering by thresholding around the '
       'centres.',
    4: 'Synthetic scattered sticks, two examples: input | ground truth | ours. Qualitative only: '
       'the paper argues that crossed sticks share one box, so a detect-and-segment method cannot '
       'tell them apart, while the embeddings can; it gives no numbers, no generator and no '
       'baseline run.',
    5: 'CVPPP validation examples: input | ground truth | ours, four plants.',
    6: 'Cityscapes validation examples: input | ground truth | ours, ten rows (cars, persons, a '
       'bus, bikes), failure cases included (two cars merged; an empty bike rack split into '
       'imaginary bikes).',
}
