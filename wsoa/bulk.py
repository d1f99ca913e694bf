"""Bulk work (reading a 5,000-action workbook, writing its rows) makes hundreds of thousands of small objects that
live until the work ends; Python's cyclic garbage collector would rescan them over and over for nothing. While any
bulk work runs, the collector runs less often; it goes back to normal when the last one finishes."""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Young-generation objects allocated before a collection (Python's default is 700).
BULK_THRESHOLD = 50_000

_lock = threading.Lock()
_depth = 0
_normal: tuple[int, ...] = gc.get_threshold()


@contextmanager
def fewer_garbage_collections() -> Iterator[None]:
    global _depth, _normal
    with _lock:
        if _depth == 0:
            _normal = gc.get_threshold()
            gc.set_threshold(BULK_THRESHOLD, *_normal[1:])
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.set_threshold(*_normal)
