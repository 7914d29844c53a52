"""The ADF/XML document a CRM receives: ADF 1.0 structure, escaping, the organization's offset."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from lxml import etree

from dropin_integrations.domain.adf import AdfLead, adf_document

PACIFIC = timezone(timedelta(hours=-8))


def a_lead(**overrides) -> AdfLead:
    values = dict(lead_id="lead-1", requested_at=datetime(2026, 3, 1, 10, 35, tzinfo=PACIFIC),
                  vin="1HGCM82633A004352", year=2003, make="Honda", model="Accord", first_name="Sam",
                  last_name="Shopper", email="sam@example.com", phone="+1 555 0100",
                  comments="Shopper's comment: sunroof?", vendor_name="Sunrise Toyota")
    values.update(overrides)
    return AdfLead(**values)


def parsed(document: str):
    return etree.fromstring(document.encode())


def test_the_document_starts_with_the_xml_declaration_and_the_adf_instruction():
    document = adf_document(a_lead())

    lines = document.splitlines()
    assert lines[0] == '<?xml version="1.0"?>'
    assert lines[1] == '<?adf version="1.0"?>'
    root = parsed(document)
    instruction = root.getprevious()
    assert (instruction.target, instruction.text) == ("adf", 'version="1.0"')
    assert root.tag == "adf"


def test_the_prospect_has_every_adf_part_in_order_with_the_lead_values():
    root = parsed(adf_document(a_lead()))

    prospect = root.find("prospect")
    assert prospect.get("status") == "new"
    assert [child.tag for child in prospect] == ["id", "requestdate", "vehicle", "customer", "vendor", "provider"]
    lead_id = prospect.find("id")
    assert (lead_id.text, lead_id.get("sequence"), lead_id.get("source")) == ("lead-1", "1", "Dropin Auto")
    assert prospect.findtext("requestdate") == "2026-03-01T10:35:00-08:00"
    vehicle = prospect.find("vehicle")
    assert vehicle.get("interest") == "buy"
    assert [(c.tag, c.text) for c in vehicle] == [("year", "2003"), ("make", "Honda"), ("model", "Accord"),
                                                   ("vin", "1HGCM82633A004352")]
    contact = prospect.find("customer/contact")
    assert contact.find("name[@part='first']").text == "Sam"
    assert contact.find("name[@part='last']").text == "Shopper"
    assert (contact.findtext("email"), contact.findtext("phone")) == ("sam@example.com", "+1 555 0100")
    assert prospect.findtext("customer/comments") == "Shopper's comment: sunroof?"
    assert prospect.findtext("vendor/vendorname") == "Sunrise Toyota"
    assert prospect.find("provider/name[@part='full']").text == "Dropin Auto"


def test_markup_in_any_value_is_escaped_and_reads_back_unchanged():
    hostile = 'Bob </name><name part="first">Eve & "Co" <b>'
    document = adf_document(a_lead(first_name=hostile, comments="<![CDATA[x]]> & </comments>",
                                   vendor_name="A&B <Motors>"))

    root = parsed(document)  # would raise on broken markup
    assert root.find("prospect/customer/contact/name[@part='first']").text == hostile
    assert len(root.findall("prospect/customer/contact/name")) == 2
    assert root.findtext("prospect/customer/comments") == "<![CDATA[x]]> & </comments>"
    assert root.findtext("prospect/vendor/vendorname") == "A&B <Motors>"
    assert "&amp;" in document and "&lt;" in document


def test_control_characters_xml_cannot_hold_are_dropped_not_fatal():
    root = parsed(adf_document(a_lead(comments="line one\nline two\x00\x07 end")))

    assert root.findtext("prospect/customer/comments") == "line one\nline two end"


def test_unknown_vehicle_parts_and_contact_fields_are_left_out():
    root = parsed(adf_document(a_lead(year=None, make=None, model=None, vin=None, last_name=None, phone=None)))

    assert list(root.find("prospect/vehicle")) == []
    assert [c.tag for c in root.find("prospect/customer/contact")] == ["name", "email"]
