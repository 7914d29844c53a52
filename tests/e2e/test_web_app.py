"""The web app in a real browser (Debian's Chromium under pytest-playwright), through nginx, with
pusher-js connected to the Pusher stand-in's WebSocket: what a shopper, two dealers and an admin
see and do. Each page visited is screenshotted into var/test/screenshots/ and checked by axe-core."""
from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from dropin_common.testing import wait_until

from .browser import DESKTOP, PHONE, check_page, go_online, launch_args, new_page, screenshot, sign_in
from .helpers import login, new_organization, register, unique

VIN = "1HGCM82633A004352"
# Counts the tones the console plays (Web Audio oscillators started), so the ring can be heard by a test.
COUNT_TONES = """
window.__tones = 0;
const start = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...args) { window.__tones += 1; return start.apply(this, args); };
"""


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, **launch_args()}


@pytest.fixture()
def open_page(browser, stack):
    """New pages, each in its own browser context (its own storage: one person each)."""
    pages: list[Page] = []

    def opener(viewport: dict = DESKTOP) -> Page:
        page = new_page(browser, stack.gateway_url, viewport)
        pages.append(page)
        return page

    yield opener
    for page in pages:
        page.context.close()


def subscribers(stack, channel: str) -> int:
    return stack.pusher.sockets.subscriber_counts().get(channel, 0)


def dealer_console(open_page, stack, dealer: dict, organization_id: str) -> Page:
    """A dealer signed in on a phone-width screen, online, listening to the organization."""
    page = open_page(PHONE)
    page.add_init_script(COUNT_TONES)
    before = subscribers(stack, f"private-organization-{organization_id}")
    sign_in(page, dealer["username"], dealer["password"])
    expect(page.get_by_role("heading", name="Dealer console")).to_be_visible()
    go_online(page)
    wait_until(lambda: subscribers(stack, f"private-organization-{organization_id}") > before,
               message="the console's pusher-js subscribed to the organization's channel")
    return page


def activated_dealer(api, admin_token: str, organization_id: str) -> dict:
    dealer = register(api)
    response = api.request("PATCH", f"/accounts/{dealer['id']}", token=admin_token,
                           json={"status": "active", "organizationId": organization_id})
    assert response.status_code == 200, response.text
    return dealer


def test_sign_in_explains_what_went_wrong_and_works_from_the_keyboard(open_page, stack, api):
    dealer = register(api)
    page = open_page(PHONE)
    page.goto("/")
    check_page(page, "sign-in")

    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Enter your email or username.")

    page.get_by_label("Email or username").fill(dealer["email"])
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text(
        "That email or username and password do not match an account.")
    check_page(page, "sign-in-error")

    # Keyboard only: the fields and the button are reachable with Tab, Enter submits.
    page.get_by_label("Password").fill("")
    page.get_by_label("Email or username").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(dealer["username"])
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(dealer["password"])
    page.keyboard.press("Enter")
    # Not activated yet: auth refuses the login (403 account_inactive), and the page says why.
    expect(page.get_by_role("alert")).to_have_text("This account is not active; an admin must activate it.")
    expect(page).not_to_have_url(re.compile(r"/console$"))
    check_page(page, "sign-in-inactive")


def test_walk_around_from_request_to_lead_seen_by_the_admin(open_page, stack, api, admin_token):
    organization = new_organization(api, admin_token)
    first = activated_dealer(api, admin_token, organization["id"])
    second = activated_dealer(api, admin_token, organization["id"])
    console = dealer_console(open_page, stack, first, organization["id"])
    check_page(console, "console-online")
    other_console = dealer_console(open_page, stack, second, organization["id"])

    shopper = open_page(PHONE)
    shopper.goto(f"/demo/{organization['code']}?vin={VIN}")
    expect(shopper.get_by_text(f"VIN {VIN}")).to_be_visible()
    expect(shopper.get_by_role("heading", level=1)).to_contain_text("Honda")
    check_page(shopper, "demo")

    with shopper.expect_response(lambda r: "/streams/request/" in r.url) as requested:
        shopper.get_by_role("button", name="Start live walk-around").click()
    stream_id = requested.value.json()["id"]
    expect(shopper.get_by_role("status")).to_have_text("2 dealers are being rung.")
    check_page(shopper, "demo-waiting")

    # Both consoles ring in real time with the vehicle; the first dealer accepts.
    for page in (console, other_console):
        expect(page.get_by_role("listitem", name=re.compile("Incoming call: .*Honda"))).to_be_visible()
    check_page(other_console, "console-ringing")
    other_console.wait_for_function("() => window.__tones >= 2")  # the ring is heard, not only seen
    console.get_by_role("button", name="Accept").click()

    # The other dealer's card goes away, and the shopper is connected.
    expect(other_console.get_by_role("button", name="Accept")).to_have_count(0)
    expect(other_console.get_by_text("another dealer answered")).to_be_visible()
    screenshot(other_console, "console-answered-elsewhere")
    expect(shopper.get_by_role("heading", name=f"Connected with {first['firstName']}")).to_be_visible()

    # Chat both ways, delivered live; pings keep the stream alive meanwhile.
    with console.expect_request(lambda r: r.url.endswith("/ping") and r.method == "POST", timeout=15_000):
        shopper.get_by_label("Message").fill("Does it have a sunroof?")
        shopper.get_by_role("button", name="Send").click()
        expect(console.get_by_text("Does it have a sunroof?")).to_be_visible()
        console.get_by_label("Message").fill("It does, and heated seats.")
        console.get_by_role("button", name="Send").click()
        expect(shopper.get_by_text("It does, and heated seats.")).to_be_visible()
    check_page(console, "console-live")
    check_page(shopper, "demo-connected")

    # The dealer stops; the shopper is asked for their details.
    console.get_by_role("button", name="Stop").click()
    expect(console.get_by_role("heading", name=re.compile("Call ended"))).to_be_visible()
    expect(shopper.get_by_role("heading", name="Thanks for watching")).to_be_visible()
    check_page(shopper, "demo-lead-form")
    shopper.get_by_label("First name").fill("Sam")
    shopper.get_by_label("Last name").fill("Shopper")
    shopper.get_by_label("Email").fill("sam.shopper@example.com")
    shopper.get_by_label("Phone").fill("+1 555 0100")
    shopper.get_by_role("button", name="Send my details").click()
    expect(shopper.get_by_text("Thank you!")).to_be_visible()
    screenshot(shopper, "demo-thanks")

    # After the call: a note, then the loan link to the lead's e-mail.
    console.get_by_label("Note").fill("Wants a test drive on Saturday")
    console.get_by_role("button", name="Save note").click()
    expect(console.get_by_text("Note saved.")).to_be_visible()
    console.get_by_role("button", name="Send loan link").click()
    expect(console.get_by_text("Loan link sent to the shopper.")).to_be_visible()
    check_page(console, "console-ended")

    stream = api.request("GET", f"/streams/{stream_id}", token=login(api, first["username"], first["password"])).json()
    assert stream["status"] == "completed" and stream["note"] == "Wants a test drive on Saturday"
    wait_until(lambda: stack.mailbox, message="the loan link mail")

    admin_sees_the_call(open_page, stack, api, admin_token, organization, stream_id)


def admin_sees_the_call(open_page, stack, api, admin_token, organization, stream_id):
    # The dashboard learns of the call and the lead through events: wait until it has both.
    wait_until(lambda: [c for c in api.request("GET", "/dashboard/getcalls", token=admin_token,
                                                params={"organizationName": organization["name"]}).json()
                        if c["id"] == stream_id and c["status"] == "completed" and c["firstName"] == "Sam"],
               message="the completed call with its lead on the dashboard")
    admin = open_page(DESKTOP)
    sign_in(admin, stack.admin_email, stack.admin_password)
    expect(admin).to_have_url(re.compile(r"/admin$"))

    # Overview: the figures are the API's for the same range (today is in the default range).
    calls = admin.get_by_test_id("kpi-calls")
    expect(calls).not_to_have_text("…")
    expected = api.request("GET", "/dashboard/countcall", token=admin_token,
                           params={"from": "2000-01-01", "to": "2100-01-01"}).json()["count"]
    admin.get_by_label("From").fill("2000-01-01")
    admin.get_by_label("To").fill("2100-01-01")
    admin.get_by_role("button", name="Show").click()
    expect(calls).to_have_text(str(expected))
    expect(admin.get_by_test_id("kpi-leads")).to_have_text(re.compile(r"^[1-9]\d*$"))
    expect(admin.get_by_test_id("kpi-answer-rate")).to_have_text(re.compile(r"%$"))
    expect(admin.get_by_role("img", name=re.compile(r"Calls per day: \d+ calls"))).to_be_visible()
    expect(admin.get_by_role("table", name="Missed calls by hour of day")).to_be_visible()
    check_page(admin, "admin-overview")

    admin.get_by_role("link", name="Calls").click()
    admin.get_by_label("Organization", exact=True).fill(organization["name"])
    admin.get_by_role("checkbox", name="completed").check()
    admin.get_by_role("button", name="Apply filters").click()
    row = admin.get_by_role("row").filter(has_text=organization["name"])
    expect(row).to_have_count(1)
    expect(row).to_contain_text("completed")
    expect(row).to_contain_text("Sam Shopper")
    expect(admin.get_by_text("Rows 1–1 of 1")).to_be_visible()
    check_page(admin, "admin-calls")

    with admin.expect_download() as download_info:
        admin.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert re.fullmatch(r"calls-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8-sig").read())))
    assert len(rows) == 1 and stream_id in rows[0].values() and VIN in rows[0].values()

    admin.get_by_role("link", name="Leads").click()
    admin.get_by_label("Organization", exact=True).fill(organization["name"])
    admin.get_by_role("button", name="Apply filters").click()
    expect(admin.get_by_role("row").filter(has_text="sam.shopper@example.com")).to_have_count(1)
    check_page(admin, "admin-leads")


def test_a_missed_call_asks_the_shopper_for_details(open_page, stack, api, admin_token):
    organization = new_organization(api, admin_token)  # nobody online
    shopper = open_page(PHONE)
    shopper.goto(f"/demo/{organization['code']}?vin={VIN}")
    shopper.get_by_role("button", name="Start live walk-around").click()
    expect(shopper.get_by_role("status")).to_have_text("0 dealers are being rung.")
    shopper.get_by_role("button", name="Cancel").click()
    expect(shopper.get_by_role("heading", name="Sorry, no one could answer right now")).to_be_visible()
    shopper.get_by_role("button", name="Send my details").click()
    expect(shopper.get_by_role("alert")).to_have_text("Enter an email or a phone number so the dealer can reach you.")
    shopper.get_by_label("Phone").fill("+1 555 0199")
    shopper.get_by_role("button", name="Send my details").click()
    expect(shopper.get_by_text("Thank you!")).to_be_visible()
    check_page(shopper, "demo-missed-thanks")


def test_admin_creates_and_edits_an_organization_and_activates_and_attaches_a_dealer(open_page, stack, api,
                                                                                    admin_token):
    admin = open_page(DESKTOP)
    sign_in(admin, stack.admin_email, stack.admin_password)
    admin.get_by_role("link", name="Organizations").click()
    code = unique("web")
    admin.get_by_label("Name", exact=True).first.fill(f"Harbor Motors {code}")
    admin.get_by_label("Code").fill(code)
    admin.get_by_label("Loan link").first.fill("https://harbor.example.com/loan")
    admin.get_by_role("button", name="Create organization").click()
    expect(admin.get_by_text(f"Created Harbor Motors {code} ({code}).")).to_be_visible()

    admin.get_by_label("Organization name").fill(code)
    admin.get_by_role("button", name="Search").click()
    admin.get_by_role("button", name=f"Edit Harbor Motors {code}").click()
    edit = admin.get_by_role("form", name=f"Edit Harbor Motors {code}")
    edit.get_by_label("Loan link").fill("https://harbor.example.com/finance")
    # The settings other issues added: hours (13), CRM and manager addresses (14), the time zone.
    edit.get_by_label("Time zone").fill("America/Chicago")
    edit.get_by_label("Business hours").fill('{"mon": [["09:00", "18:00"]]}')
    edit.get_by_label("CRM lead e-mails").fill(f"crm@{code}.example.com")
    edit.get_by_label("Manager e-mails").fill(f"gm@{code}.example.com, sales@{code}.example.com")
    check_page(admin, "admin-organization-edit")
    edit.get_by_role("button", name="Save").click()
    expect(admin.get_by_role("cell", name="https://harbor.example.com/finance")).to_be_visible()
    check_page(admin, "admin-organizations")
    [organization] = [o for o in api.request("GET", "/organizations", token=admin_token, params={"name": code}).json()]
    assert organization["loanLink"] == "https://harbor.example.com/finance"
    assert organization["timezone"] == "America/Chicago"
    assert organization["businessHours"] == {"mon": [["09:00", "18:00"]]}
    assert organization["crmLeadEmails"] == [f"crm@{code}.example.com"]
    assert organization["managerEmails"] == [f"gm@{code}.example.com", f"sales@{code}.example.com"]

    dealer = register(api, firstName="Rita", lastName=f"Newhire{code}")
    admin.get_by_role("link", name="Dealers").click()
    admin.get_by_label("Name", exact=True).fill(f"Newhire{code}")
    admin.get_by_role("checkbox", name="inactive").check()
    admin.get_by_role("button", name="Apply filters").click()
    name = f"Rita Newhire{code}"
    expect(admin.get_by_role("row").filter(has_text=name)).to_have_count(1)
    admin.get_by_role("button", name=f"Activate {name}").click()
    expect(admin.get_by_text(f"{name} activated.")).to_be_visible()
    admin.get_by_role("checkbox", name="inactive").uncheck()
    admin.get_by_role("button", name="Apply filters").click()
    admin.get_by_label(f"Organization for {name}").select_option(label=f"Harbor Motors {code}")
    admin.get_by_role("button", name=f"Attach {name}").click()
    expect(admin.get_by_text(f"{name} attached to Harbor Motors {code}.")).to_be_visible()
    check_page(admin, "admin-dealers")

    me = api.request("GET", "/accounts/me", token=login(api, dealer["username"], dealer["password"])).json()
    assert me["status"] == "active" and me["organizationId"] == organization["id"]
