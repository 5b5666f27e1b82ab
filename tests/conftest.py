from __future__ import annotations

import pytest
import varflow as tf


@pytest.fixture(autouse=True)
def fresh_default_graph():
    """Each test starts with an empty default graph, as a fresh TF1 process would."""
    tf.reset_default_graph()
    yield
    tf.reset_default_graph()


def pytest_collection_modifyitems(items):
    """Runs the 2-rank C++ collective test after tests/test_cpp.py, which builds its binary (a
    fresh checkout has no C++ test build before that)."""
    items.sort(key=lambda item: item.nodeid.startswith("tests/python/test_horovod_cpp.py"))
