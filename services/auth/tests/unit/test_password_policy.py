"""Passwords on a common-password list are refused where a password is chosen, naming the field."""
import pytest
from marshmallow import ValidationError

from dropin_auth.entrypoints.schemas import ChangePasswordSchema, LoginSchema, RegisterSchema

REGISTRATION = {"email": "ann@example.com", "firstName": "Ann", "lastName": "Lee", "username": "ann"}


@pytest.mark.parametrize("password", ["password", "Password1", "qwerty123", " iloveyou "])
def test_registration_refuses_a_common_password_naming_the_field(password):
    with pytest.raises(ValidationError) as refused:
        RegisterSchema().load({**REGISTRATION, "password": password})
    assert list(refused.value.messages) == ["password"]


def test_a_password_change_refuses_a_common_new_password_naming_newpassword():
    with pytest.raises(ValidationError) as refused:
        ChangePasswordSchema().load({"username": "ann", "password": "whatever-it-was", "newpassword": "12345678"})
    assert list(refused.value.messages) == ["newpassword"]


def test_an_uncommon_password_is_accepted_and_login_is_not_judged():
    assert RegisterSchema().load({**REGISTRATION, "password": "violet-tractor-42"})["password"]
    # Logging in with an old, common password still works: only choosing one is refused.
    assert LoginSchema().load({"username": "ann", "password": "password"})["password"] == "password"
