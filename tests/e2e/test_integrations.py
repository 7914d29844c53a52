"""Integrations through nginx: an organization set up for its CRM, managers and a webhook; a
walk-around to a lead; the ADF mail in the mailbox, the signed webhooks at the receiver, the
missed-call alert, the delivery log, and who may use any of it."""
from __future__ import annotations

import json

import pytest
from lxml import etree

from dropin_common.testing import wait_until

from tests.e2e.helpers import login, new_active_dealer, register, unique
from tests.e2e.webhook_receiver import WebhookReceiver

VIN = "1HGCM82633A004352"
ALL_EVENTS = ["lead.created", "stream.completed", "stream.missed", "stream.expired"]


@pytest.fixture(scope="module")
def receiver():
    server = WebhookReceiver()
    yield server
    server.stop()


def configured_organization(api, admin_token) -> dict:
    code = unique("crm")
    response = api.request("POST", "/organizations", token=admin_token, json={
        "name": f"Sunrise & Sons {code}", "code": code, "crmLeadEmails": [f"leads-{code}@crm.example.com"],
        "managerEmails": [f"manager-{code}@sunrise.example.com"], "timezone": "America/Los_Angeles"})
    assert response.status_code == 201, response.text
    return response.json()


def mails_to(stack, address: str) -> list:
    return [message for message in stack.mailbox if message["To"] == address]


def test_a_walk_around_to_a_lead_reaches_the_crm_as_adf_and_the_integrator_as_signed_webhooks(
        api, admin_token, stack, receiver):
    organization = configured_organization(api, admin_token)
    assert organization["timezone"] == "America/Los_Angeles"
    hook = api.request("POST", "/integrations/webhooks", token=admin_token, json={
        "organizationId": organization["id"], "url": receiver.url(f"/{organization['code']}"), "events": ALL_EVENTS})
    assert hook.status_code == 201, hook.text
    receiver.secrets[f"/{organization['code']}"] = hook.json()["secret"]
    listed = api.request("GET", "/integrations/webhooks", token=admin_token,
                         params={"organizationId": organization["id"]}).json()
    assert [h["id"] for h in listed] == [hook.json()["id"]] and "secret" not in listed[0]

    dealer, dealer_token = new_active_dealer(api, admin_token, organization["id"])
    # The streams service learns of the new, online dealer through events: request until it rings.
    def ringing():
        answer = api.request("POST", f"/streams/request/{organization['code']}", json={"vin": VIN, "model": "Accord"})
        assert answer.status_code == 201, answer.text
        return answer.json() if answer.json()["notifiedDealers"] == 1 else None
    stream = wait_until(ringing, timeout=30, interval=0.5, message="a request that rings the dealer")
    assert api.request("POST", f"/streams/accept/{stream['id']}", token=dealer_token).status_code == 200
    assert api.request("POST", f"/streams/stop/{stream['id']}", token=dealer_token).status_code == 200
    assert api.request("POST", f"/streams/note/{stream['id']}", token=dealer_token,
                       json={"note": "Wants a test drive <Friday> & trade-in"}).status_code == 200
    shopper = f"{unique('sam')}@example.com"
    lead = api.request("POST", "/leads", json={"streamId": stream["id"], "firstName": "Sam", "lastName": "O'Neil",
                                               "email": shopper, "phone": "+1 555 0100", "comment": "Sunroof?"})
    assert lead.status_code == 201, lead.text

    crm_address = organization["crmLeadEmails"][0]
    mail = wait_until(lambda: mails_to(stack, crm_address), timeout=60, message="the ADF mail")[0]
    print("\n--- ADF mail as received ---\n" + mail.as_string())
    assert mail["Subject"] == "ADF lead: 2003 Honda Accord \u2014 Sam O'Neil"
    root = etree.fromstring(mail.get_content().encode())
    assert root.findtext("prospect/id") == lead.json()["id"]
    assert root.findtext("prospect/vehicle/vin") == VIN
    assert root.findtext("prospect/customer/contact/email") == shopper
    assert root.findtext("prospect/requestdate").endswith(("-08:00", "-07:00"))  # Los Angeles, PST or PDT
    comments = root.findtext("prospect/customer/comments")
    assert "Shopper's comment: Sunroof?" in comments
    assert f"answered by {dealer['firstName']} {dealer['lastName']}" in comments
    assert root.findtext("prospect/vendor/vendorname") == organization["name"]

    path = f"/{organization['code']}"
    lead_hook = wait_until(lambda: receiver.of_type(path, "lead.created"), timeout=60, message="lead.created")[0]
    completed = wait_until(lambda: receiver.of_type(path, "stream.completed"), timeout=60,
                           message="stream.completed")[0]
    print("\n--- webhook request as received ---\nPOST " + path + "\n"
          + "\n".join(f"{k}: {v}" for k, v in lead_hook.headers.items()) + "\n\n" + lead_hook.body.decode())
    assert lead_hook.error is None and completed.error is None  # signatures verified
    assert lead_hook.payload["data"]["id"] == lead.json()["id"]
    assert completed.payload["data"]["id"] == stream["id"]
    assert lead_hook.headers["webhook-signature"].startswith("v1,")

    log = api.request("GET", "/integrations/deliveries", token=admin_token,
                      params={"organizationId": organization["id"]})
    assert log.status_code == 200, log.text
    wait_until(lambda: all(d["status"] == "sent" for d in api.request(
        "GET", "/integrations/deliveries", token=admin_token, params={"organizationId": organization["id"]}
    ).json()["deliveries"]), timeout=60, message="every delivery logged as sent")
    # (earlier requests that found the dealer not yet online were missed at once: alerts of their own)
    ours = sorted((d["kind"], d["eventType"]) for d in log.json()["deliveries"]
                  if d["subjectId"] in (stream["id"], lead.json()["id"]))
    assert ours == [("crm", "lead.created"), ("webhook", "lead.created"), ("webhook", "stream.completed")]


def test_a_missed_call_alerts_the_managers_and_fires_stream_missed(api, admin_token, stack, receiver):
    organization = configured_organization(api, admin_token)
    path = f"/{organization['code']}"
    hook = api.request("POST", "/integrations/webhooks", token=admin_token, json={
        "organizationId": organization["id"], "url": receiver.url(path), "events": ["stream.missed"]}).json()
    receiver.secrets[path] = hook["secret"]

    stream = api.request("POST", f"/streams/request/{organization['code']}",
                         json={"vin": VIN, "model": "Accord"}).json()
    assert api.request("POST", f"/streams/stop/{stream['id']}").json()["status"] == "missed"

    alert = wait_until(lambda: mails_to(stack, organization["managerEmails"][0]), timeout=60,
                       message="the missed-call alert")[0]
    assert alert["Subject"].startswith("Missed call: 2003 Honda Accord at ")
    assert alert["Subject"].endswith(("PST", "PDT"))
    assert f"/calls/{stream['id']}" in alert.get_content()
    assert "Dealers rung: 0 dealers" in alert.get_content()  # nobody of this organization was online
    missed = wait_until(lambda: receiver.of_type(path, "stream.missed"), timeout=60, message="stream.missed")[0]
    assert missed.error is None and missed.payload["data"]["status"] == "missed"


def test_the_integrations_api_is_for_active_admins_only(api, admin_token, stack):
    no_token = api.request("GET", "/integrations/deliveries")
    no_key = api.request("GET", "/integrations/deliveries", token=admin_token, api_key=None)
    organization = configured_organization(api, admin_token)
    _dealer, dealer_token = new_active_dealer(api, admin_token, organization["id"], online=False)
    as_dealer = api.request("GET", "/integrations/webhooks", token=dealer_token)
    bare = api.request("GET", "/integrations")

    assert no_token.status_code == 401 and no_token.json()["error"]["code"] == "authentication_required"
    assert no_key.status_code == 401
    assert as_dealer.status_code == 403
    assert bare.status_code == 404 and bare.json()["error"]

    # A second admin works until deactivated; its token stays validly signed but is refused.
    account = register(api)
    promoted = api.request("PATCH", f"/accounts/{account['id']}", token=admin_token,
                           json={"status": "active", "role": "admin"})
    assert promoted.status_code == 200, promoted.text
    token = login(api, account["email"], account["password"])
    wait_until(lambda: api.request("GET", "/integrations/deliveries", token=token).status_code == 200,
               timeout=60, message="the new admin known to integrations")
    deactivated = api.request("PATCH", f"/accounts/{account['id']}", token=admin_token, json={"status": "inactive"})
    assert deactivated.status_code == 200
    # (a list: a refused Response is falsy, and wait_until waits for a truthy value)
    refused = wait_until(lambda: [r for r in [api.request("GET", "/integrations/deliveries", token=token)]
                                  if r.status_code in (401, 403)], timeout=60, message="the deactivated admin refused")
    assert refused[0].json()["error"]["code"] in ("account_inactive", "token_revoked")


def test_organization_settings_are_validated_through_the_gateway(api, admin_token):
    organization = configured_organization(api, admin_token)
    bad = api.request("PATCH", f"/organizations/{organization['id']}", token=admin_token,
                      json={"timezone": "Atlantis/Capital"})
    too_many = api.request("PATCH", f"/organizations/{organization['id']}", token=admin_token,
                           json={"crmLeadEmails": [f"a{i}@x.com" for i in range(6)]})
    assert (bad.status_code, bad.json()["error"]["field"]) == (400, "timezone")
    assert (too_many.status_code, too_many.json()["error"]["field"]) == (400, "crmLeadEmails")


def test_the_openapi_document_is_served_by_the_gateway(api):
    document = api.request("GET", "/openapi/integrations.json")
    assert document.status_code == 200
    assert "/integrations/deliveries" in json.loads(document.text)["paths"]
