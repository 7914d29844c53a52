from __future__ import annotations

import pytest

from .fakes import MemoryStores, MemoryUnitOfWork


@pytest.fixture
def stores() -> MemoryStores:
    return MemoryStores()


@pytest.fixture
def uow(stores):
    return lambda: MemoryUnitOfWork(stores)
