"""The shared Flask edge: every error is JSON with a code; tokens are checked and revocations honoured."""
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import g, request

from dropin_common.auth import JWT_AUDIENCE, JWT_ISSUER, ROLE_ADMIN, TokenVerifier
from dropin_common.errors import Conflict
from dropin_common.http import authenticated, create_service_app, json_body
from dropin_common.query import PageSchema, parse_filters


class MemoryRevocations:
    def __init__(self):
        self.jtis = set()

    def is_revoked(self, principal):
        return principal.jti in self.jtis


@pytest.fixture(scope="module")
def keys():
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = private.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return pem, public


def sign(private_pem, role="dealer", jti=None, **overrides):
    now = time.time()
    claims = {"sub": "acc-1", "role": role, "org": "org-1", "jti": jti or uuid.uuid4().hex, "iat": now,
              "exp": now + 60, "aud": JWT_AUDIENCE, "iss": JWT_ISSUER, **overrides}
    return jwt.encode(claims, private_pem, algorithm="EdDSA")


@pytest.fixture()
def edge(keys):
    revocations = MemoryRevocations()
    app = create_service_app("probe", max_body_bytes=1024, readiness_checks={"db": lambda: None},
                             verifier=TokenVerifier(keys[1], revocations))

    @app.post("/echo")
    def echo():
        return json_body()

    @app.get("/things/<thing_id>")
    def thing(thing_id):
        return {"id": thing_id, "args": request.args.to_dict()}

    @app.get("/filtered")
    def filtered():
        return parse_filters(PageSchema(), request.args)

    @app.get("/conflict")
    def conflict():
        raise Conflict("Already taken.", code="taken")

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail")

    @app.get("/admin")
    @authenticated(ROLE_ADMIN)
    def admin_only():
        return {"account": g.principal.account_id}

    @app.get("/me")
    @authenticated()
    def me():
        return {"account": g.principal.account_id, "role": g.principal.role}

    return app.test_client(), revocations


def test_unknown_path_is_a_json_404(edge):
    response = edge[0].get("/nowhere")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_wrong_method_is_a_json_405(edge):
    response = edge[0].get("/echo")
    assert response.status_code == 405 and response.json["error"]["code"] == "method_not_allowed"


def test_body_over_the_limit_is_a_json_413(edge):
    response = edge[0].post("/echo", data="x" * 2000, content_type="application/json")
    assert response.status_code == 413 and response.json["error"]["code"] == "body_too_large"


def test_malformed_json_is_a_400(edge):
    response = edge[0].post("/echo", data="{nope", content_type="application/json")
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_json"


def test_form_bodies_are_read_like_json(edge):
    assert edge[0].post("/echo", data={"socket_id": "1.2"}).json == {"socket_id": "1.2"}


@pytest.mark.parametrize("send, field", [
    (lambda client: client.post("/echo", data='{"firstName": "a\\ud800"}', content_type="application/json"),
     "firstName"),
    (lambda client: client.get("/things/1", query_string={"query": '{"vin": "\\udfff"}'}), "vin"),
    (lambda client: client.post("/echo", json={"firstName": "a\x00b"}), "firstName"),
    (lambda client: client.post("/echo", json={"contact": {"note": ["ok", "a\x00"]}}), "contact"),
    (lambda client: client.post("/echo", data={"socket_id": "1\x002"}), "socket_id"),
    (lambda client: client.post("/echo", data='{"name": "a\\u0000b"}', content_type="text/plain"), "name"),
    (lambda client: client.get("/things/a\x00b"), "thingId"),
    (lambda client: client.get("/things/1", query_string={"name": "a\x00"}), "name"),
    (lambda client: client.get("/things/1", query_string={"query": '{"phone": "1\\u0000"}'}), "phone"),
])
def test_a_nul_character_anywhere_is_a_400_naming_the_field(edge, send, field):
    response = send(edge[0])
    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.json["error"]
    assert (error["code"], error["field"]) == ("invalid_character", field)
    assert error["message"] in ("Must not contain a NUL character.", "Must not contain a lone UTF-16 surrogate.")


def test_a_surrogate_pair_is_just_an_emoji(edge):
    assert edge[0].post("/echo", data='{"message": "\\ud83d\\ude97"}', content_type="application/json").json == {
        "message": "\U0001F697"}


@pytest.mark.parametrize("body", ['{"n": NaN}', '{"n": -Infinity}', "[" * 5000 + "]" * 5000])
def test_what_python_parses_but_is_not_json_is_a_400(body):
    app = create_service_app("probe", max_body_bytes=100_000, readiness_checks={})
    app.post("/echo")(json_body)
    response = app.test_client().post("/echo", data=body, content_type="application/json")
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_json"


@pytest.mark.parametrize("query", ['{"skip": NaN}', "[" * 5000 + "]" * 5000])
def test_a_query_that_is_not_json_is_a_400_naming_query(edge, query):
    response = edge[0].get("/filtered", query_string={"query": query})
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.json["error"]["field"] == "query"


def test_options_and_doubled_slashes_get_json_errors_not_html(edge):
    options = edge[0].options("/echo")
    doubled = edge[0].get("/things/1//")
    assert (options.status_code, doubled.status_code) == (405, 404)
    assert options.is_json and doubled.is_json


def test_an_escaped_backslash_before_u0000_is_plain_text_not_a_nul(edge):
    assert edge[0].post("/echo", json={"name": "\\u0000"}).json == {"name": "\\u0000"}


def test_a_trailing_slash_reaches_the_same_view(edge):
    assert edge[0].get("/things/7/").json["id"] == "7"


def test_app_errors_keep_their_status_and_code(edge):
    response = edge[0].get("/conflict")
    assert response.status_code == 409 and response.json == {"error": {"code": "taken", "message": "Already taken."}}


def test_unexpected_errors_are_a_json_500_without_details(edge):
    response = edge[0].get("/boom")
    assert response.status_code == 500 and "secret" not in response.get_data(as_text=True)


def test_request_id_from_the_gateway_is_echoed(edge):
    assert edge[0].get("/healthz", headers={"X-Request-Id": "abc123"}).headers["X-Request-Id"] == "abc123"


def test_readyz_reports_ready_when_checks_pass(edge):
    assert edge[0].get("/readyz").json["status"] == "ready"


def test_missing_token_is_401(edge):
    response = edge[0].get("/me")
    assert response.status_code == 401 and response.json["error"]["code"] == "authentication_required"


@pytest.mark.parametrize("scheme", ["JWT", "Bearer"])
def test_both_schemes_are_accepted(edge, keys, scheme):
    response = edge[0].get("/me", headers={"Authorization": f"{scheme} {sign(keys[0])}"})
    assert response.status_code == 200 and response.json == {"account": "acc-1", "role": "dealer"}


def test_unknown_scheme_is_401(edge, keys):
    assert edge[0].get("/me", headers={"Authorization": f"Basic {sign(keys[0])}"}).status_code == 401


def test_token_signed_by_another_key_is_refused(edge):
    other = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    response = edge[0].get("/me", headers={"Authorization": f"JWT {sign(other)}"})
    assert response.status_code == 401 and response.json["error"]["code"] == "invalid_token"


def test_expired_token_is_refused(edge, keys):
    token = sign(keys[0], exp=time.time() - 5)
    assert edge[0].get("/me", headers={"Authorization": f"JWT {token}"}).json["error"]["code"] == "token_expired"


def test_revoked_token_is_refused(edge, keys):
    client, revocations = edge
    revocations.jtis.add("gone")
    response = client.get("/me", headers={"Authorization": f"JWT {sign(keys[0], jti='gone')}"})
    assert response.status_code == 401 and response.json["error"]["code"] == "token_revoked"


def test_dealer_is_forbidden_from_admin_views(edge, keys):
    assert edge[0].get("/admin", headers={"Authorization": f"JWT {sign(keys[0])}"}).status_code == 403
    admin = sign(keys[0], role="admin")
    assert edge[0].get("/admin", headers={"Authorization": f"JWT {admin}"}).status_code == 200


def test_answers_keep_the_order_the_view_gave_their_fields(edge):
    body = edge[0].post("/echo", json={"zeta": 1, "alpha": 2}).get_data(as_text=True)
    assert body.index("zeta") < body.index("alpha")
