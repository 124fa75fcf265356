"""Demo employers (issue 6): about 30 fictional Lakeland employers and their own records.

Everything goes through employers.services, acting as each employer's representatives and as the demo
program manager (who verifies employers, decides pledges and verifies progress reports):
- 30 employers of all three size classes in a dozen NAICS sectors, in the demo regions; most verified, five
  awaiting verification, one suspended (with its reason);
- representatives: one per employer (the demo representatives employer@ and employer2@ for theirs, fictional
  people for the rest), several employers with two or three, one invitation still open and one
  representative removed (with a reason);
- pledges in every state (draft, submitted, returned with a staff note, active, fulfilled, lapsed,
  withdrawn), quarterly progress reports over past quarters, each with a small generated payroll extract
  (CSV), mostly verified, one awaiting verification and one returned for correction, and ONE active pledge
  that the "in name only" rule flags (roles converted, several verified reports, no hires without a degree);
- job roles with skills from the catalog (the skills of the credentials passed in: seed_demo passes those
  that demo workers were funded for, so the roles have candidates), their degree requirement removed.

employer@demo.skillsfund.test represents Brightpath Software (verified, an active pledge with reports, roles
and a pending invitation); employer2@demo.skillsfund.test represents Harborview Home Care (awaiting
verification, a draft pledge). Hires, candidate invitations and applications filed for employees are made
by demo.matching, which may use grants' services.

Behind the services' backs only dates move, never a status: pledges', reports' and employers' timestamps are
spread over the past quarters, pledges that started over a year ago are drafted as starting today and their
start moved back (see _pledge_create), and one pledge's target date is moved into the past so that
pledges_lapse_due lapses it (see _backdate and _lapse). The people are fictional, with unusable passwords.
A fixed random seed makes every run produce the same data; running it again when the demo employers exist
does nothing.
"""

import csv
import io
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.services import role_grant
from core.dates import add_months
from employers import services
from employers.models import Employer, JobRole, Pledge, ProgressReport, Representative
from employers.services import quarter_bounds
from programs.models import Credential, Skill

PS = Pledge.Status
SEED = 2606
ADMIN_EMAIL = "admin@demo.skillsfund.test"
MANAGER_EMAIL = "manager@demo.skillsfund.test"
EMPLOYER_EMAIL = "employer@demo.skillsfund.test"
EMPLOYER2_EMAIL = "employer2@demo.skillsfund.test"
PEOPLE_DOMAIN = "employers.demo.skillsfund.test"
DEMO_EMPLOYER_EIN = (
    "46-2817305"  # Brightpath Software, employer@'s employer; its presence marks a seeded demo
)
FRAMEWORKS = (
    "Lakeland Skills-First Employer Pledge",
    "Tear the Paper Ceiling Employer Pledge",
    "Great Lakes Skills-Based Hiring Compact",
)
# EIN prefixes the IRS issues (none of employers.models.EIN_UNUSED_PREFIXES).
EIN_PREFIXES = (
    "20",
    "26",
    "27",
    "30",
    "33",
    "36",
    "38",
    "41",
    "45",
    "47",
    "52",
    "56",
    "61",
    "81",
    "84",
    "88",
)
TOWNS = {
    "North": ("Northgate", "402"),
    "Central": ("Lakeland Centre", "403"),
    "South": ("Southport", "405"),
    "Coastal": ("Bayshore", "406"),
    "Metro": ("Lakeland City", "402"),
}
STREETS = (
    "Foundry Road",
    "Harbour Street",
    "Commerce Drive",
    "Mill Lane",
    "Station Avenue",
    "Lakeshore Boulevard",
)
FIRST_NAMES = (
    "Avery",
    "Blake",
    "Camila",
    "Darnell",
    "Esther",
    "Farid",
    "Gwen",
    "Hiroshi",
    "Ines",
    "Jordan",
    "Keisha",
    "Luis",
    "Mara",
    "Nikhil",
    "Oksana",
    "Pedro",
    "Quinn",
    "Rosa",
    "Soren",
    "Tamika",
)
LAST_NAMES = (
    "Abbott",
    "Bishop",
    "Castillo",
    "Dunn",
    "Ellison",
    "Fofana",
    "Gupta",
    "Halvorsen",
    "Ibarra",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Mbeki",
    "Novak",
    "Okafor",
    "Petrov",
    "Rahman",
    "Sato",
)
SUSPEND_REASON = (
    "The Employer Identification Number on file belongs to a different business. Send the IRS notice "
    "(CP 575) for your EIN to the agency to lift the suspension."
)
REMOVAL_REASON = "Left the company in the spring; their access is no longer needed."
RETURN_NOTE = (
    "Please set a target for hires of people without a four-year degree: the pledge framework asks for one, "
    "and the roles you list have dropped the degree requirement."
)
REPORT_RETURN_NOTE = (
    "The payroll extract covers only two of the quarter's three months; attach the full quarter."
)
WITHDRAW_REASON = "The company was acquired; the new owner is reviewing its hiring policies first."


@dataclass(frozen=True)
class DemoEmployer:
    legal_name: str
    trading_name: str
    naics: str
    size: str
    region: str
    status: str = Employer.Status.VERIFIED
    plan: str = ""  # what its pledge does: see _pledge
    colleagues: int = 0  # representatives besides the first
    representative: str = ""  # a demo account's email, else a fictional person


V, P, X = Employer.Status.VERIFIED, Employer.Status.PENDING, Employer.Status.SUSPENDED
EMPLOYERS: tuple[DemoEmployer, ...] = (
    DemoEmployer(
        "Brightpath Software Solutions LLC",
        "Brightpath Software",
        "541511",
        "51-200",
        "Metro",
        V,
        "demo",
        1,
        EMPLOYER_EMAIL,
    ),
    DemoEmployer(
        "Harborview Home Care Inc.",
        "Harborview Home Care",
        "621610",
        "1-50",
        "Coastal",
        P,
        "draft",
        0,
        EMPLOYER2_EMAIL,
    ),
    DemoEmployer(
        "Great Lakes Freight & Logistics Inc.",
        "Great Lakes Freight",
        "484121",
        "201+",
        "Central",
        V,
        "in_name_only",
        1,
    ),
    DemoEmployer(
        "Northshore Precision Machining Co.",
        "Northshore Precision",
        "332710",
        "51-200",
        "North",
        V,
        "fulfilled",
    ),
    DemoEmployer(
        "Lakeland Regional Health System",
        "Lakeland Regional Health",
        "622110",
        "201+",
        "Metro",
        V,
        "active_roles",
        2,
    ),
    DemoEmployer(
        "Coastal Community Credit Union",
        "Coastal Credit Union",
        "522130",
        "201+",
        "Coastal",
        V,
        "active_roles",
        1,
    ),
    DemoEmployer(
        "Ironwood Construction Group LLC", "Ironwood Construction", "236220", "51-200", "South", V, "lapsed"
    ),
    DemoEmployer(
        "Summit HVAC & Mechanical Inc.", "Summit Mechanical", "238220", "1-50", "North", V, "active_roles"
    ),
    DemoEmployer("Riverbend Foods LLC", "Riverbend Foods", "311991", "51-200", "Central", V, "withdrawn"),
    DemoEmployer(
        "Lakeland Metro Couriers LLC", "Metro Couriers", "492110", "51-200", "Metro", V, "submitted"
    ),
    DemoEmployer(
        "Pinecrest Dental Partners PC", "Pinecrest Dental", "621210", "1-50", "North", V, "returned"
    ),
    DemoEmployer(
        "Blue Heron Hospitality Group Inc.", "Blue Heron Hotels", "721110", "201+", "Coastal", V, "active", 1
    ),
    DemoEmployer("Cedar Valley Electric Cooperative", "", "221122", "51-200", "South", V, "active"),
    DemoEmployer("Quarry Ridge Aggregates Inc.", "Quarry Ridge", "212312", "1-50", "South", V),
    DemoEmployer(
        "Tidewater Marine Services LLC",
        "Tidewater Marine",
        "488390",
        "51-200",
        "Coastal",
        V,
        "report_returned",
    ),
    DemoEmployer(
        "Lakeside Pharmacy Group Inc.", "Lakeside Pharmacy", "456110", "51-200", "Central", V, "active_roles"
    ),
    DemoEmployer(
        "Keystone Data Center Services Inc.", "Keystone Data", "518210", "51-200", "Metro", V, "submitted"
    ),
    DemoEmployer(
        "Fairview Senior Living LLC",
        "Fairview Senior Living",
        "623110",
        "201+",
        "North",
        V,
        "withdrawn_draft",
    ),
    DemoEmployer(
        "Granite Point Fabrication Inc.", "Granite Point", "332312", "1-50", "Central", P, "submitted"
    ),
    DemoEmployer(
        "Orchard Lane Early Learning Center LLC",
        "Orchard Lane Early Learning",
        "624410",
        "1-50",
        "Central",
        P,
    ),
    DemoEmployer(
        "Maplewood Accounting & Tax LLP", "Maplewood Accounting", "541211", "1-50", "Metro", V, "draft"
    ),
    DemoEmployer(
        "Silverline Solar Installers LLC", "Silverline Solar", "238210", "1-50", "South", V, "active"
    ),
    DemoEmployer("Heartland Auto Repair Inc.", "Heartland Auto", "811111", "1-50", "North", X),
    DemoEmployer("Lighthouse Insurance Agency Inc.", "Lighthouse Insurance", "524210", "1-50", "Coastal", V),
    DemoEmployer("Union Street Print Works LLC", "Union Street Print", "323111", "1-50", "Metro", P),
    DemoEmployer(
        "Westgate Warehousing Co.", "Westgate Warehousing", "493110", "201+", "Central", V, "active"
    ),
    DemoEmployer(
        "Prairie Wind Agricultural Cooperative", "Prairie Wind Co-op", "111150", "51-200", "North", V
    ),
    DemoEmployer(
        "Crescent Support Solutions Inc.", "Crescent Support", "561422", "201+", "Metro", V, "active", 2
    ),
    DemoEmployer("Bayside Veterinary Clinic PC", "Bayside Vets", "541940", "1-50", "Coastal", P),
    DemoEmployer(
        "Northern Lights Broadband Inc.",
        "Northern Lights Broadband",
        "517111",
        "51-200",
        "North",
        V,
        "active_roles",
    ),
)
# Plans with an active pledge whose roles the demo fills (demo.matching records hires into them).
ROLE_PLANS = ("demo", "active_roles", "in_name_only")


@dataclass
class Seeding:
    rng: random.Random
    today: date
    now: datetime
    manager: User
    admin: User
    credentials: list[Credential]
    next_credential: int = 0
    people: int = 0


# ---------------------------------------------------------------- quarters and dates


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarters_back(today: date, count: int) -> tuple[int, int]:
    """The calendar quarter `count` quarters before today's (0: this quarter)."""
    year, quarter = quarter_of(today)
    index = year * 4 + quarter - 1 - count
    return index // 4, index % 4 + 1


def _aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


# ---------------------------------------------------------------- people


def _person(seeding: Seeding, employer_name: str) -> User:
    """A fictional representative: an account with an unusable password (accepting an invitation grants
    them the role, audited)."""
    rng = seeding.rng
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    seeding.people += 1
    slug = "".join(ch for ch in employer_name.split()[0].lower() if ch.isalnum())
    email = f"{first}.{last}.{seeding.people}@{slug}.{PEOPLE_DOMAIN}".lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email, None, full_name=f"{first} {last}", email_verified_at=seeding.now
        )
    return user


def _first_representative(seeding: Seeding, spec: DemoEmployer) -> User:
    if spec.representative:
        return User.objects.get(email__iexact=spec.representative)
    user = _person(seeding, spec.trading_name or spec.legal_name)
    role_grant(actor=seeding.admin, user=user, role=Role.EMPLOYER_REPRESENTATIVE, reason="Demo data")
    return user


def _add_colleague(inviter: User, employer: Employer, colleague: User) -> Representative:
    """Invite a colleague and accept as them. The token is only ever mailed, so the demo chooses it (the
    service draws it from secrets.token_urlsafe) to be able to accept the invitation like the colleague."""
    token = secrets.token_urlsafe(32)
    with mock.patch.object(services.secrets, "token_urlsafe", return_value=token):
        services.representative_invite(actor=inviter, employer=employer, email=colleague.email)
    return services.invitation_accept(actor=colleague, token=token)


# ---------------------------------------------------------------- employers


def _ein(rng: random.Random, used: set[str]) -> str:
    while True:
        number = f"{rng.choice(EIN_PREFIXES)}-{rng.randrange(1_000_000, 10_000_000)}"
        if number not in used and number != DEMO_EMPLOYER_EIN:
            used.add(number)
            return number


def _register(seeding: Seeding, spec: DemoEmployer, ein: str) -> tuple[Employer, User]:
    rng = seeding.rng
    first = _first_representative(seeding, spec)
    town, zip_prefix = TOWNS[spec.region]
    slug = "".join(ch for ch in (spec.trading_name or spec.legal_name).lower() if ch.isalnum())
    employer = services.employer_register(
        actor=first,
        legal_name=spec.legal_name,
        trading_name=spec.trading_name,
        registration_number=ein,
        naics_code=spec.naics,
        size_class=spec.size,
        region=spec.region,
        address=(
            f"{rng.randint(10, 2400)} {rng.choice(STREETS)}\n{town}, LK {zip_prefix}{rng.randint(10, 99)}"
        ),
        website=f"https://www.{slug[:40]}.example",
    )
    if spec.status in (Employer.Status.VERIFIED, Employer.Status.SUSPENDED):
        services.employer_verify(
            actor=seeding.manager, employer=employer, reason="EIN checked with the IRS letter."
        )
    for _number in range(spec.colleagues):
        _add_colleague(first, employer, _person(seeding, spec.trading_name or spec.legal_name))
    if spec.status == Employer.Status.SUSPENDED:
        services.employer_suspend(actor=seeding.manager, employer=employer, reason=SUSPEND_REASON)
    employer.refresh_from_db()
    return employer, first


# ---------------------------------------------------------------- payroll extracts and reports


def payroll_extract(
    employer: Employer, year: int, quarter: int, figures: dict[str, int], rng: random.Random
) -> bytes:
    """A small payroll extract for the quarter: one row per hire, consistent with the figures reported."""
    first, last = quarter_bounds(year, quarter)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "employee_id",
            "hire_date",
            "job_title",
            "annual_pay_usd",
            "four_year_degree",
            "credential_holder",
            "priority_group",
        ]
    )
    total = figures["hires_total"]
    for index in range(total):
        writer.writerow(
            [
                f"{employer.pk:03d}-{year % 100:02d}{quarter}{index + 1:03d}",
                (first + timedelta(days=rng.randint(0, (last - first).days))).isoformat(),
                rng.choice(("Technician", "Associate", "Specialist", "Operator", "Coordinator")),
                rng.randrange(34000, 78000, 500),
                "no" if index < figures["hires_without_degree"] else "yes",
                "yes" if index < figures["hires_credential_holders"] else "no",
                "yes" if index < figures["hires_priority_groups"] else "no",
            ]
        )
    return out.getvalue().encode()


def _figures(
    rng: random.Random, *, roles: int, flagged: bool = False, total: tuple[int, int] = (2, 7)
) -> dict[str, int]:
    hires = rng.randint(*total)
    without = 0 if flagged else max(1, round(hires * rng.uniform(0.4, 0.8))) if hires else 0
    return {
        "roles_converted": roles,
        "hires_total": hires,
        "hires_credential_holders": min(hires, rng.randint(0, 3) if flagged else max(1, hires // 2)),
        "hires_without_degree": min(hires, without),
        "hires_priority_groups": min(hires, rng.randint(0, 2)),
    }


def _report(
    seeding: Seeding,
    pledge: Pledge,
    actor: User,
    quarters: int,
    figures: dict[str, int],
    *,
    verify: bool = True,
    return_note: str = "",
) -> ProgressReport:
    year, quarter = quarters_back(seeding.today, quarters)
    content = payroll_extract(pledge.employer, year, quarter, figures, seeding.rng)
    report = services.progress_report_submit(
        actor=actor,
        pledge=pledge,
        year=year,
        quarter=quarter,
        evidence=SimpleUploadedFile(f"payroll-{year}-Q{quarter}.csv", content, content_type="text/csv"),
        **figures,
    )
    if return_note:
        services.progress_report_return(actor=seeding.manager, report=report, note=return_note)
    elif verify:
        services.progress_report_verify(
            actor=seeding.manager, report=report, note="Checked against the payroll extract."
        )
    # Dates only: submitted some weeks after the quarter ended, verified a little later (never in the future).
    _first, last = quarter_bounds(year, quarter)
    submitted = min(
        _aware(last + timedelta(days=seeding.rng.randint(8, 25))), seeding.now - timedelta(hours=6)
    )
    dates: dict[str, Any] = {"submitted_at": submitted}
    if verify and not return_note:
        dates["verified_at"] = min(
            submitted + timedelta(days=seeding.rng.randint(4, 18)), seeding.now - timedelta(hours=1)
        )
    ProgressReport.objects.filter(pk=report.pk).update(**dates)
    return report


# ---------------------------------------------------------------- pledges and roles


def _pledge_fields(
    seeding: Seeding, start_quarters_back: int, *, targets: tuple[int, int, int, int], years: int = 3
) -> dict[str, Any]:
    year, quarter = quarters_back(seeding.today, start_quarters_back)
    start, _last = quarter_bounds(year, quarter)
    return {
        "framework_name": seeding.rng.choice(FRAMEWORKS),
        "start_date": start,
        "target_date": start.replace(year=start.year + years) - timedelta(days=1),
        "roles_converted_target": targets[0],
        "credential_holder_hires_target": targets[1],
        "non_degree_hires_target": targets[2],
        "priority_group_hires_target": targets[3],
        "wage_floor": Decimal(seeding.rng.randrange(36000, 48000, 1000)),
    }


def _pledge_create(seeding: Seeding, *, actor: User, employer: Employer, **fields: Any) -> Pledge:
    """services.pledge_create for a pledge the story says was written down quarters ago. The service judges
    a start date against today (at most a year back), so an older start is drafted as today and then moved
    back: a date only, like _backdate, before anything is reported against it."""
    start = fields["start_date"]
    earliest = add_months(seeding.today, -12 * services.PLEDGE_START_YEARS_BACK)
    if start >= earliest:
        return services.pledge_create(actor=actor, employer=employer, **fields)
    pledge = services.pledge_create(actor=actor, employer=employer, **{**fields, "start_date": seeding.today})
    Pledge.objects.filter(pk=pledge.pk).update(start_date=start)
    pledge.start_date = start
    return pledge


def _activate(seeding: Seeding, pledge: Pledge, actor: User) -> Pledge:
    services.pledge_submit(actor=actor, pledge=pledge)
    return services.pledge_activate(
        actor=seeding.manager, pledge=pledge, reason="Commitments are specific and measurable."
    )


def _backdate(pledge: Pledge) -> None:
    """Dates only: the pledge was drafted, submitted and accepted in the weeks before it started."""
    pledge.refresh_from_db()
    start = _aware(pledge.start_date)
    fields: dict[str, Any] = {"created_at": start - timedelta(days=24)}
    if pledge.submitted_at:
        fields["submitted_at"] = min(start - timedelta(days=17), pledge.submitted_at)
    if pledge.activated_at:
        fields["activated_at"] = min(start - timedelta(days=4), pledge.activated_at)
    Pledge.objects.filter(pk=pledge.pk).update(**fields)


def _next_credential(seeding: Seeding) -> Credential | None:
    if not seeding.credentials:
        return None
    credential = seeding.credentials[seeding.next_credential % len(seeding.credentials)]
    seeding.next_credential += 1
    return credential


def _role_title(credential: Credential) -> tuple[str, Any]:
    occupation = credential.occupations.order_by("code").first()
    if occupation is None:
        return f"{credential.title} holder", None
    title = occupation.title.split(",")[0]
    words = title.split()
    if words and words[-1].endswith("s") and not words[-1].endswith("ss"):
        words[-1] = words[-1][:-1]
    return " ".join(words), occupation


def _roles(seeding: Seeding, employer: Employer, pledge: Pledge, actor: User, count: int) -> list[JobRole]:
    """Job roles whose skills are a credential's skills (plus one from the next credential): candidates
    who earned that credential match them. The degree requirement was dropped for each."""
    rng, made = seeding.rng, []
    for _number in range(count):
        credential = _next_credential(seeding)
        if credential is None:
            break
        title, occupation = _role_title(credential)
        skills = list(credential.skills.order_by("pk")[:5])
        following = seeding.credentials[seeding.next_credential % len(seeding.credentials)]
        extra = following.skills.exclude(pk__in=[s.pk for s in skills]).order_by("pk").first()
        if extra is not None:
            skills.append(extra)
        if not skills:
            skills = list(Skill.objects.order_by("pk")[:2])
        low = Decimal(rng.randrange(36000, 56000, 1000))
        made.append(
            services.job_role_save(
                actor=actor,
                employer=employer,
                skills=skills,
                title=title,
                occupation=occupation,
                pledge=pledge,
                degree_required_before=True,
                degree_required_after=False,
                assessment_method=rng.choice(list(JobRole.AssessmentMethod.values)),
                wage_min=low,
                wage_max=low + Decimal(rng.randrange(6000, 20000, 1000)),
                open_positions=rng.randint(1, 6),
                region="",
            )
        )
    return made


def _lapse(seeding: Seeding, pledge: Pledge) -> None:
    """Move the pledge's target date to the end of last quarter (a date only; no service sets a past target)
    and let the daily job close it: its verified figures fall short, so it lapses."""
    year, quarter = quarters_back(seeding.today, 1)
    _first, last = quarter_bounds(year, quarter)
    Pledge.objects.filter(pk=pledge.pk).update(target_date=last)
    services.pledges_lapse_due(today=seeding.today)


def _pledge(seeding: Seeding, spec: DemoEmployer, employer: Employer, actor: User) -> None:
    """Take the employer's pledge to the state its plan names."""
    rng, plan = seeding.rng, spec.plan
    if not plan:
        return
    if plan in ("draft", "submitted", "returned", "withdrawn_draft"):
        pledge = _pledge_create(
            seeding,
            actor=actor,
            employer=employer,
            **_pledge_fields(seeding, 0, targets=(rng.randint(1, 4), 5, 5, 2)),
        )
        if plan == "withdrawn_draft":
            services.pledge_withdraw(actor=actor, pledge=pledge)
        elif plan != "draft":
            services.pledge_submit(actor=actor, pledge=pledge)
            if plan == "returned":
                services.pledge_return(actor=seeding.manager, pledge=pledge, reason=RETURN_NOTE)
        _backdate(pledge)
        return
    if plan == "in_name_only":
        # Roles converted and reported every quarter; none of the verified hires lacked a degree.
        pledge = _pledge_create(
            seeding, actor=actor, employer=employer, **_pledge_fields(seeding, 5, targets=(6, 10, 20, 5))
        )
        _activate(seeding, pledge, actor)
        _roles(seeding, employer, pledge, actor, 2)
        for back, roles in zip(range(5, 0, -1), (3, 2, 1, 0, 0), strict=True):
            _report(seeding, pledge, actor, back, _figures(rng, roles=roles, flagged=True, total=(3, 7)))
    elif plan == "fulfilled":
        pledge = _pledge_create(
            seeding, actor=actor, employer=employer, **_pledge_fields(seeding, 6, targets=(2, 4, 4, 0))
        )
        _activate(seeding, pledge, actor)
        for back in range(6, 0, -1):
            _report(seeding, pledge, actor, back, _figures(rng, roles=1 if back > 4 else 0, total=(2, 4)))
        services.pledge_fulfil(
            actor=seeding.manager, pledge=pledge, reason="Every commitment met, ahead of the target date."
        )
    elif plan == "lapsed":
        fields = _pledge_fields(seeding, 7, targets=(5, 30, 30, 10))
        fields["target_date"] = seeding.today + timedelta(days=60)  # future when submitted; moved back below
        pledge = _pledge_create(seeding, actor=actor, employer=employer, **fields)
        _activate(seeding, pledge, actor)
        for back in range(7, 2, -1):
            _report(seeding, pledge, actor, back, _figures(rng, roles=1 if back == 7 else 0, total=(1, 3)))
        _backdate(pledge)
        _lapse(seeding, pledge)
        return
    elif plan == "withdrawn":
        pledge = _pledge_create(
            seeding, actor=actor, employer=employer, **_pledge_fields(seeding, 3, targets=(2, 6, 6, 2))
        )
        _activate(seeding, pledge, actor)
        _report(seeding, pledge, actor, 3, _figures(rng, roles=1))
        services.pledge_withdraw(actor=actor, pledge=pledge, reason=WITHDRAW_REASON)
    else:  # "demo", "active_roles", "active", "report_returned": an active pledge with reports
        back = 4 if plan == "demo" else rng.randint(2, 4)
        pledge = _pledge_create(
            seeding,
            actor=actor,
            employer=employer,
            **_pledge_fields(seeding, back, targets=(rng.randint(2, 6), 12, 15, 4)),
        )
        _activate(seeding, pledge, actor)
        if plan in ROLE_PLANS:
            _roles(seeding, employer, pledge, actor, 3 if plan == "demo" else rng.randint(1, 2))
        for quarter_back in range(back, 0, -1):
            latest = quarter_back == 1
            _report(
                seeding,
                pledge,
                actor,
                quarter_back,
                _figures(rng, roles=rng.randint(1, 2) if quarter_back == back else rng.randint(0, 1)),
                verify=not (latest and plan == "demo"),  # the demo employer's latest awaits verification
                return_note=REPORT_RETURN_NOTE if latest and plan == "report_returned" else "",
            )
    _backdate(pledge)


def _backdate_employer(seeding: Seeding, employer: Employer) -> None:
    """Dates only: registered (and verified) before its first pledge, or within the last two years."""
    first = employer.pledges.order_by("start_date").values_list("start_date", flat=True).first()
    registered = (
        _aware(first - timedelta(days=seeding.rng.randint(40, 90)))
        if first
        else (seeding.now - timedelta(days=seeding.rng.randint(20, 700)))
    )
    fields: dict[str, Any] = {"created_at": registered}
    if employer.verified_at:
        fields["verified_at"] = min(
            registered + timedelta(days=seeding.rng.randint(2, 12)), employer.verified_at
        )
    Employer.objects.filter(pk=employer.pk).update(**fields)
    Representative.objects.filter(employer=employer, added_at__gt=registered).update(added_at=registered)


# ---------------------------------------------------------------- entry point


def demo_employers_exist() -> bool:
    return Employer.objects.filter(registration_number=DEMO_EMPLOYER_EIN).exists()


def demo_employer() -> Employer | None:
    """employer@demo.skillsfund.test's employer (Brightpath Software), once seeded."""
    return Employer.objects.filter(registration_number=DEMO_EMPLOYER_EIN).first()


@transaction.atomic
def seed_demo_employers(
    *, credentials: Sequence[Credential] | None = None, rng_seed: int = SEED
) -> dict[str, int]:
    """Create the demo employers with their representatives, pledges, reports and job roles (see the module
    docstring). Job roles take their skills from `credentials` (default: credentials with skills in the
    catalog). Returns counts of what was made; all zero if the demo employers exist already.

    Raises RuntimeError if the demo accounts are missing.
    """
    made = {"employers": 0, "pledges": 0, "reports": 0, "job_roles": 0}
    if demo_employers_exist():
        return made
    admin = User.objects.filter(email__iexact=ADMIN_EMAIL).first()
    manager = User.objects.filter(email__iexact=MANAGER_EMAIL).first()
    if admin is None or manager is None or not User.objects.filter(email__iexact=EMPLOYER_EMAIL).exists():
        raise RuntimeError("Seed the demo accounts before the demo employers.")
    pool = list(credentials) if credentials is not None else []
    if not pool:
        pool = list(Credential.objects.filter(skills__isnull=False).distinct().order_by("pk")[:12])
    before = {
        "pledges": Pledge.objects.count(),
        "reports": ProgressReport.objects.count(),
        "job_roles": JobRole.objects.count(),
    }
    rng = random.Random(rng_seed)  # noqa: S311 - repeatable demo data, not security
    seeding = Seeding(
        rng=rng,
        today=timezone.localdate(),
        now=timezone.now(),
        manager=manager,
        admin=admin,
        credentials=pool,
    )
    used = set(Employer.objects.values_list("registration_number", flat=True))
    for spec in EMPLOYERS:
        ein = DEMO_EMPLOYER_EIN if spec.representative == EMPLOYER_EMAIL else _ein(rng, used)
        employer, first = _register(seeding, spec, ein)
        _pledge(seeding, spec, employer, first)
        _backdate_employer(seeding, employer)
        made["employers"] += 1
    _demo_employer_extras(seeding)
    made["pledges"] = Pledge.objects.count() - before["pledges"]
    made["reports"] = ProgressReport.objects.count() - before["reports"]
    made["job_roles"] = JobRole.objects.count() - before["job_roles"]
    return made


def _demo_employer_extras(seeding: Seeding) -> None:
    """An invitation still waiting at Brightpath, and a representative removed (with a reason) at Lakeland
    Regional Health, by its first representative."""
    employer = demo_employer()
    erin = User.objects.get(email__iexact=EMPLOYER_EMAIL)
    if employer is not None:
        services.representative_invite(
            actor=erin, employer=employer, email=f"jordan.lee@brightpath.{PEOPLE_DOMAIN}"
        )
    health = Employer.objects.filter(legal_name="Lakeland Regional Health System").first()
    if health is not None:
        representatives = list(
            Representative.objects.filter(employer=health, removed_at__isnull=True).order_by("pk")
        )
        if len(representatives) >= 2:
            services.representative_remove(
                actor=representatives[0].user, representative=representatives[-1], reason=REMOVAL_REASON
            )
