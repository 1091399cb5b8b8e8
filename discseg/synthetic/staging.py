"""All-or-nothing dataset writes: fill a sibling staging folder, then rename it into place."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def staged_directory(root: Path) -> Iterator[Path]:
    """Yield ``.<name>.partial`` beside ``root``; on success it becomes ``root`` (empty or absent).

    An interrupted write leaves ``root`` untouched and its staging folder is cleared by the next try.
    """
    staging = root.with_name(f'.{root.name}.partial')
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    yield staging
    if root.exists():
        root.rmdir()  # callers refuse a non-empty root before writing
    staging.rename(root)
