"""The ADF 1.0 (Auto-lead Data Format) document a CRM receives for each lead.

Built with ElementTree, so every value is XML-escaped by construction; the layout follows the
ADF 1.0 specification: prospect > id, requestdate, vehicle, customer > contact, vendor, provider.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime

XML_DECLARATION = '<?xml version="1.0"?>'
ADF_INSTRUCTION = '<?adf version="1.0"?>'
SOURCE = "Dropin Auto"


@dataclass(frozen=True)
class AdfLead:
    lead_id: str
    requested_at: datetime  # aware, in the organization's zone: printed with its offset
    vin: str | None
    year: int | None
    make: str | None
    model: str | None
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    comments: str
    vendor_name: str


def adf_document(lead: AdfLead) -> str:
    """The whole document as text: the XML declaration, the ADF processing instruction, <adf>."""
    adf = ET.Element("adf")
    prospect = ET.SubElement(adf, "prospect", status="new")
    _text(prospect, "id", lead.lead_id, sequence="1", source=SOURCE)
    _text(prospect, "requestdate", lead.requested_at.isoformat(timespec="seconds"))
    vehicle = ET.SubElement(prospect, "vehicle", interest="buy")
    for tag, value in (("year", lead.year), ("make", lead.make), ("model", lead.model), ("vin", lead.vin)):
        if value not in (None, ""):
            _text(vehicle, tag, str(value))
    customer = ET.SubElement(prospect, "customer")
    contact = ET.SubElement(customer, "contact")
    for part, value in (("first", lead.first_name), ("last", lead.last_name)):
        if value:
            _text(contact, "name", value, part=part)
    if lead.email:
        _text(contact, "email", lead.email)
    if lead.phone:
        _text(contact, "phone", lead.phone)
    _text(customer, "comments", lead.comments)
    vendor = ET.SubElement(prospect, "vendor")
    _text(vendor, "vendorname", lead.vendor_name)
    provider = ET.SubElement(prospect, "provider")
    _text(provider, "name", SOURCE, part="full")
    _text(provider, "service", "Live video walk-around")
    ET.indent(adf, space="  ")
    return "\n".join((XML_DECLARATION, ADF_INSTRUCTION, ET.tostring(adf, encoding="unicode"))) + "\n"


def _text(parent: ET.Element, tag: str, value: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = _xml_safe(value)
    return element


def _xml_safe(value: str) -> str:
    """ElementTree escapes &, < and >, but XML 1.0 cannot hold most control characters at all."""
    return "".join(ch for ch in value if ch in "\t\n\r" or ord(ch) >= 0x20)
