from __future__ import annotations

import uuid
from datetime import datetime

import pytest

from dropin_common.auth import ROLE_ADMIN, ROLE_DEALER, Principal
from dropin_common.ids import new_id

from dropin_chat.domain.streams import StreamMembership
from dropin_chat.use_cases.post_message import ChatPolicy, PostMessage, post_message

from .fakes import FakeReplica, FakeTime, FakeUnitOfWork, FakeWallClock, InMemoryStore


def a_stream(status: str = "requested", dealer_id: str | None = None, version: int = 1,
             ended_at: datetime | None = None) -> StreamMembership:
    return StreamMembership(id=new_id(), version=version, status=status,
                            organization_id="org-1", dealer_id=dealer_id, ended_at=ended_at)


def a_principal(account_id: str | None = None, role: str = ROLE_DEALER,
                organization_id: str | None = "org-1") -> Principal:
    return Principal(account_id=account_id or str(uuid.uuid4()), role=role, organization_id=organization_id,
                     jti=uuid.uuid4().hex, issued_at=0.0, expires_at=9e9)


def an_admin() -> Principal:
    return a_principal(role=ROLE_ADMIN)


class Chat:
    """The use cases wired to in-memory adapters, with a fake clock and fake waiting."""

    def __init__(self) -> None:
        self.store = InMemoryStore()
        self.replica = FakeReplica(self.store)
        self.time = FakeTime()
        self.clock = FakeWallClock()
        self.policy = ChatPolicy(replica_wait=self.time.wait(2.0))

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.store)

    def add_stream(self, stream: StreamMembership) -> StreamMembership:
        self.store.streams[stream.id] = stream
        return stream

    def post(self, stream_id: str, text: str | None = "hello", sender: str | None = None,
             principal: Principal | None = None):
        command = PostMessage(stream_id=stream_id, claimed_sender=sender, text=text, principal=principal)
        return post_message(command, self.replica, self.uow, self.clock, self.policy)


@pytest.fixture
def chat() -> Chat:
    return Chat()
