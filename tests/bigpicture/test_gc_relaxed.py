"""`gc_relaxed` relaxes the cyclic collector for a bulk job and puts it back afterwards."""

import gc

from bigpicture.memory import YOUNG_THRESHOLD, gc_relaxed


def test_thresholds_and_freeze_are_restored_even_after_an_error():
    before = gc.get_threshold()
    try:
        with gc_relaxed():
            assert gc.get_threshold() == (YOUNG_THRESHOLD, *before[1:])
            assert gc.get_freeze_count() > 0
            raise ValueError
    except ValueError:
        pass
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_nested_uses_keep_the_outer_setting():
    before = gc.get_threshold()

    @gc_relaxed()
    def inner():
        return gc.get_threshold()

    with gc_relaxed():
        frozen = gc.get_freeze_count()
        assert inner() == (YOUNG_THRESHOLD, *before[1:])
        assert gc.get_threshold() == (YOUNG_THRESHOLD, *before[1:])
        # No second freeze: that would add every object made since. (Frozen objects may still be
        # freed meanwhile, by other threads of the test process, so the count may drop.)
        assert gc.get_freeze_count() <= frozen
    assert gc.get_threshold() == before


def test_cycles_are_still_collected():
    class Node:
        pass

    with gc_relaxed():
        node = Node()
        node.me = node
        del node
        assert gc.collect() >= 1
