"""Test settings for tests/rl: the stand-in models are tiny, so run torch single-threaded.

Intra-op threads only add synchronisation cost at these sizes, and on a loaded 2-core CI machine
that cost dominated the run time; the previous thread count is restored after each test.
"""

from collections.abc import Iterator

import pytest
import torch


@pytest.fixture(autouse=True)
def _single_torch_thread() -> Iterator[None]:
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)
