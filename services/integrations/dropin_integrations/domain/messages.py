"""The mails this service sends: each lead to the CRM (ADF/XML), each missed call to the managers.

Times are shown in the organization's IANA zone; the call summary says whether the walk-around
was answered, by whom and for how long, or that nobody answered.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .adf import AdfLead, adf_document
from .records import LeadRecord, OrganizationSettings, StreamRecord


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")  # auth validates names; an unknown one here is a newer tz database


def in_zone(moment: datetime, zone_name: str | None) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(zone(zone_name))


def human_duration(seconds: int) -> str:
    minutes, seconds = divmod(max(0, seconds), 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


def call_summary(stream: StreamRecord | None) -> str | None:
    """One sentence on the live call behind a lead; None when the lead came without one."""
    if stream is None:
        return None
    if stream.status == "missed":
        return "Live video call: missed (no dealer answered)."
    if stream.dealer is None:
        return f"Live video call: {stream.status}."
    duration = (f", {human_duration(stream.duration_seconds)}" if stream.duration_seconds is not None else "")
    ending = " (the dealer's connection dropped)" if stream.status == "expired" else ""
    return f"Live video call: answered by {stream.dealer.full_name}{duration}{ending}."


def crm_comments(lead: LeadRecord, stream: StreamRecord | None) -> str:
    lines = []
    if lead.comment:
        lines.append(f"Shopper's comment: {lead.comment}")
    if stream is not None and stream.note:
        lines.append(f"Dealer's note: {stream.note}")
    summary = call_summary(stream)
    if summary:
        lines.append(summary)
    return "\n".join(lines) or "Lead from a live video walk-around."


def crm_subject(lead: LeadRecord) -> str:
    return f"ADF lead: {lead.vehicle.describe()} \u2014 {lead.shopper_name}"


def crm_mails(lead: LeadRecord, stream: StreamRecord | None, organization: OrganizationSettings) -> list[Mail]:
    """One mail per CRM address, each body the whole ADF document."""
    document = adf_document(AdfLead(
        lead_id=lead.id, requested_at=in_zone(lead.created_at, organization.timezone), vin=lead.vin,
        year=lead.vehicle.year, make=lead.vehicle.make, model=lead.vehicle.model,
        first_name=lead.first_name, last_name=lead.last_name, email=lead.email, phone=lead.phone,
        comments=crm_comments(lead, stream),
        vendor_name=organization.name or lead.organization_name or "Dealership"))
    subject = crm_subject(lead)
    return [Mail(to=address, subject=subject, body=document) for address in organization.crm_lead_emails]


def missed_call_mails(stream: StreamRecord, organization: OrganizationSettings, dashboard_url: str) -> list[Mail]:
    """One alert per manager address about a walk-around nobody answered."""
    asked = stream.requested_at or stream.stopped_at
    when = in_zone(asked, organization.timezone).strftime("%Y-%m-%d %H:%M %Z") if asked else "unknown time"
    rung = ("not known" if stream.dealers_rung is None
            else f"{stream.dealers_rung} dealer{'s' if stream.dealers_rung != 1 else ''}")
    vehicle = stream.vehicle.describe()
    body = "\n".join((
        "A shopper asked for a live video walk-around and nobody answered.",
        "",
        f"Vehicle:      {vehicle}" + (f" (VIN {stream.vin})" if stream.vin else ""),
        f"Requested at: {when} ({organization.timezone})",
        f"Dealers rung: {rung}",
        f"Call:         {dashboard_url.rstrip('/')}/calls/{stream.id}",
        "",
        f"{organization.name or stream.organization_name or ''} \u2014 Dropin Auto",
    ))
    subject = f"Missed call: {vehicle} at {when}"
    return [Mail(to=address, subject=subject, body=body) for address in organization.manager_emails]
