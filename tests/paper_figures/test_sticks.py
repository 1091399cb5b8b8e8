"""The sticks figures' row labels, from the file names the sweep gives its examples."""
import pytest

from paper_figures.sticks import sweep_row_label


@pytest.mark.parametrize('stem, axis_name, label', [
    ('03-crossing_fraction-0.75-00001', 'crossing_fraction', '0.75\nimage 1'),
    # a level that is a range has a dash of its own
    ('00-crossing_position-0.00-0.05-00000', 'crossing_position', '0.00-0.05\nimage 0'),
    ('12-density-24-00017', 'density', '24\nimage 17'),
])
def test_sweep_row_label_keeps_level_and_image(stem, axis_name, label):
    assert sweep_row_label(stem, axis_name) == label
