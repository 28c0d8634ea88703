"""The sandbox's demo workspace: people, channels, clients, leads and staff.

Clients and leads are written as the operators' CSV files and loaded with
:mod:`bot.usecases.importing`; staff roles are granted with :mod:`bot.usecases.staffing` — the same code
``credit-bot clients import``, ``leads import`` and ``staff add`` run. Lead receipt
times are relative to now, so every reporting window that should be open is open.

Once the app runs, :func:`file_demo_requests` files a few requests through it the way a
contractor does (the slash command, then the modal's submit, signed like Slack), so a
reviewer's App Home has a queue to claim from; and a lead-distribution app has posted a
lead delivery in the contractor's channel, to try the message shortcut on.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.sandbox.signing import new_trigger_id
from bot.usecases import staffing
from bot.usecases.csvout import write_import_file
from bot.usecases.importing import import_clients, import_leads
from bot.usecases.settings import Settings
from policy.lifecycle import Role
from storage.db import Database

ACCOUNT_MANAGER, ADMIN, REVIEWER = Role.ACCOUNT_MANAGER.value, Role.ADMIN.value, Role.REVIEWER.value

CONTRACTOR_CHANNEL = "C0ROOF"
REVIEWER_CHANNEL = "C0REVIEW"
MANAGER_CHANNEL = "C0MANAGERS"
SOLAR_CHANNEL = "C0SOLAR"


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str
    title: str  # what the "act as" picker says
    role: str  # contractor | reviewer | account_manager | admin
    channels: tuple[str, ...] = ()  # channels this person is in (their DM with the bot is added)
    staff_roles: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Channel:
    channel_id: str
    name: str
    private: bool
    topic: str


CHANNELS = (
    Channel(CONTRACTOR_CHANNEL, "brooklyn-roofing", False,
            "Slack Connect with Brooklyn Roofing Co — type /credit-request here"),
    Channel(SOLAR_CHANNEL, "sunrise-solar", False, "Slack Connect with Sunrise Solar"),
    Channel(REVIEWER_CHANNEL, "credit-review", True, "Every credit request, with its evidence"),
    Channel(MANAGER_CHANNEL, "account-managers", True, "Exceptions on denied requests"),
)

PEOPLE = (
    Person("U0ROOF1", "Casey Contractor", "Contractor — Casey (Brooklyn Roofing Co)", "contractor",
           (CONTRACTOR_CHANNEL,)),
    Person("U0REV1", "Riley Reviewer", "Reviewer — Riley", "reviewer", (REVIEWER_CHANNEL,), (REVIEWER,)),
    Person("U0AM1", "Morgan Manager", "Account manager — Morgan", "account_manager",
           (MANAGER_CHANNEL, REVIEWER_CHANNEL), (ACCOUNT_MANAGER,)),
    Person("U0ADMIN", "Alex Admin", "Admin — Alex (sees every channel)", "admin",
           tuple(c.channel_id for c in CHANNELS), (ADMIN,)),
    Person("U0ROOF2", "Jordan Roofer", "Contractor — Jordan (Brooklyn Roofing Co)", "contractor",
           (CONTRACTOR_CHANNEL,)),
    Person("U0SOLAR1", "Sam Solar", "Contractor — Sam (Sunrise Solar)", "contractor", (SOLAR_CHANNEL,)),
)

# Other apps in the workspace (user id -> name): they post, nobody acts as them.
LEAD_BOT = "U0LEADFLOW"
APPS = {LEAD_BOT: "LeadFlow"}
SECOND_APPROVAL_OVER = "300"  # dual control in the sandbox: L-1012 ($450) takes two approvals
LEAD_DELIVERY = "L-1010"  # the lead LeadFlow's message delivers

CLIENT_COLUMNS = ("client_id,name,slack_channel_id,slack_user_ids,account_manager_user_id,service_zips,"
                  "service_counties,base_zip,radius_miles").split(",")
CLIENTS = (
    ("C-ROOF", "Brooklyn Roofing Co", CONTRACTOR_CHANNEL, "U0ROOF1;U0ROOF2", "U0AM1", "11201;11215;11217",
     "Kings County, NY", "11201", "15"),
    ("C-SOLAR", "Sunrise Solar", SOLAR_CHANNEL, "U0SOLAR1", "U0AM1", "", "Essex County, NJ;Hudson County, NJ",
     "", ""),
)

LEAD_COLUMNS = ("lead_id,client_id,lead_type,category,received_at,first_name,last_name,phone,email,street,"
                "city,state,zip,price,supplier_id,supplier_cost").split(",")
# Who sold each demo lead to the provider, and for how much (a credit claws that back from them).
SUPPLIERS = {
    "L-1001": ("SUP-HOMEFIND", "27.00"), "L-1002": ("SUP-CALLPRO", "23.10"), "L-1003": ("SUP-HOMEFIND", "23.10"),
    "L-1004": ("SUP-LEADLY", "23.10"), "L-1005": ("SUP-LEADLY", "27.00"), "L-1006": ("SUP-CALLPRO", "23.10"),
    "L-1007": ("SUP-HOMEFIND", "23.10"), "L-1008": ("SUP-CALLPRO", "23.10"), "L-1009": ("SUP-LEADLY", "23.10"),
    "L-1010": ("SUP-CALLPRO", "27.00"), "L-1011": ("SUP-CALLPRO", "23.00"), "L-1012": ("SUP-HOMEFIND", "260.00"),
    "L-2001": ("SUP-LEADLY", "36.00"),
}


@dataclass(frozen=True)
class DemoLead:
    lead_id: str
    story: str  # what filing on it shows, for the page's hint list
    row: tuple


def _leads(now: datetime) -> tuple[DemoLead, ...]:
    def ago(**delta) -> str:
        return (now - timedelta(**delta)).isoformat(timespec="seconds")

    return (
        DemoLead("L-1001", "invalid_number on 123-456-7891: not a real number → approved automatically",
                 ("L-1001", "C-ROOF", "inbound_call", "Roofing", ago(hours=3), "Maria", "Lopez", "123-456-7891",
                  "maria.lopez@example.com", "12 Clark St", "Brooklyn", "NY", "11201", "45.00")),
        DemoLead("L-1002", "invalid_number on a valid number → goes to a reviewer",
                 ("L-1002", "C-ROOF", "standard", "Roofing", ago(days=1), "James", "Chen", "(212) 555-0123",
                  "jchen@example.com", "80 Court St", "Brooklyn", "NY", "11201", "38.50")),
        DemoLead("L-1003", "the earlier lead of a duplicate pair (delivered 12 days ago)",
                 ("L-1003", "C-ROOF", "standard", "Roofing", ago(days=12), "Ana", "Silva", "718-555-0142",
                  "ana.silva@example.com", "5 Smith St", "Brooklyn", "NY", "11217", "38.50")),
        DemoLead("L-1004", "duplicate_lead: same homeowner as L-1003 → approved automatically",
                 ("L-1004", "C-ROOF", "standard", "Roofing", ago(days=1, hours=2), "Ana", "Silva",
                  "+1 718 555 0142", "Ana.Silva@Example.com", "5 Smith St", "Brooklyn", "NY", "11217", "38.50")),
        DemoLead("L-1005", "out_of_service_area: Albany 12207 → approved automatically",
                 ("L-1005", "C-ROOF", "standard", "Roofing", ago(days=2), "Tom", "Reed", "917-555-0188",
                  "tom.reed@example.com", "200 Main St", "Albany", "NY", "12207", "45.00")),
        DemoLead("L-1006", "reported late (received 20 days ago) → denied automatically; ask for an exception",
                 ("L-1006", "C-ROOF", "standard", "Roofing", ago(days=20), "Lee", "Park", "347-555-0101",
                  "lee@example.com", "1 Atlantic Ave", "Brooklyn", "NY", "11215", "38.50")),
        DemoLead("L-1007", "incorrect_contact → goes to a reviewer (try Deny, then an exception)",
                 ("L-1007", "C-ROOF", "standard", "Roofing", ago(hours=20), "Dana", "Wells", "718-555-0175",
                  "dana.wells@example.com", "44 Henry St", "Brooklyn", "NY", "11201", "38.50")),
        DemoLead("L-1008", "already filed by Jordan (incorrect_contact, with a call log): pending — claim it "
                           "from a reviewer's Home",
                 ("L-1008", "C-ROOF", "standard", "Roofing", ago(days=2, hours=5), "Sam", "Ortiz", "718-555-0190",
                  "sam.ortiz@example.com", "70 Hicks St", "Brooklyn", "NY", "11201", "38.50")),
        DemoLead("L-1009", "already filed by Jordan (testing_solicitation): pending in the reviewers' queue",
                 ("L-1009", "C-ROOF", "standard", "Roofing", ago(days=1, hours=6), "Chris", "Bell", "347-555-0166",
                  "growth@seo-leads.example", "300 Court St", "Brooklyn", "NY", "11231", "38.50")),
        DemoLead("L-1010", "delivered by LeadFlow in #brooklyn-roofing: ⋮ More actions → File a credit request "
                           "fills it in",
                 ("L-1010", "C-ROOF", "inbound_call", "Roofing", ago(hours=5), "Pat", "Kim", "917-555-0133",
                  "pat.kim@example.com", "31 Pineapple St", "Brooklyn", "NY", "11201", "45.00")),
        DemoLead("L-1011", "already filed by Jordan (invalid_number on a valid number the carrier says is dead): "
                           "credited after its carrier look-up",
                 ("L-1011", "C-ROOF", "standard", "Roofing", ago(hours=30), "Rosa", "Diaz", "(201) 555-0188",
                  "rosa.diaz@example.com", "18 Pierrepont St", "Brooklyn", "NY", "11201", "38.50")),
        DemoLead("L-1012", "a $450 full-roof lead from SUP-HOMEFIND (cost $260): above $300 it takes two "
                 "approvals (Riley, then Alex); the credit claws $260 back",
                 ("L-1012", "C-ROOF", "standard", "Roofing", ago(hours=4), "Sam", "Ortiz", "718-555-0121",
                  "sam.ortiz@example.com", "9 Joralemon St", "Brooklyn", "NY", "11201", "450.00")),
        DemoLead("L-2001", "a Sunrise Solar lead: Brooklyn Roofing cannot file on it",
                 ("L-2001", "C-SOLAR", "standard", "Solar", ago(days=1), "Priya", "Shah", "973-555-0134",
                  "priya@example.com", "9 Bloomfield Ave", "Montclair", "NJ", "07042", "60.00")),
    )


def demo_leads(now: datetime | None = None) -> tuple[DemoLead, ...]:
    return _leads(now or datetime.now(UTC))


def person(user_id: str) -> Person | None:
    return next((p for p in PEOPLE if p.user_id == user_id), None)


def seed(settings: Settings, *, now: datetime | None = None) -> dict[str, int]:
    """Load the demo clients, leads and staff into ``settings.database_url``."""
    now = now or datetime.now(UTC)
    db = Database(settings.database_url)
    try:
        with tempfile.TemporaryDirectory(prefix="credit-bot-sandbox-") as tmp:
            clients = write_import_file(Path(tmp) / "clients.csv", CLIENT_COLUMNS, CLIENTS)
            leads = write_import_file(Path(tmp) / "leads.csv", LEAD_COLUMNS, [d.row + SUPPLIERS.get(d.lead_id, ("", ""))
                                                                         for d in _leads(now)])
            loaded_clients = import_clients(db, clients, now=now)
            loaded_leads = import_leads(db, leads, calendar=settings.calendar)
        problems = loaded_clients.errors + loaded_leads.errors
        if problems:
            raise RuntimeError("demo data did not load: " + "; ".join(problems))
        staff = 0
        for p in PEOPLE:
            for role in p.staff_roles:
                staffing.grant(db, p.user_id, role, actor="sandbox", now=now)
                staff += 1
        return {"clients": loaded_clients.loaded, "leads": loaded_leads.loaded, "staff": staff}
    finally:
        db.dispose()


def build_workspace(fake) -> None:
    """Channels and people in the Slack stand-in, named as the page shows them."""
    for c in CHANNELS:
        fake.create_channel(c.channel_id, c.name, private=c.private)
    for p in PEOPLE:
        first = p.name.split()[0].lower()
        fake.add_user(p.user_id, name=first, real_name=p.name,
                      profile={"real_name": p.name, "display_name": p.name, "email": f"{first}@example.com"})
    for user_id, name in APPS.items():
        fake.add_user(user_id, name=name.lower(), real_name=name, is_bot=True,
                      profile={"real_name": name, "display_name": name})
    lead = next(d for d in _leads(datetime.now(UTC)) if d.lead_id == LEAD_DELIVERY).row
    fake.add_user_message(CONTRACTOR_CHANNEL, LEAD_BOT, (
        f":bell: *New inbound call lead for Brooklyn Roofing Co* — lead id *{lead[0]}*\n"
        f"{lead[3]} · {lead[5]} {lead[6]} · {lead[7]} · {lead[9]}, {lead[10]} {lead[12]}\n"
        "_Bad lead? Use ⋮ More actions → File a credit request on this message._"))


@dataclass(frozen=True)
class DemoFiling:
    user_id: str
    lead_id: str
    reason: str
    details: str
    evidence: tuple[tuple[str, str, bytes], ...] = ()  # (name, mimetype, content)


DEMO_FILINGS = (
    DemoFiling("U0ROOF2", "L-1008", "incorrect_contact",
               "The number reaches a dentist's office in Queens; nobody there has heard of Sam Ortiz.",
               (("call-log.txt", "text/plain",
                 b"Outbound calls for lead L-1008\n"
                 b"09:14  718-555-0190  2m10s  dentist's office, wrong person\n"
                 b"16:02  718-555-0190  0m40s  same office, never heard of them\n"),)),
    DemoFiling("U0ROOF2", "L-1009", "testing_solicitation",
               "The caller was selling SEO services to us, not asking for a roof."),
    DemoFiling("U0ROOF2", "L-1011", "invalid_number",
               "Three calls, each time a recording: the number is no longer in service."),
)


def file_demo_requests(fake, sender, *, timeout: float = 10.0) -> int:
    """File :data:`DEMO_FILINGS` through the running app, as each contractor would: the slash
    command in their channel, then the modal's submit (evidence uploaded first). Returns how
    many were filed; raises RuntimeError when the app refuses one."""
    channel = next(c for c in CHANNELS if c.channel_id == CONTRACTOR_CHANNEL)
    for f in DEMO_FILINGS:
        who = person(f.user_id)
        name = who.name.split()[0].lower() if who else None
        trigger = new_trigger_id()
        reply = sender.command(f.user_id, channel.channel_id, f.lead_id, trigger_id=trigger,
                               channel_name=channel.name, user_name=name)
        if reply.status != 200 or reply.body.strip() not in (b"", b"{}"):
            raise RuntimeError(f"demo request on {f.lead_id}: the command answered {reply.status} {reply.body[:200]!r}")
        [opened] = fake.wait_for(lambda c, t=trigger: c.method == "views.open" and c.params.get("trigger_id") == t,
                                 timeout=timeout)
        values: dict = {"lead_id": f.lead_id, "reason": f.reason, "details": f.details}
        if f.evidence:
            values["evidence"] = [fake.upload_file(f.user_id, n, content, mimetype=mime)
                                  for n, mime, content in f.evidence]
        reply = sender.view_submission(f.user_id, opened.response["view"], values, user_name=name)
        if reply.status != 200 or reply.body.strip() not in (b"", b"{}"):
            raise RuntimeError(f"demo request on {f.lead_id} was not filed: {reply.status} {reply.body[:300]!r}")
    return len(DEMO_FILINGS)
