import uuid
from dataclasses import replace

import pytest

from dropin_common.errors import BadRequest, Forbidden

from .conftest import a_principal, a_stream, an_admin


def test_message_without_from_and_without_token_is_from_the_shopper(chat):
    stream = chat.add_stream(a_stream())

    assert chat.post(stream.id, sender=None).sender == "shopper"


def test_shopper_may_sign_with_a_display_name(chat):
    stream = chat.add_stream(a_stream())

    assert chat.post(stream.id, sender="  Jane D. ").sender == "Jane D."


def test_shopper_display_name_over_100_characters_is_refused(chat):
    stream = chat.add_stream(a_stream())

    with pytest.raises(BadRequest) as refused:
        chat.post(stream.id, sender="n" * 101)

    assert refused.value.field == "from"


@pytest.mark.parametrize("with_token", [False, True])
def test_empty_from_is_refused(chat, with_token):
    dealer = a_principal()
    stream = chat.add_stream(a_stream(status="streaming", dealer_id=dealer.account_id))

    with pytest.raises(BadRequest) as refused:
        chat.post(stream.id, sender=" ", principal=dealer if with_token else None)

    assert refused.value.field == "from"


def test_shopper_cannot_write_as_the_streams_dealer(chat):
    dealer_id = str(uuid.uuid4())
    stream = chat.add_stream(a_stream(status="streaming", dealer_id=dealer_id))

    with pytest.raises(Forbidden) as refused:
        chat.post(stream.id, sender=dealer_id)

    assert (refused.value.code, refused.value.field) == ("sender_requires_token", "from")
    assert chat.store.messages == []


def test_shopper_cannot_write_as_any_account_id(chat):
    stream = chat.add_stream(a_stream())

    with pytest.raises(Forbidden):
        chat.post(stream.id, sender=str(uuid.uuid4()))


def test_streams_dealer_writes_as_its_account(chat):
    dealer = a_principal()
    stream = chat.add_stream(a_stream(status="streaming", dealer_id=dealer.account_id))

    assert chat.post(stream.id, sender=dealer.account_id, principal=dealer).sender == dealer.account_id


def test_dealer_may_omit_from(chat):
    dealer = a_principal()
    stream = chat.add_stream(a_stream(status="streaming", dealer_id=dealer.account_id))

    assert chat.post(stream.id, sender=None, principal=dealer).sender == dealer.account_id


def test_token_holder_claiming_someone_else_is_forbidden(chat):
    dealer = a_principal()
    stream = chat.add_stream(a_stream(status="streaming", dealer_id=dealer.account_id))

    with pytest.raises(Forbidden) as refused:
        chat.post(stream.id, sender="shopper", principal=dealer)

    assert refused.value.code == "sender_mismatch"


def test_dealer_who_does_not_own_the_stream_is_forbidden(chat):
    owner, other = a_principal(), a_principal()
    stream = chat.add_stream(a_stream(status="streaming", dealer_id=owner.account_id))

    with pytest.raises(Forbidden) as refused:
        chat.post(stream.id, principal=other)

    assert refused.value.code == "not_stream_dealer"
    assert chat.time.sleeps == 0  # somebody else owns it: nothing to wait for


def test_admin_may_write_on_any_stream(chat):
    admin = an_admin()
    stream = chat.add_stream(a_stream(status="streaming", dealer_id=str(uuid.uuid4())))

    assert chat.post(stream.id, principal=admin).sender == admin.account_id


def test_dealer_who_just_accepted_waits_for_stream_accepted_to_arrive(chat):
    dealer = a_principal()
    requested = chat.add_stream(a_stream())
    accepted = replace(requested, version=2, status="streaming", dealer_id=dealer.account_id)
    chat.time.on_sleep = lambda sleeps: sleeps == 3 and chat.add_stream(accepted)

    assert chat.post(requested.id, principal=dealer).sender == dealer.account_id
    assert chat.time.sleeps == 3


# --- one rule for every chat action: a token must be of the stream's side ----------------------

def test_a_dealer_of_another_organization_is_refused_at_once(chat):
    stranger = a_principal(organization_id="org-2")
    stream = chat.add_stream(a_stream())  # nobody owns it yet: a same-organization dealer would wait

    with pytest.raises(Forbidden) as refused:
        chat.post(stream.id, principal=stranger)

    assert refused.value.code == "not_your_stream"
    assert chat.time.sleeps == 0 and chat.store.messages == []


def test_another_organizations_token_cannot_post_as_the_shopper_either(chat):
    stranger = a_principal(organization_id="org-2")
    stream = chat.add_stream(a_stream(status="streaming", dealer_id=str(uuid.uuid4())))

    with pytest.raises(Forbidden) as refused:
        chat.post(stream.id, sender="Jane", principal=stranger)

    assert refused.value.code == "not_your_stream"


# --- shopper display names cannot pass for the dealer ------------------------------------------

def test_shopper_display_names_are_nfkc_normalised(chat):
    stream = chat.add_stream(a_stream())

    assert chat.post(stream.id, sender="\uff2a\uff41\uff4e\uff45").sender == "Jane"


@pytest.mark.parametrize("name", ["Jane\u200b", "\u200bDealer", "Ja\u202ene", "Jane\x00", "Jane\nDealer: hi",
                                  "\u2060", "Ja\u2028ne"])
def test_shopper_display_names_with_control_or_invisible_characters_are_refused(chat, name):
    stream = chat.add_stream(a_stream())

    with pytest.raises(BadRequest) as refused:
        chat.post(stream.id, sender=name)

    assert refused.value.field == "from"
    assert chat.store.messages == []


def test_a_fullwidth_spelling_of_the_dealers_id_is_still_the_dealers_id(chat):
    dealer_id = str(uuid.uuid4())
    stream = chat.add_stream(a_stream(status="streaming", dealer_id=dealer_id))
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in dealer_id)

    with pytest.raises(Forbidden) as refused:
        chat.post(stream.id, sender=fullwidth)

    assert refused.value.code == "sender_requires_token"


@pytest.mark.parametrize("name", ["dealer", "DEALER", " Admin ", "\uff44\uff45\uff41\uff4c\uff45\uff52", "System"])
def test_shopper_cannot_sign_with_a_role_word(chat, name):
    stream = chat.add_stream(a_stream(status="streaming", dealer_id=str(uuid.uuid4())))

    with pytest.raises(Forbidden) as refused:
        chat.post(stream.id, sender=name)

    assert (refused.value.code, refused.value.field) == ("sender_requires_token", "from")
