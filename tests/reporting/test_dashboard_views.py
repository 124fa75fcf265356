"""The official and program manager dashboard page (/reports/) and the worker/employer page
(/reports/mine/): access for every role, figures against a hand count, suppression, equity flags,
filter validation, charts with a table alternative, and a fixed number of queries.

The fixture runs with a suppression threshold of 3, so counts of 1 and 2 are hidden:
  program P (USD), 13 submitted applications:
    submitted 2 (North), in review 1 (East), rejected 4 (South, 10 days to decision),
    approved 3 (North, 2 days), paid 3 (North, 6 days, awarded 1,000, paid 800 each).
  Outcomes of the paid ones in the 2nd quarter: employed at 40,000, employed at 50,000, unemployed.
  Budget 100,000; 9,000 committed and 3,000 released in the last 90 days.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.roles import Role
from employers.models import Pledge
from grants.models import Application, Outcome
from programs.services import budget_commit, budget_release
from tests.accounts.factories import UserFactory, user_with_role
from tests.employers.factories import PledgeFactory
from tests.grants.factories import funded_setup
from tests.programs.factories import CredentialFactory
from tests.reporting.factories import application_row, outcome_row

pytestmark = pytest.mark.django_db
S = Application.Status
D = Decimal
URL = "/reports/"


@pytest.fixture(autouse=True)
def _threshold(settings) -> None:  # type: ignore[no-untyped-def]
    settings.REPORTING_SUPPRESSION_THRESHOLD = 3


def build_fixture():  # type: ignore[no-untyped-def]
    program, manager, credential = funded_setup(budget=D("100000.00"))
    plan = [
        # (status, how many, days to decision, awarded, paid, region)
        (S.SUBMITTED, 2, None, None, D("0"), "North"),
        (S.IN_REVIEW, 1, None, None, D("0"), "East"),
        (S.REJECTED, 4, 10, None, D("0"), "South"),
        (S.APPROVED, 3, 2, D("1000"), D("0"), "North"),
        (S.PAID, 3, 6, D("1000"), D("800"), "North"),
    ]
    rows: dict[str, list[Application]] = {}
    for status, how_many, days, awarded, paid, region in plan:
        rows[status] = [
            application_row(
                program=program,
                credential=credential,
                status=status,
                days_to_decision=days,
                amount_awarded=awarded,
                amount_paid=paid,
                region=region,
            )
            for _ in range(how_many)
        ]
    a, b, c = rows[S.PAID]
    outcome_row(a, quarter=2, status="employed", wage=D("40000"))
    outcome_row(b, quarter=2, status="employed", wage=D("50000"))
    outcome_row(c, quarter=2, status="unemployed")
    budget_commit(program=program, amount="9000.00", idempotency_key="d:commit", reason="Fixture")
    budget_release(program=program, amount="3000.00", idempotency_key="d:release", reason="Fixture")
    return program, manager, credential


@pytest.fixture
def fixture():  # type: ignore[no-untyped-def]
    return build_fixture()


def flat(html: str) -> str:
    return re.sub(r">\s+<", "><", html)


def row(html: str, label: str) -> list[str]:
    """The cells of the first table row headed by `label`."""
    match = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', flat(html))
    assert match, label
    return re.findall(r"<td[^>]*>(.*?)</td>", match.group(1))


def equity_section(html: str, key: str) -> str:
    match = re.search(
        rf'<section class="equity-dimension" aria-labelledby="equity-{key}">(.*?)</section>', html, re.S
    )
    assert match, key
    return match.group(1)


# ---------------------------------------------------------------- access


def test_anonymous_is_sent_to_sign_in(client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/sign-in/" in response["Location"]


@pytest.mark.parametrize(
    "role", [Role.WORKER, Role.REVIEWER, Role.FINANCE_OFFICER, Role.EMPLOYER_REPRESENTATIVE]
)
def test_other_roles_are_refused(client, fixture, role) -> None:  # type: ignore[no-untyped-def]
    client.force_login(user_with_role(role))
    response = client.get(URL)
    assert response.status_code == 403
    assert "Applications by status" not in response.content.decode()


@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.ADMINISTRATOR])
def test_officials_and_administrators_see_every_program(client, fixture, role) -> None:  # type: ignore[no-untyped-def]
    other, _manager, credential = funded_setup()
    application_row(program=other, credential=credential, status=S.SUBMITTED)
    client.force_login(user_with_role(role))
    html = client.get(URL).content.decode()
    assert row(html, "Applications submitted") == ["14"]  # 13 + the other program's one
    assert f'value="{other.pk}"' in html


def test_a_manager_sees_only_the_programs_they_manage(client, fixture) -> None:  # type: ignore[no-untyped-def]
    program, manager, _credential = fixture
    other, _other_manager, credential = funded_setup()
    for _ in range(5):
        application_row(program=other, credential=credential, status=S.SUBMITTED)
    client.force_login(manager)
    html = client.get(URL).content.decode()
    assert row(html, "Applications submitted") == ["13"]  # not 18
    assert f'value="{program.pk}"' in html
    assert f'value="{other.pk}"' not in html  # not even offered
    refused = client.get(URL, {"program": other.pk})
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "Select a valid choice" in text
    assert "Applications by status</h2>" not in text  # no figures at all


def test_a_manager_of_no_program_sees_no_figures(client, fixture) -> None:  # type: ignore[no-untyped-def]
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    html = client.get(URL).content.decode()
    assert "You do not manage any program yet" in html
    assert "Applications by status</h2>" not in html


def test_no_links_to_applications(client, fixture) -> None:  # type: ignore[no-untyped-def]
    client.force_login(user_with_role(Role.OFFICIAL))
    html = client.get(URL).content.decode()
    assert "/applications/" not in html
    assert "SF-T-" not in html  # no application reference


# ---------------------------------------------------------------- figures


def test_figures_equal_the_hand_count(client, fixture, settings) -> None:  # type: ignore[no-untyped-def]
    settings.REPORTING_SUPPRESSION_THRESHOLD = 1  # the figures themselves; suppression is tested below
    client.force_login(user_with_role(Role.OFFICIAL))
    html = client.get(URL).content.decode()
    today = timezone.localdate()
    assert row(html, "Total budget") == ["$100,000.00"]
    assert row(html, "Committed (awarded, not yet paid)") == ["$6,000.00"]  # 9,000 - 3,000
    assert row(html, "Disbursed") == ["$0.00"]
    assert row(html, "Remaining") == ["$94,000.00"]
    assert row(html, "Burn rate (newly awarded per 30 days)") == ["$2,000.00"]  # 6,000 over 90 days
    assert row(html, "Projected run-out date") == [(today + dt.timedelta(days=1410)).strftime("%d %b %Y")]
    assert row(html, "Decided") == ["10"]  # 4 rejected + 3 approved + 3 paid
    assert row(html, "Approved (awards)") == ["6"]
    assert row(html, "Rejected") == ["4"]
    assert row(html, "Completed") == ["3"]
    # Waits 2 2 2 6 6 6 10 10 10 10: nearest rank 5 of 10 is 6, rank 9 is 10.
    assert row(html, "Median time to decision") == ["6.0 days"]
    assert row(html, "90th percentile time to decision") == ["10.0 days"]
    assert row(html, "Approval rate") == ["60.0%"]  # 6 / 10
    assert row(html, "Completion rate") == ["100.0%"]  # 3 / 3 ended
    assert row(html, "Credential-attainment rate") == ["50.0%"]  # 3 / 6
    assert row(html, "Paid to awards") == ["$2,400.00"]
    assert row(html, "Cost per credential earned") == ["$800.00"]  # 2,400 / 3
    assert row(html, "Answered for the 2nd quarter after completion") == ["3"]
    assert row(html, "Answered for the 4th quarter after completion") == ["0"]
    assert "Mixed currencies" not in html


def test_small_counts_render_as_suppressed(client, fixture) -> None:  # type: ignore[no-untyped-def]
    client.force_login(user_with_role(Role.OFFICIAL))
    html = client.get(URL).content.decode()
    # 2 submitted and 1 in review are below 3: both hidden, and together (3) they are safe.
    assert row(html, "Submitted") == ["suppressed"]
    assert row(html, "In review") == ["suppressed"]
    assert row(html, "Total submitted") == ["13"]
    # 2 employed in the 2nd quarter: hidden, and with it the rate and the median earnings.
    assert row(html, "Employed in the 2nd quarter") == ["suppressed"]
    assert row(html, "Employment rate, 2nd quarter") == ["suppressed"]
    assert row(html, "Median annual earnings, 2nd quarter") == ["suppressed"]
    assert row(html, "Wage change (4th less 2nd quarter median)") == ["suppressed"]
    assert "40,000" not in html
    assert "50,000" not in html
    assert "To protect privacy, counts from 1 to 2 are not shown" in html


def test_equity_tables_are_suppressed_and_flag_low_ratios(client, fixture, settings) -> None:  # type: ignore[no-untyped-def]
    client.force_login(user_with_role(Role.OFFICIAL))
    html = client.get(URL).content.decode()
    region = equity_section(html, "region")
    # Columns: applications, decided, approved, completed, employed Q2, approval, completion, ratio.
    # Threshold 3. East (1 pending) and South (4 rejected, which with the total would give East away) are
    # hidden; North's parts (2 pending, 1 completed not employed, 2 employed) are small, so only its 8 shows.
    assert row(region, "East")[0] == "suppressed"
    assert row(region, "North") == ["8"] + ["suppressed"] * 7
    assert row(region, "South")[:2] == ["suppressed", "suppressed"]
    assert row(region, "Total")[:2] == ["13", "suppressed"]
    assert 'data-flagged="region"' not in region
    # With nothing small to hide, South's approval rate of 0 against North's 1 is flagged.
    settings.REPORTING_SUPPRESSION_THRESHOLD = 1
    region = equity_section(client.get(URL).content.decode(), "region")
    assert row(region, "North")[:5] == ["8", "6", "6", "3", "2"]
    assert row(region, "North")[5:] == ["100.0%", "50.0%", "1.000"]
    south = row(region, "South")
    assert south[:5] == ["4", "4", "0", "0", "0"]
    assert south[5] == "0.0%"
    assert south[7].startswith("0.000")
    assert "below 0.8" in south[7]
    assert 'data-flagged="region"' in region
    assert row(region, "Total") == ["13", "10", "6", "3", "2", "", "", ""]


def test_charts_have_a_title_a_description_and_a_table(client, fixture) -> None:  # type: ignore[no-untyped-def]
    client.force_login(user_with_role(Role.OFFICIAL))
    html = client.get(URL).content.decode()
    charts = re.findall(r"<svg\b.*?</svg>", html, re.S)
    assert len(charts) == 7  # status, and approval rates by each of six dimensions
    for svg in charts:
        assert "<title" in svg
        assert "<desc" in svg
        assert 'role="img"' in svg
        assert "<script" not in svg
    assert html.count('<details class="chart__data">') == 7
    assert "The figures of “Applications by status” as a table" in html
    assert html.count("<h1") == 1


def test_mixed_currencies_are_said(client, fixture) -> None:  # type: ignore[no-untyped-def]
    funded_setup(currency="EUR")
    client.force_login(user_with_role(Role.OFFICIAL))
    html = client.get(URL).content.decode()
    assert "Mixed currencies" in html
    assert row(html, "Total budget") == ["200,000.00"]  # no currency sign: not comparable


# ---------------------------------------------------------------- filters


def test_filters_narrow_the_figures_and_live_in_the_url(client, fixture) -> None:  # type: ignore[no-untyped-def]
    program, _manager, credential = fixture
    client.force_login(user_with_role(Role.OFFICIAL))
    html = client.get(URL, {"program": program.pk, "region": "South"}).content.decode()
    assert row(html, "Applications submitted") == ["4"]
    assert row(html, "Rejected") == ["4"]
    assert row(html, "Approval rate") == ["0.0%"]
    assert 'value="South"' in html
    later = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert row(client.get(URL, {"date_from": later}).content.decode(), "Applications submitted") == ["0"]
    by_credential = client.get(URL, {"credential": credential.pk}).content.decode()
    assert row(by_credential, "Applications submitted") == ["13"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"program": "abc"}, "program", "Select a valid choice"),
        ({"program": "999999999999999999999"}, "program", "Select a valid choice"),
        ({"funding_round": "0"}, "funding_round", "Select a valid choice"),
        ({"credential": "x"}, "credential", "Select a valid choice"),
        ({"date_from": "2026-02-30"}, "date_from", "Enter a valid date"),
        ({"date_from": "2026-03-01", "date_to": "2026-02-01"}, "date_to", "on or after the start date"),
        ({"sector": "54a"}, "sector", "Enter 2 to 6 digits"),
        ({"region": "x" * 61}, "region", "at most 60 characters"),
    ],
)
def test_bad_filters_are_inline_errors(client, fixture, query, field, message) -> None:  # type: ignore[no-untyped-def]
    client.force_login(user_with_role(Role.OFFICIAL))
    response = client.get(URL, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html
    assert "Correct the filters above" in html


def test_a_control_character_in_a_filter_is_refused_before_the_form(client, fixture) -> None:  # type: ignore[no-untyped-def]
    """A NUL reaches no form and no query: the whole request is a 400 that says why
    (core.middleware.RefuseMalformedRequestsMiddleware)."""
    client.force_login(user_with_role(Role.OFFICIAL))
    response = client.get(URL, {"region": "a\x00b"})
    assert response.status_code == 400
    assert "control character" in response.content.decode()


def test_a_round_outside_the_chosen_programs_is_an_error(client, fixture) -> None:  # type: ignore[no-untyped-def]
    program, _manager, _credential = fixture
    other, _m, _c = funded_setup()
    client.force_login(user_with_role(Role.OFFICIAL))
    html = client.get(URL, {"program": program.pk, "funding_round": other.rounds.first().pk}).content.decode()
    assert "This round is not in the programs chosen" in html


# ---------------------------------------------------------------- queries


@pytest.mark.parametrize("size", [1, 5])
def test_dashboard_query_count_does_not_grow(client, django_assert_num_queries, size: int) -> None:
    program, _manager, credential = funded_setup()
    for index in range(size):
        paid = application_row(
            program=program,
            credential=credential,
            status=S.PAID,
            days_to_decision=index + 1,
            amount_awarded=D("1000"),
            amount_paid=D("1000"),
            region=f"R{index}",
        )
        outcome_row(paid, quarter=2, status=Outcome.EmploymentStatus.EMPLOYED, wage=D("30000"))
        PledgeFactory(status=Pledge.Status.ACTIVE)
    official = user_with_role(Role.OFFICIAL)
    client.force_login(official)
    # session, user and roles; 3 for the filter choices; 12 for the figures (a median of nothing needs
    # none); 6 for the equity tables
    with django_assert_num_queries(23):
        assert client.get(URL).status_code == 200


# ---------------------------------------------------------------- worker and employer dashboards


def test_my_dashboard_refuses_staff_and_anonymous(client) -> None:
    assert client.get("/reports/mine/").status_code == 302
    client.force_login(user_with_role(Role.OFFICIAL))
    assert client.get("/reports/mine/").status_code == 403


def test_a_worker_sees_only_their_own_records(client, fixture) -> None:  # type: ignore[no-untyped-def]
    program, _manager, credential = fixture
    worker = user_with_role(Role.WORKER)
    mine = application_row(
        program=program,
        credential=credential,
        status=S.PAID,
        applicant=worker,
        amount_awarded=D("1200"),
        amount_paid=D("1200"),
        days_to_decision=3,
    )
    outcome_row(mine, quarter=2, status="employed", wage=D("41234"))
    client.force_login(worker)
    html = client.get("/reports/mine/").content.decode()
    assert mine.reference in html
    assert "41234" in html
    assert html.count("SF-T-") == 1  # nobody else's applications
    assert 'data-dashboard="worker"' in html
    assert 'data-dashboard="employer"' not in html


def test_home_links_to_the_dashboards(client) -> None:
    client.force_login(UserFactory(roles=[Role.WORKER, Role.OFFICIAL]))
    html = client.get("/").content.decode()
    assert 'href="/reports/mine/"' in html
    assert 'href="/reports/"' in html


@pytest.mark.parametrize("size", [1, 4])
def test_my_dashboard_query_count_does_not_grow(client, django_assert_num_queries, size: int) -> None:
    program, _manager, _credential = funded_setup()
    worker = user_with_role(Role.WORKER)
    for _ in range(size):  # one application per credential and applicant
        paid = application_row(
            program=program,
            credential=CredentialFactory(),
            status=S.PAID,
            applicant=worker,
            amount_awarded=D("1000"),
            amount_paid=D("1000"),
            days_to_decision=2,
        )
        outcome_row(paid, quarter=2, status="employed", wage=D("30000"))
    client.force_login(worker)
    with django_assert_num_queries(7):  # session, user, roles, 4 for the worker's dashboard
        assert client.get("/reports/mine/").status_code == 200


def test_an_employer_representative_sees_their_employers_pledges(client) -> None:
    from tests.employers.factories import EmployerFactory, representative_of

    employer = EmployerFactory()
    mine = PledgeFactory(employer=employer, status=Pledge.Status.ACTIVE, framework_name="Our skills pledge")
    PledgeFactory(status=Pledge.Status.ACTIVE, framework_name="Someone else's pledge")
    client.force_login(representative_of(employer))
    html = client.get("/reports/mine/").content.decode()
    assert 'data-dashboard="employer"' in html
    assert mine.framework_name in html
    assert "Someone else" not in html
