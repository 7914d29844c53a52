"""What the CRM mail and the missed-call alert say, in the organization's time zone."""
from __future__ import annotations

from datetime import datetime, timezone

from lxml import etree

from dropin_integrations.domain.messages import crm_mails, missed_call_mails

from .. import snapshots
from ..edge import lead_from, organization_from, stream_from

AT = datetime(2026, 3, 1, 18, 40, tzinfo=timezone.utc)


def test_one_crm_mail_per_address_with_the_subject_and_the_whole_adf_body():
    organization = organization_from(snapshots.organization(crm=["a@crm.example.com", "b@crm.example.com"]))
    lead = lead_from(snapshots.lead(organization.id, "s-1"), AT)
    stream = stream_from(snapshots.completed_stream(organization.id, "s-1", note="Wants a test drive"), AT)

    mails = crm_mails(lead, stream, organization)

    assert [mail.to for mail in mails] == ["a@crm.example.com", "b@crm.example.com"]
    assert mails[0].subject == "ADF lead: 2003 Honda Accord \u2014 Sam Shopper"
    root = etree.fromstring(mails[0].body.encode())
    # 18:35 UTC is 10:35 in Los Angeles on 1 March (PST, -08:00).
    assert root.findtext("prospect/requestdate") == "2026-03-01T10:35:00-08:00"
    comments = root.findtext("prospect/customer/comments")
    assert "Shopper's comment: Does it have a sunroof?" in comments
    assert "Dealer's note: Wants a test drive" in comments
    assert "answered by Ann Lee, 4 min 12 s" in comments


def test_the_crm_mail_of_a_missed_call_says_nobody_answered():
    organization = organization_from(snapshots.organization())
    lead = lead_from(snapshots.lead(organization.id, "s-1", comment=None), AT)
    stream = stream_from(snapshots.missed_stream(organization.id, "s-1"), AT)

    comments = etree.fromstring(crm_mails(lead, stream, organization)[0].body.encode()).findtext(
        "prospect/customer/comments")

    assert comments == "Live video call: missed (no dealer answered)."


def test_daylight_saving_time_gives_the_summer_offset():
    organization = organization_from(snapshots.organization(timezone="Europe/Berlin"))
    lead = lead_from(snapshots.lead(organization.id, None, createdAt="2026-07-01T12:00:00Z"), AT)

    document = crm_mails(lead, None, organization)[0].body

    assert "<requestdate>2026-07-01T14:00:00+02:00</requestdate>" in document


def test_missed_call_alert_shows_vehicle_local_time_dealers_rung_and_the_call_link():
    organization = organization_from(snapshots.organization(managers=["boss@x.com", "floor@x.com"]))
    stream = stream_from(snapshots.missed_stream(organization.id, "s-9", dealersRung=3), AT)

    mails = missed_call_mails(stream, organization, "https://app.example.com/")

    assert [mail.to for mail in mails] == ["boss@x.com", "floor@x.com"]
    body = mails[0].body
    assert "2003 Honda Accord (VIN 1HGCM82633A004352)" in body
    assert "2026-03-01 10:30 PST (America/Los_Angeles)" in body  # requested 18:30 UTC
    assert "Dealers rung: 3 dealers" in body
    assert "https://app.example.com/calls/s-9" in body
    assert mails[0].subject == "Missed call: 2003 Honda Accord at 2026-03-01 10:30 PST"


def test_missed_call_alert_says_when_the_number_of_dealers_rung_is_not_known():
    organization = organization_from(snapshots.organization())
    stream = stream_from(snapshots.missed_stream(organization.id), AT)

    assert "Dealers rung: not known" in missed_call_mails(stream, organization, "http://x")[0].body
