"""Synthetic but realistic data: clients with service areas, and leads delivered over a year
with repeat contacts (the same person sent to the same client in the same category within
days — what a ``duplicate_lead`` claim is about), phones in several spellings, some invalid
numbers, some missing emails. Deterministic for a given seed."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.procs import REVIEW

TZ_NAME = "America/New_York"
N_CLIENTS = 50
FLOW_CLIENTS = 10  # clients whose contractors file in the HTTP benchmarks
CATEGORIES = ("Roofing", "Solar", "Windows", "HVAC", "Plumbing", "Siding", "Gutters", "Bathroom Remodel")
ZIPS = ("11201", "11215", "11217", "11231", "11375", "11354", "10001", "10011", "10016", "10024", "10451",
        "10301", "07042", "07102", "07030", "08540", "19103", "06902", "12207", "14201")
AREAS = ('11201;11215;11217;11231,"Kings County, NY",11201,15', ',"Essex County, NJ;Hudson County, NJ",,',
         "10001;10011;10016,,10001,25", ',"Queens County, NY",,', ",,19103,40")
AREA_CODES = ("212", "718", "347", "917", "646", "973", "201", "908", "215", "203")
FIRST = ("Maria", "James", "Ana", "Wei", "Priya", "John", "Fatima", "Luis", "Grace", "Omar", "Olga", "Kenji",
         "Sara", "David", "Aisha", "Tom", "Elena", "Raj", "Chloe", "Ivan")
LAST = ("Lopez", "Chen", "Silva", "Shah", "Smith", "Khan", "Garcia", "Kim", "Brown", "Cohen", "Novak", "Ito",
        "Okafor", "Rossi", "Murphy", "Singh", "Nguyen", "Ali", "Meyer", "Diaz")
STREETS = ("Clark St", "Court St", "Smith St", "Main St", "Oak Ave", "Park Pl", "Elm St", "Broadway")
CITIES = ("Brooklyn", "New York", "Newark", "Queens", "Philadelphia", "Stamford", "Albany", "Buffalo")
INVALID_PHONES = ("123-456-7891", "555-555-5555", "000-000-0000", "111-222-3333")
LEAD_HEADER = ("lead_id,client_id,lead_type,category,received_at,first_name,last_name,phone,email,"
               "street,city,state,zip,price")

REVIEWERS = ("U0REV", "U0REV2")
STAFF = (("U0REV", "reviewer"), ("U0REV2", "reviewer"), ("U0AM", "account_manager"), ("U0ADMIN", "admin"))


def client_id(k: int) -> str:
    return f"C-{k:04d}"


def channel_of(k: int) -> str:
    return f"CB{k:04d}"


def contractor_of(k: int, which: int = 0) -> str:
    return f"UB{k:04d}{'AB'[which % 2]}"


def write_clients_csv(path: Path) -> Path:
    rows = ["client_id,name,slack_channel_id,slack_user_ids,account_manager_user_id,service_zips,"
            "service_counties,base_zip,radius_miles"]
    for k in range(1, N_CLIENTS + 1):
        rows.append(f"{client_id(k)},Bench Client {k},{channel_of(k)},{contractor_of(k, 0)};{contractor_of(k, 1)},"
                    f"U0AM,{AREAS[k % len(AREAS)]}")
    path.write_text("\n".join(rows) + "\n")
    return path


def _local_now() -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.now(UTC).astimezone(ZoneInfo(TZ_NAME)).replace(tzinfo=None, microsecond=0)


def write_leads_csv(path: Path, n: int, *, seed: int = 7, prefix: str = "L-", days: float = 365.0,
                    end: datetime | None = None, clients: int = N_CLIENTS, dup_rate: float = 0.08,
                    invalid_rate: float = 0.02) -> Path:
    """``n`` leads received evenly over ``days`` up to ``end`` (local, naive: the policy time
    zone), ids ``<prefix><7 digits>``. About ``dup_rate`` of them repeat a contact delivered
    to the same client and category shortly before (spelled differently: E.164 must match)."""
    rnd = random.Random(seed)
    end = end or (_local_now() - timedelta(days=1))
    start = end - timedelta(days=days)
    span = days * 86400.0
    step = span / max(n, 1)
    recent: list[tuple] = []
    ring = 4096
    minutes: dict[int, str] = {}
    out = [LEAD_HEADER]
    with path.open("w", encoding="utf-8", newline="") as handle:
        for i in range(n):
            second = int(i * step + rnd.random() * step)
            minute = second // 60
            stamp = minutes.get(minute)
            if stamp is None:
                stamp = (start + timedelta(minutes=minute)).isoformat(timespec="minutes")
                if len(minutes) > 10_000:
                    minutes.clear()
                minutes[minute] = stamp
            received = f"{stamp}:{second % 60:02d}"
            if recent and rnd.random() < dup_rate:
                (client, category, first, last, digits, email, street, city, state, zip_code) = \
                    recent[rnd.randrange(len(recent))]
                phone = (f"({digits[:3]}) {digits[3:6]}-{digits[6:]}" if rnd.random() < 0.5
                         else f"+1 {digits[:3]} {digits[3:6]} {digits[6:]}")
                if email and rnd.random() < 0.5:
                    email = email.upper()
            else:
                client = client_id(rnd.randrange(clients) + 1)
                category = CATEGORIES[rnd.randrange(len(CATEGORIES))]
                first, last = FIRST[rnd.randrange(len(FIRST))], LAST[rnd.randrange(len(LAST))]
                if rnd.random() < invalid_rate:
                    digits = INVALID_PHONES[rnd.randrange(len(INVALID_PHONES))].replace("-", "")
                else:
                    digits = f"{AREA_CODES[rnd.randrange(len(AREA_CODES))]}{rnd.randrange(200, 1000)}" \
                             f"{rnd.randrange(10000):04d}"
                phone = f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
                email = "" if rnd.random() < 0.1 else f"{first}.{last}{rnd.randrange(1000)}@example.com".lower()
                street = f"{rnd.randrange(1, 999)} {STREETS[rnd.randrange(len(STREETS))]}"
                city = CITIES[rnd.randrange(len(CITIES))]
                zip_code = ZIPS[rnd.randrange(len(ZIPS))]
                state = "NJ" if zip_code.startswith("0") else ("PA" if zip_code == "19103" else "NY")
                entry = (client, category, first, last, digits, email, street, city, state, zip_code)
                if len(recent) < ring:
                    recent.append(entry)
                else:
                    recent[i % ring] = entry
            lead_type = "inbound_call" if rnd.random() < 0.3 else "standard"
            out.append(f"{prefix}{i:07d},{client},{lead_type},{category},{received},{first},{last},{phone},"
                       f"{email},{street},{city},{state},{zip_code},{38 + (i % 5) * 2.5:.2f}")
            if len(out) >= 20_000:
                handle.write("\n".join(out) + "\n")
                out = []
        if out:
            handle.write("\n".join(out) + "\n")
    return path


def flow_lead(i: int) -> str:
    return f"BL-{i:07d}"


def flow_client_of(i: int) -> int:
    return i % FLOW_CLIENTS + 1


def write_flow_leads_csv(path: Path, n: int) -> Path:
    """Leads the HTTP benchmarks file requests on: received yesterday (inside every window),
    spread over the first FLOW_CLIENTS clients (lead i belongs to client flow_client_of(i))."""
    received = (_local_now() - timedelta(days=1)).isoformat(timespec="seconds")
    rows = [LEAD_HEADER]
    for i in range(n):
        k = flow_client_of(i)
        rows.append(f"{flow_lead(i)},{client_id(k)},standard,Roofing,{received},Flow,Lead{i},"
                    f"718-{200 + i // 10000 % 800:03d}-{i % 10000:04d},flow{i}@example.com,1 Main St,"
                    f"Brooklyn,NY,11201,40.00")
    path.write_text("\n".join(rows) + "\n")
    return path


def settings_env(database_url: str, slack_url: str = "http://127.0.0.1:9/api/") -> dict:
    from bench.procs import MANAGERS, SECRET

    return {"SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack_url,
            "DATABASE_URL": database_url, "REVIEWER_CHANNEL_ID": REVIEW, "ACCOUNT_MANAGER_CHANNEL_ID": MANAGERS}


def settings_for(database_url: str):
    from bot.config.settings import Settings

    return Settings.from_env(settings_env(database_url), dotenv=False)


def seed(database_url: str, work: Path, leads_csvs: list[Path]) -> None:
    """Clients, staff and leads, loaded the way operators load them (the import functions)."""
    from bot.usecases.importing import import_clients, import_leads
    from bot.usecases.staffing import grant
    from storage.db import Database

    settings = settings_for(database_url)
    db = Database(database_url)
    try:
        now = datetime.now(UTC)
        import_clients(db, write_clients_csv(work / "clients.csv"), now=now)
        for csv_path in leads_csvs:
            import_leads(db, csv_path, calendar=settings.calendar)
        for user, role in STAFF:
            grant(db, user, role, actor="bench", now=now)
    finally:
        db.dispose()
