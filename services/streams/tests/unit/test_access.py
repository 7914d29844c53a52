"""The one access rule of every stream action (domain.access), as a table."""
from __future__ import annotations

import pytest

from dropin_common.errors import Forbidden, Unauthorized
from dropin_streams.domain.access import (StreamRole, refuse_colleagues, require_stream_manager,
                                          role_towards_stream)

from .conftest import principal

ORG, DEALER = "org-1", "alice"


@pytest.mark.parametrize("caller, role", [
    (None, StreamRole.SHOPPER),
    (principal("alice"), StreamRole.DEALER),
    (principal("bob"), StreamRole.COLLEAGUE),
    (principal("root", role="admin", org_id=None), StreamRole.ADMIN),
    (principal("root", role="admin", org_id="org-2"), StreamRole.ADMIN),
])
def test_the_callers_role_on_a_stream(caller, role):
    assert role_towards_stream(ORG, DEALER, caller) is role


@pytest.mark.parametrize("caller", [principal("zed", org_id="org-2"), principal("nobody", org_id=None),
                                    principal("alice", org_id="org-2")])
def test_a_token_outside_the_streams_organization_is_refused(caller):
    # Even the dealer's own account id with another organization's token: the token decides.
    with pytest.raises(Forbidden) as refused:
        role_towards_stream(ORG, DEALER, caller)
    assert refused.value.code == "not_your_stream"


def test_before_anyone_accepted_nobody_is_the_streams_dealer():
    assert role_towards_stream(ORG, None, principal("alice")) is StreamRole.COLLEAGUE


def test_dealer_actions_need_the_streams_dealer_or_an_admin():
    require_stream_manager(StreamRole.DEALER, "The note")
    require_stream_manager(StreamRole.ADMIN, "The note")
    with pytest.raises(Unauthorized):
        require_stream_manager(StreamRole.SHOPPER, "The note")
    with pytest.raises(Forbidden):
        require_stream_manager(StreamRole.COLLEAGUE, "The note")


def test_only_the_organization_sees_the_streams_internals():
    assert [role for role in StreamRole if role.is_organization] == \
        [StreamRole.DEALER, StreamRole.COLLEAGUE, StreamRole.ADMIN]


def test_shopper_actions_sent_with_a_token_need_the_streams_dealer_or_an_admin():
    for role in (StreamRole.SHOPPER, StreamRole.DEALER, StreamRole.ADMIN):
        refuse_colleagues(role, "The loan link")
    with pytest.raises(Forbidden):
        refuse_colleagues(StreamRole.COLLEAGUE, "The loan link")
