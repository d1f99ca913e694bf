"""Bulk work collects garbage less often, and the normal setting comes back however the work ends."""

import gc
import threading

import pytest

from wsoa.bulk import BULK_THRESHOLD, fewer_garbage_collections


def test_the_collector_runs_less_often_during_bulk_work_and_as_before_after():
    before = gc.get_threshold()
    with fewer_garbage_collections():
        assert gc.get_threshold()[0] == BULK_THRESHOLD
        with fewer_garbage_collections():  # an import that reads a workbook: nested
            assert gc.get_threshold()[0] == BULK_THRESHOLD
        assert gc.get_threshold()[0] == BULK_THRESHOLD, "the outer work is still running"
    assert gc.get_threshold() == before


def test_a_failure_during_bulk_work_still_restores_the_setting():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_garbage_collections():
        raise RuntimeError("the workbook was corrupt")
    assert gc.get_threshold() == before


def test_overlapping_imports_in_two_threads_leave_the_normal_setting_behind():
    before = gc.get_threshold()
    first_inside, second_done = threading.Event(), threading.Event()

    def first():
        with fewer_garbage_collections():
            first_inside.set()
            second_done.wait(5)

    def second():
        first_inside.wait(5)
        with fewer_garbage_collections():
            pass
        second_done.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert gc.get_threshold() == before


def test_it_also_serves_as_a_decorator_for_a_whole_function():
    @fewer_garbage_collections()
    def write_report():
        return gc.get_threshold()[0]

    before = gc.get_threshold()
    assert write_report() == BULK_THRESHOLD
    assert write_report() == BULK_THRESHOLD, "usable more than once"
    assert gc.get_threshold() == before
