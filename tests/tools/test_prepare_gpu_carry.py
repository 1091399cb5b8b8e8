"""tools/prepare_gpu_carry.py: what it resolves for the target, and its size check."""
import pytest

from tools.prepare_gpu_carry import MIB, TARGET_HAS, check_size, requirement_roots, resolve


def test_size_check_fails_on_an_oversized_folder(tmp_path):
    (tmp_path / 'a.whl').write_bytes(b'x' * 3000)
    (tmp_path / 'sub').mkdir()
    (tmp_path / 'sub' / 'b.tar.gz').write_bytes(b'x' * 1000)
    assert check_size(tmp_path, limit_bytes=4000) == 4000
    with pytest.raises(SystemExit, match=r'over the 0.0 MiB one device call carries'):
        check_size(tmp_path, limit_bytes=3999)
    # the rest of the working tree counts against the same limit
    with pytest.raises(SystemExit, match=str(tmp_path)):
        check_size(tmp_path, limit_bytes=4000, other_bytes=1)


def test_limit_is_in_mebibytes():
    assert MIB == 2 ** 20


def test_roots_are_the_pinned_requirements():
    roots = requirement_roots()
    assert {'mmcv', 'mmengine', 'mmsegmentation', 'mmdet', 'pycocotools', 'scikit-learn'} <= set(roots)


def test_resolve_keeps_what_the_target_lacks_and_their_needs():
    pins = resolve(['mmengine', 'mmdet', 'cityscapesScripts', 'numpy'], '3.12')
    # named roots, and needs two levels down (mmengine -> yapf -> platformdirs)
    assert {'mmengine', 'mmdet', 'cityscapesscripts', 'yapf', 'platformdirs', 'addict',
            'termcolor', 'terminaltables', 'pycocotools', 'shapely', 'coloredlogs',
            'humanfriendly'} <= pins.keys()
    assert not pins.keys() & TARGET_HAS  # numpy, matplotlib, opencv-python, rich, ...
    assert 'typing' not in pins  # a backport of the standard library
    assert 'tomli' not in pins  # yapf needs it only below Python 3.11
