"""The programs and catalog pages: public browsing, staff configuration, credential requests, budgets."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from programs import services
from programs.models import (
    CapRule,
    Credential,
    CredentialRequest,
    EligibilityRule,
    FundingRound,
    LedgerEntry,
    Program,
    ProgramBudget,
    ProgramCredential,
    ScoringCriterion,
    Skill,
    TrainingProvider,
)
from tests.accounts.factories import user_with_role
from tests.programs.factories import (
    CapRuleFactory,
    CredentialFactory,
    EligibilityRuleFactory,
    FundingRoundFactory,
    OccupationFactory,
    ProgramCredentialFactory,
    ProgramFactory,
    SkillFactory,
    TrainingProviderFactory,
    managed_program,
    open_program,
)

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def page(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def assert_one_h1(html: str) -> None:
    assert html.count("<h1") == 1


def set_status(program: Program, status: str) -> Program:
    """Fixture set-up only: put a program in a status without walking the workflow."""
    Program.objects.filter(pk=program.pk).update(status=status)  # fixture set-up, not a workflow move
    program.refresh_from_db()
    return program


def local_input(moment) -> str:  # type: ignore[no-untyped-def]
    """A datetime as a datetime-local input sends it, in the site's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# ---------------------------------------------------------------- public: programs


def test_program_list_shows_open_and_closed_programs_to_anyone(client) -> None:
    open_one, _manager = open_program(name="Tech Skills Credit", summary="Up to two courses a year.")
    closed = set_status(ProgramFactory(name="Closed Scheme"), Program.Status.CLOSED)
    ProgramFactory(name="Secret Draft")

    response = client.get(reverse("programs:program_list"))

    html = page(response)
    assert response.status_code == 200
    assert_one_h1(html)
    assert "Tech Skills Credit" in html
    assert "Up to two courses a year." in html
    assert "Voucher or training account for the worker" in html
    assert "Workers apply for themselves" in html
    assert "Open now" in html
    assert f'href="/programs/{open_one.code}/"' in html
    assert closed.name in html
    assert "Secret Draft" not in html


def test_program_list_shows_the_next_round_when_none_is_open(client) -> None:
    program = set_status(ProgramFactory(name="Future Fund"), Program.Status.OPEN)
    opens = timezone.now() + timedelta(days=30)
    FundingRoundFactory(program=program, name="Spring", opens_at=opens, closes_at=opens + timedelta(days=20))

    html = page(client.get(reverse("programs:program_list")))

    assert "Spring opens on" in html
    assert "Open now" not in html


def test_program_list_shows_drafts_with_their_status_to_staff(client) -> None:
    ProgramFactory(name="Secret Draft")
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))

    html = page(client.get(reverse("programs:program_list")))

    assert "Secret Draft" in html
    assert '<span class="tag tag--grey">Draft</span>' in html


@pytest.mark.parametrize("size", [3, 30])
def test_program_list_query_count_does_not_grow(client, django_assert_num_queries, size: int) -> None:
    credential = CredentialFactory()
    for _index in range(size):
        program, _manager = open_program()
        later = timezone.now() + timedelta(days=90)
        FundingRoundFactory(program=program, opens_at=later, closes_at=later + timedelta(days=30))
        ProgramCredentialFactory(program=program, credential=credential)

    # The count, the page of programs with budgets and counts, and their current and future rounds.
    with django_assert_num_queries(3):
        response = client.get(reverse("programs:program_list"))
    assert response.status_code == 200


def test_program_detail_says_what_it_pays_for_who_can_apply_and_the_deadlines(client) -> None:
    program, _manager = open_program(
        name="Tech Skills Credit",
        co_payment_percent=Decimal("20"),
        claim_deadline_weeks=6,
        retention_period_months=6,
        training_window_months=12,
        priority_order=["veteran", "low_income"],
    )
    upcoming = timezone.now() + timedelta(days=120)
    FundingRoundFactory(
        program=program, name="Autumn", opens_at=upcoming, closes_at=upcoming + timedelta(days=30)
    )
    CapRuleFactory(program=program, scope=CapRule.Scope.PER_CREDENTIAL, amount=Decimal("2000.00"))
    CapRuleFactory(program=program, scope=CapRule.Scope.PER_PERSON_YEAR, amount=Decimal("5000.00"))
    EligibilityRuleFactory(program=program, parameters={"regions": ["North", "Central"]})
    EligibilityRuleFactory(
        program=program, kind=EligibilityRule.Kind.AGE_BETWEEN, parameters={"minimum": 18, "maximum": 64}
    )
    listed = CredentialFactory(title="CompTIA Security+")
    unlisted = CredentialFactory(title="Hidden Course", is_listed=False)
    ProgramCredentialFactory(program=program, credential=listed, maximum_amount=Decimal("1200.00"))
    ProgramCredentialFactory(program=program, credential=unlisted)

    response = client.get(reverse("programs:program_detail", args=[program.code]))

    html = page(response)
    assert response.status_code == 200
    assert_one_h1(html)
    assert "Up to $2,000.00 per credential" in html
    assert "Up to $5,000.00 per person each year" in html
    assert "You pay 20% of the cost yourself" in html
    assert "Residents of North or Central" in html
    assert "Aged 18 to 64" in html
    assert "Veterans and eligible spouses first, then people on low incomes" in html
    assert "Claims are due within 6 weeks of finishing the training." in html
    assert "The employee must stay employed for 6 months after the training." in html
    assert "Training must be finished within 12 months of approval." in html
    assert "Open now" in html
    assert "Autumn" in html
    assert "Not open yet" in html
    assert f'href="/catalog/{listed.pk}/"' in html
    assert "$1,200.00" in html
    assert "Hidden Course" in html
    assert f'href="/catalog/{unlisted.pk}/"' not in html
    # Anonymous visitors get neither the edit link nor the budget.
    assert reverse("programs:program_edit", args=[program.code]) not in html
    assert reverse("programs:budget", args=[program.code]) not in html


def test_program_detail_hides_drafts_and_unknown_codes(client) -> None:
    draft = ProgramFactory()
    assert client.get(reverse("programs:program_detail", args=[draft.code])).status_code == 404
    assert client.get(reverse("programs:program_detail", args=["NO-SUCH"])).status_code == 404
    client.force_login(user_with_role(Role.WORKER))
    assert client.get(reverse("programs:program_detail", args=[draft.code])).status_code == 404


def test_program_detail_offers_edit_to_its_managers_and_the_budget_to_budget_readers(client) -> None:
    program, manager = open_program()
    edit = reverse("programs:program_edit", args=[program.code])
    budget = reverse("programs:budget", args=[program.code])
    url = reverse("programs:program_detail", args=[program.code])

    client.force_login(manager)
    html = page(client.get(url))
    assert edit in html
    assert budget in html

    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    html = page(client.get(url))
    assert edit not in html
    assert budget in html

    client.force_login(user_with_role(Role.WORKER))
    html = page(client.get(url))
    assert edit not in html
    assert budget not in html


# ---------------------------------------------------------------- public: catalog


def catalog_fixture() -> dict[str, Credential]:
    cloud_skill = SkillFactory(label="Cloud computing")
    welding_skill = SkillFactory(label="Arc welding")
    occupation = OccupationFactory(code="15-1212.00", title="Information Security Analysts")
    cloud = CredentialFactory(
        title="AWS Cloud Practitioner",
        delivery_mode=Credential.DeliveryMode.ONLINE,
        cost=Decimal("100.00"),
        hours=20,
        skills=[cloud_skill],
        occupations=[occupation],
    )
    welding = CredentialFactory(
        title="Certified Welder",
        delivery_mode=Credential.DeliveryMode.IN_PERSON,
        cost=Decimal("3000.00"),
        hours=300,
        skills=[welding_skill],
    )
    hidden = CredentialFactory(title="Unlisted Cloud Course", is_listed=False)
    return {"cloud": cloud, "welding": welding, "hidden": hidden}


@pytest.mark.parametrize(
    ("query", "shown", "not_shown"),
    [
        ("", ["AWS Cloud Practitioner", "Certified Welder"], ["Unlisted Cloud Course"]),
        ("?q=cloud", ["AWS Cloud Practitioner"], ["Certified Welder", "Unlisted Cloud Course"]),
        ("?q=welding", ["Certified Welder"], ["AWS Cloud Practitioner"]),
        ("?delivery_mode=in_person", ["Certified Welder"], ["AWS Cloud Practitioner"]),
        ("?cost_max=2000", ["AWS Cloud Practitioner"], ["Certified Welder"]),
        ("?cost_min=2000", ["Certified Welder"], ["AWS Cloud Practitioner"]),
        ("?hours_max=50", ["AWS Cloud Practitioner"], ["Certified Welder"]),
        ("?occupation=15-1212.00", ["AWS Cloud Practitioner"], ["Certified Welder"]),
        ("?q=security+analysts", ["AWS Cloud Practitioner"], ["Certified Welder"]),
    ],
)
def test_catalog_search_and_filters(client, query: str, shown: list[str], not_shown: list[str]) -> None:
    catalog_fixture()
    response = client.get(reverse("programs:catalog") + query)
    html = page(response)
    assert response.status_code == 200
    for title in shown:
        assert title in html
    for title in not_shown:
        assert title not in html


def test_catalog_filters_by_skill_and_provider(client) -> None:
    credentials = catalog_fixture()
    skill = credentials["welding"].skills.get()
    html = page(client.get(reverse("programs:catalog"), {"skill": skill.pk}))
    assert "Certified Welder" in html
    assert "AWS Cloud Practitioner" not in html
    html = page(client.get(reverse("programs:catalog"), {"provider": credentials["cloud"].provider_id}))
    assert "AWS Cloud Practitioner" in html
    assert "Certified Welder" not in html


def test_catalog_page_is_an_accessible_search_form_with_results(client) -> None:
    catalog_fixture()
    html = page(client.get(reverse("programs:catalog")))
    assert_one_h1(html)
    assert 'role="search"' in html
    assert '<form method="get"' in html
    for field in (
        "q",
        "skill",
        "occupation",
        "provider",
        "delivery_mode",
        "cost_min",
        "cost_max",
        "hours_max",
    ):
        assert f'<label class="field__label" for="id_{field}">' in html
    assert "<caption>2 courses</caption>" in html
    assert '<th scope="col">' in html
    assert 'class="table-wrapper" tabindex="0" role="region"' in html
    assert "$3,000.00" in html
    assert "Cloud computing" in html
    assert "<script>" not in html
    assert "style=" not in html


def test_catalog_paginates_twenty_to_a_page(client) -> None:
    provider = TrainingProviderFactory()
    for index in range(25):
        CredentialFactory(title=f"Course {index:02d}", provider=provider)
    first = page(client.get(reverse("programs:catalog")))
    second = page(client.get(reverse("programs:catalog"), {"page": 2}))
    assert first.count('<a href="/catalog/') == 20
    assert "Page 1 of 2" in first
    assert second.count('<a href="/catalog/') == 5
    assert "Course 24" in second


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?cost_max=abc", "Enter a number."),
        ("?cost_min=-5", "Ensure this value is greater than or equal to 0."),
        ("?delivery_mode=teleport", "Select a valid choice."),
        ("?skill=999999", "Select a valid choice."),
    ],
)
def test_catalog_refuses_unreadable_filters_with_a_message_and_no_results(
    client, query: str, message: str
) -> None:
    catalog_fixture()
    response = client.get(reverse("programs:catalog") + query)
    html = page(response)
    assert response.status_code == 400
    assert "There is a problem" in html
    assert message in html
    assert "AWS Cloud Practitioner" not in html
    assert "Correct the search above to see courses." in html


@pytest.mark.parametrize("size", [3, 30])
def test_catalog_search_query_count_does_not_grow(client, django_assert_num_queries, size: int) -> None:
    skills = SkillFactory.create_batch(4)
    for index in range(size):
        CredentialFactory(
            title=f"Network Course {index}",
            skills=skills[: 1 + index % 4],
            occupations=OccupationFactory.create_batch(2),
        )

    # Filter form choices (skills, providers), count, page, and the page's skills and occupations.
    with django_assert_num_queries(6):
        response = client.get(reverse("programs:catalog"), {"q": "network course", "cost_max": "5000"})
    assert response.status_code == 200
    with django_assert_num_queries(6):
        response = client.get(reverse("programs:catalog"))
    assert response.status_code == 200


def test_credential_detail_shows_everything_about_a_course(client) -> None:
    provider = TrainingProviderFactory(name="Metro Tech College", website="https://metro.example.test/")
    skill = SkillFactory(label="Network security", taxonomy=Skill.Taxonomy.ONET, taxonomy_version="29.1")
    occupation = OccupationFactory(code="15-1212.00", title="Information Security Analysts")
    credential = CredentialFactory(
        title="CompTIA Security+",
        provider=provider,
        hours=80,
        duration_weeks=10,
        cost=Decimal("1250.50"),
        delivery_mode=Credential.DeliveryMode.ONLINE,
        ctid="ce-0a1b2c3d-4e5f-6789-abcd-ef0123456789",
        skills=[skill],
        occupations=[occupation],
    )
    funder, _manager = open_program(name="Tech Skills Credit")
    ProgramCredentialFactory(program=funder, credential=credential, maximum_amount=Decimal("1000.00"))
    draft = ProgramFactory(name="Draft Fund")
    ProgramCredentialFactory(program=draft, credential=credential)

    response = client.get(reverse("programs:credential_detail", args=[credential.pk]))

    html = page(response)
    assert response.status_code == 200
    assert_one_h1(html)
    assert "Metro Tech College" in html
    assert 'href="https://metro.example.test/"' in html
    assert "<dd>80</dd>" in html
    assert "10 weeks" in html
    assert "$1,250.50" in html
    assert "Online" in html
    assert "15-1212.00" in html
    assert "Information Security Analysts" in html
    assert "Network security" in html
    assert "<td>O*NET</td><td>29.1</td>" in html
    assert "ce-0a1b2c3d-4e5f-6789-abcd-ef0123456789" in html
    assert f'href="/programs/{funder.code}/"' in html
    assert "pays up to $1,000.00" in html
    assert "Draft Fund" not in html


def test_credential_detail_is_404_for_unlisted_and_missing_credentials(client) -> None:
    hidden = CredentialFactory(is_listed=False)
    assert client.get(reverse("programs:credential_detail", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("programs:credential_detail", args=[hidden.pk + 100])).status_code == 404


@pytest.mark.parametrize("size", [3, 30])
def test_credential_detail_query_count_does_not_grow(client, django_assert_num_queries, size: int) -> None:
    credential = CredentialFactory(
        skills=SkillFactory.create_batch(size), occupations=OccupationFactory.create_batch(size)
    )
    for _index in range(size):
        program, _manager = open_program()
        ProgramCredentialFactory(program=program, credential=credential)

    # The credential with its provider, then its skills, occupations and public funding.
    with django_assert_num_queries(4):
        response = client.get(reverse("programs:credential_detail", args=[credential.pk]))
    assert response.status_code == 200
    assert page(response).count('href="/programs/') == size


# ---------------------------------------------------------------- staff: who may open what


PROGRAM_PAGES = [
    ("programs:program_edit", False),
    ("programs:round_create", False),
    ("programs:round_edit", True),
    ("programs:cap_rules", False),
    ("programs:eligibility_rules", False),
    ("programs:scoring_criteria", False),
    ("programs:program_credentials", False),
]


def program_page_url(name: str, with_round: bool, program: Program) -> str:
    if with_round:
        funding_round = program.rounds.first()
        return reverse(name, args=[program.code, funding_round.pk])
    return reverse(name, args=[program.code])


@pytest.mark.parametrize(("name", "with_round"), PROGRAM_PAGES)
def test_program_staff_pages_refuse_all_but_the_programs_managers(
    client, name: str, with_round: bool
) -> None:
    program, manager = open_program()
    url = program_page_url(name, with_round, program)

    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)

    client.force_login(user_with_role(Role.WORKER))
    assert client.get(url).status_code == 403

    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    response = client.get(url)
    assert response.status_code == 403
    assert "Only this program" in page(response)

    client.force_login(manager)
    response = client.get(url)
    assert response.status_code == 200
    assert_one_h1(page(response))


CATALOG_PAGES = [
    "programs:provider_list",
    "programs:provider_edit",
    "programs:credential_manage_list",
    "programs:credential_create",
    "programs:credential_edit",
    "programs:skill_list",
    "programs:manage",
    "programs:program_create",
]


@pytest.mark.parametrize("name", CATALOG_PAGES)
def test_catalog_and_program_management_pages_are_for_program_managers(client, name: str) -> None:
    credential = CredentialFactory()
    args = {
        "programs:provider_edit": [credential.provider_id],
        "programs:credential_edit": [credential.pk],
    }.get(name, [])
    url = reverse(name, args=args)

    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)

    client.force_login(user_with_role(Role.WORKER))
    assert client.get(url).status_code == 403

    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    response = client.get(url)
    assert response.status_code == 200
    html = page(response)
    assert_one_h1(html)
    assert "style=" not in html


def test_manage_list_shows_every_program_with_status_and_edit_links_for_managed_ones(client) -> None:
    mine, manager = managed_program(name="My Program")
    theirs = set_status(ProgramFactory(name="Their Program"), Program.Status.OPEN)
    client.force_login(manager)

    html = page(client.get(reverse("programs:manage")))

    assert "My Program" in html
    assert "Their Program" in html
    assert '<span class="tag tag--green">Open</span>' in html
    assert '<span class="tag tag--grey">Draft</span>' in html
    assert reverse("programs:program_edit", args=[mine.code]) in html
    assert reverse("programs:program_edit", args=[theirs.code]) not in html
    assert reverse("programs:program_create") in html


def test_manage_list_is_readable_by_other_agency_staff_without_the_create_button(client) -> None:
    ProgramFactory(name="Any Program")
    client.force_login(user_with_role(Role.FINANCE_OFFICER))
    response = client.get(reverse("programs:manage"))
    assert response.status_code == 200
    assert "Any Program" in page(response)
    assert reverse("programs:program_create") not in page(response)


# ---------------------------------------------------------------- staff: programs


def program_data(**overrides: object) -> dict[str, object]:
    data = {
        "code": "techcred-26",
        "name": "Tech Credentials 2026",
        "summary": "Employers are reimbursed for employees' tech credentials.",
        "description": "",
        "funding_agency": "Department of Workforce Development",
        "currency": "USD",
        "total_budget": "250000.00",
        "payment_model": Program.PaymentModel.REIMBURSEMENT,
        "applicant_type": Program.ApplicantType.EMPLOYER,
        "selection_method": Program.SelectionMethod.FIRST_COME,
        "priority_1": "veteran",
        "priority_2": "low_income",
        "priority_3": "",
        "priority_4": "",
        "co_payment_percent": "0",
        "claim_deadline_weeks": "6",
        "retention_period_months": "",
        "training_window_months": "12",
    }
    data.update(overrides)
    return data


def test_program_create_makes_a_funded_draft_managed_by_its_creator(client) -> None:
    manager = user_with_role(Role.PROGRAM_MANAGER)
    client.force_login(manager)

    response = client.post(reverse("programs:program_create"), program_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("programs:program_edit", args=["TECHCRED-26"])
    program = Program.objects.get(code="TECHCRED-26")
    assert program.status == Program.Status.DRAFT
    assert program.priority_order == ["veteran", "low_income"]
    assert program.claim_deadline_weeks == 6
    assert program.budget.total == Decimal("250000.00")
    assert list(program.managers.all()) == [manager]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"total_budget": "100.001"}, "total_budget", "USD amounts have at most 2 decimal places."),
        ({"total_budget": "-1"}, "total_budget", "The amount cannot be negative."),
        ({"total_budget": "lots"}, "total_budget", "Enter an amount as a number, like 1250.00."),
        ({"priority_2": "veteran"}, "priority_1", "Name each priority group once."),
        ({"code": "x"}, "code", "Use 2 to 31 capital letters"),
        ({"co_payment_percent": "150"}, None, "co_payment"),
    ],
)
def test_program_create_refuses_bad_input_beside_the_field_and_writes_nothing(
    client, overrides: dict[str, str], field: str | None, message: str
) -> None:
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))

    response = client.post(reverse("programs:program_create"), program_data(**overrides))

    html = page(response)
    assert response.status_code == 200
    assert "There is a problem" in html
    if field is not None:
        error_block = re.search(rf'id="id_{field}_error">(.*?)</div>', html, re.S)
        assert error_block is not None
        assert message in error_block.group(1)
    else:
        assert message in html
    assert Program.objects.count() == 0
    assert LedgerEntry.objects.count() == 0


def test_program_create_refuses_a_duplicate_code(client) -> None:
    ProgramFactory(code="TECHCRED-26")
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    response = client.post(reverse("programs:program_create"), program_data())
    assert "already exists" in page(response)
    assert Program.objects.count() == 1


def test_program_edit_saves_settings(client) -> None:
    program, manager = managed_program(priority_order=["veteran"])
    client.force_login(manager)
    url = reverse("programs:program_edit", args=[program.code])
    assert '<option value="veteran" selected>' in page(client.get(url))

    data = program_data(name="Renamed", priority_1="disability", priority_2="veteran")
    response = client.post(url, data)

    assert response.status_code == 302
    program.refresh_from_db()
    assert program.name == "Renamed"
    assert program.priority_order == ["disability", "veteran"]
    assert program.code != "TECHCRED-26"  # the code is not a setting


def test_program_edit_by_a_manager_of_another_program_changes_nothing(client) -> None:
    program, _manager = managed_program(name="Original")
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    response = client.post(
        reverse("programs:program_edit", args=[program.code]), program_data(name="Hijacked")
    )
    assert response.status_code == 403
    program.refresh_from_db()
    assert program.name == "Original"


def test_program_edit_page_offers_only_the_allowed_status_moves(client) -> None:
    program, manager = managed_program()
    client.force_login(manager)
    html = page(client.get(reverse("programs:program_edit", args=[program.code])))
    assert 'name="transition-to_status" value="open"' in html
    assert 'name="transition-to_status" value="archived"' in html
    assert 'name="transition-to_status" value="closed"' not in html
    assert '<label class="field__label" for="id_transition-reason">' in html


def test_program_transition_refuses_opening_without_a_round_and_changes_nothing(client) -> None:
    program, manager = managed_program(budget=Decimal("1000.00"))
    client.force_login(manager)
    url = reverse("programs:program_transition", args=[program.code])

    response = client.post(url, {"transition-to_status": "open"}, follow=True)

    assert "Add at least one funding round before opening the program." in page(response)
    program.refresh_from_db()
    assert program.status == Program.Status.DRAFT
    assert not program.events.filter(action="status").exists()


def test_program_transition_opens_then_refuses_a_move_not_in_the_table(client) -> None:
    program, manager = managed_program(budget=Decimal("1000.00"))
    FundingRoundFactory(program=program)
    client.force_login(manager)
    url = reverse("programs:program_transition", args=[program.code])

    response = client.post(url, {"transition-to_status": "open", "transition-reason": "Launch"}, follow=True)
    assert "The program is now open." in page(response)
    program.refresh_from_db()
    assert program.status == Program.Status.OPEN

    response = client.post(url, {"transition-to_status": "archived"}, follow=True)
    assert "cannot become archived" in page(response)
    program.refresh_from_db()
    assert program.status == Program.Status.OPEN


def test_program_transition_is_post_only_and_refuses_other_managers(client) -> None:
    program, manager = managed_program(budget=Decimal("1000.00"))
    FundingRoundFactory(program=program)
    url = reverse("programs:program_transition", args=[program.code])
    client.force_login(manager)
    assert client.get(url).status_code == 405
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    assert client.post(url, {"transition-to_status": "open"}).status_code == 403
    client.force_login(user_with_role(Role.WORKER))
    assert client.post(url, {"transition-to_status": "open"}).status_code == 403
    program.refresh_from_db()
    assert program.status == Program.Status.DRAFT


# ---------------------------------------------------------------- staff: rounds


def test_round_create_and_edit_store_timezone_aware_times(client) -> None:
    program, manager = managed_program()
    client.force_login(manager)
    opens = (timezone.now() + timedelta(days=5)).replace(second=0, microsecond=0)
    closes = opens + timedelta(days=30)

    response = client.post(
        reverse("programs:round_create", args=[program.code]),
        {
            "name": "Round 1",
            "opens_at": local_input(opens),
            "closes_at": local_input(closes),
            "budget_share": "",
        },
    )

    assert response.status_code == 302
    funding_round = FundingRound.objects.get(program=program)
    assert funding_round.opens_at == opens
    assert funding_round.closes_at == closes
    assert funding_round.opens_at.tzinfo is not None

    edit = reverse("programs:round_edit", args=[program.code, funding_round.pk])
    assert f'value="{local_input(opens)}"' in page(client.get(edit))
    response = client.post(
        edit,
        {
            "name": "Round 1 (extended)",
            "opens_at": local_input(opens),
            "closes_at": local_input(closes + timedelta(days=7)),
            "budget_share": "5000.00",
        },
    )
    assert response.status_code == 302
    funding_round.refresh_from_db()
    assert funding_round.name == "Round 1 (extended)"
    assert funding_round.budget_share == Decimal("5000.00")


def test_round_closing_before_opening_is_refused(client) -> None:
    program, manager = managed_program()
    client.force_login(manager)
    opens = timezone.now() + timedelta(days=10)

    response = client.post(
        reverse("programs:round_create", args=[program.code]),
        {
            "name": "Backwards",
            "opens_at": local_input(opens),
            "closes_at": local_input(opens - timedelta(days=1)),
        },
    )

    html = page(response)
    assert response.status_code == 200
    assert "The round must close after it opens." in html
    assert 'id="id_closes_at_error"' in html
    assert FundingRound.objects.count() == 0


def test_overlapping_rounds_are_refused(client) -> None:
    program, manager = managed_program()
    FundingRoundFactory(program=program, name="Existing")
    client.force_login(manager)
    opens = timezone.now() + timedelta(days=1)

    response = client.post(
        reverse("programs:round_create", args=[program.code]),
        {
            "name": "Clash",
            "opens_at": local_input(opens),
            "closes_at": local_input(opens + timedelta(days=5)),
        },
    )

    assert "overlaps “Existing”" in page(response)
    assert FundingRound.objects.filter(program=program).count() == 1


@pytest.mark.parametrize(
    ("share", "message"),
    [("0", "The amount must be more than zero."), ("12.345", "USD amounts have at most 2 decimal places.")],
)
def test_round_budget_share_must_be_a_positive_amount(client, share: str, message: str) -> None:
    program, manager = managed_program()
    client.force_login(manager)
    opens = timezone.now() + timedelta(days=1)
    response = client.post(
        reverse("programs:round_create", args=[program.code]),
        {
            "name": "R",
            "opens_at": local_input(opens),
            "closes_at": local_input(opens + timedelta(days=5)),
            "budget_share": share,
        },
    )
    assert message in page(response)
    assert FundingRound.objects.count() == 0


def test_round_of_another_program_is_404(client) -> None:
    program, manager = managed_program()
    other_round = FundingRoundFactory()
    client.force_login(manager)
    assert client.get(reverse("programs:round_edit", args=[program.code, other_round.pk])).status_code == 404


# ---------------------------------------------------------------- staff: caps, rules, criteria, credentials


def test_cap_rules_add_and_remove(client) -> None:
    program, manager = managed_program()
    client.force_login(manager)
    url = reverse("programs:cap_rules", args=[program.code])

    response = client.post(url, {"scope": "per_person_year", "amount": "5000.00", "note": "Guidance 4.2"})
    assert response.status_code == 302
    rule = CapRule.objects.get(program=program)
    assert rule.amount == Decimal("5000.00")
    html = page(client.get(url))
    assert "Up to $5,000.00 per person each year" in html
    assert "<caption>Caps of this program</caption>" in html

    response = client.post(reverse("programs:cap_rule_remove", args=[program.code, rule.pk]))
    assert response.status_code == 302
    assert not CapRule.objects.exists()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "The amount must be more than zero."),
        ("-20", "The amount must be more than zero."),
        ("10.001", "USD amounts have at most 2 decimal places."),
        ("ten", "Enter an amount as a number, like 1250.00."),
    ],
)
def test_cap_rule_bad_amounts_are_refused(client, amount: str, message: str) -> None:
    program, manager = managed_program()
    client.force_login(manager)
    response = client.post(
        reverse("programs:cap_rules", args=[program.code]), {"scope": "per_credential", "amount": amount}
    )
    html = page(response)
    assert response.status_code == 200
    error_block = re.search(r'id="id_amount_error">(.*?)</div>', html, re.S)
    assert error_block is not None
    assert message in error_block.group(1)
    assert CapRule.objects.count() == 0


def test_cap_rules_refuse_callers_who_do_not_manage_the_program(client) -> None:
    program, _manager = managed_program()
    rule = CapRuleFactory(program=program)
    add = reverse("programs:cap_rules", args=[program.code])
    remove = reverse("programs:cap_rule_remove", args=[program.code, rule.pk])
    data = {"scope": "per_credential", "amount": "100.00"}

    response = client.post(add, data)
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)
    client.force_login(user_with_role(Role.WORKER))
    assert client.post(add, data).status_code == 403
    assert client.post(remove).status_code == 403
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    assert client.post(add, data).status_code == 403
    assert client.post(remove).status_code == 403

    assert list(CapRule.objects.all()) == [rule]
    assert not program.events.exists()


def test_cap_rule_remove_is_post_only(client) -> None:
    program, manager = managed_program()
    rule = CapRuleFactory(program=program)
    client.force_login(manager)
    assert client.get(reverse("programs:cap_rule_remove", args=[program.code, rule.pk])).status_code == 405
    assert CapRule.objects.filter(pk=rule.pk).exists()


def test_archived_program_cannot_be_configured(client) -> None:
    program, manager = managed_program()
    set_status(program, Program.Status.ARCHIVED)
    client.force_login(manager)
    response = client.post(
        reverse("programs:cap_rules", args=[program.code]), {"scope": "per_credential", "amount": "100.00"}
    )
    assert "An archived program cannot be changed." in page(response)
    assert CapRule.objects.count() == 0


def test_eligibility_rules_add_describe_and_remove(client) -> None:
    program, manager = managed_program()
    client.force_login(manager)
    url = reverse("programs:eligibility_rules", args=[program.code])
    html = page(client.get(url))
    assert "{&quot;regions&quot;: [&quot;North&quot;, &quot;Central&quot;]}" in html
    assert "Residents of North or Central" in html  # the example, described

    response = client.post(url, {"kind": "age_between", "parameters": '{"minimum": 18, "maximum": 64}'})
    assert response.status_code == 302
    rule = EligibilityRule.objects.get(program=program)
    assert rule.parameters == {"minimum": 18, "maximum": 64}
    assert "Aged 18 to 64" in page(client.get(url))

    response = client.post(reverse("programs:eligibility_rule_remove", args=[program.code, rule.pk]))
    assert response.status_code == 302
    assert not EligibilityRule.objects.exists()


@pytest.mark.parametrize(
    ("kind", "parameters", "message"),
    [
        ("residency_region", '{"regions": [North]}', "This is not valid JSON"),
        ("residency_region", "", "This field is required."),
        (
            "residency_region",
            '{"region": ["North"]}',
            "Unknown parameter(s): region. This rule takes: regions.",
        ),
        (
            "age_between",
            '{"minimum": 70, "maximum": 18}',
            "The minimum age must not be above the maximum age.",
        ),
        ("household_income_below", '{"maximum": 45000.5}', "must be a decimal amount written as text"),
        ("credential_max_hours", "[400]", "Rule parameters must be an object of named values."),
        ("not_a_kind", '{"maximum": 1}', "Select a valid choice."),
    ],
)
def test_eligibility_rule_bad_input_is_refused(client, kind: str, parameters: str, message: str) -> None:
    program, manager = managed_program()
    client.force_login(manager)
    response = client.post(
        reverse("programs:eligibility_rules", args=[program.code]), {"kind": kind, "parameters": parameters}
    )
    assert response.status_code == 200
    assert message in page(response).replace("&quot;", '"')
    assert EligibilityRule.objects.count() == 0


def test_scoring_criteria_add_and_refuse_a_zero_weight(client) -> None:
    program, manager = managed_program(selection_method=Program.SelectionMethod.SCORED)
    client.force_login(manager)
    url = reverse("programs:scoring_criteria", args=[program.code])

    response = client.post(url, {"name": "Labour-market need", "weight": "2.5", "guidance": "High demand"})
    assert response.status_code == 302
    assert ScoringCriterion.objects.get().weight == Decimal("2.50")

    response = client.post(url, {"name": "Nothing", "weight": "0"})
    assert "The weight must be more than zero." in page(response)
    response = client.post(url, {"name": "Fine grain", "weight": "1.234"})
    assert "Ensure that there are no more than 2 decimal places." in page(response)
    assert ScoringCriterion.objects.count() == 1


def test_program_credentials_add_change_and_remove(client) -> None:
    program, manager = managed_program()
    credential = CredentialFactory(title="CompTIA A+")
    CredentialFactory(title="Unlisted", is_listed=False)
    client.force_login(manager)
    url = reverse("programs:program_credentials", args=[program.code])
    assert "Unlisted" not in page(client.get(url))

    response = client.post(url, {"credential": credential.pk, "maximum_amount": "900.00"})
    assert response.status_code == 302
    assert ProgramCredential.objects.get().maximum_amount == Decimal("900.00")
    assert "$900.00" in page(client.get(url))

    response = client.post(url, {"credential": credential.pk, "maximum_amount": ""})
    assert ProgramCredential.objects.get().maximum_amount is None

    response = client.post(reverse("programs:program_credential_remove", args=[program.code, credential.pk]))
    assert response.status_code == 302
    assert not ProgramCredential.objects.exists()


@pytest.mark.parametrize(
    ("maximum", "message"),
    [("0", "The amount must be more than zero."), ("-1", "The amount must be more than zero.")],
)
def test_program_credential_maximum_must_be_positive(client, maximum: str, message: str) -> None:
    program, manager = managed_program()
    credential = CredentialFactory()
    client.force_login(manager)
    response = client.post(
        reverse("programs:program_credentials", args=[program.code]),
        {"credential": credential.pk, "maximum_amount": maximum},
    )
    assert message in page(response)
    assert not ProgramCredential.objects.exists()


# ---------------------------------------------------------------- staff: budget


def budget_key(html: str) -> str:
    match = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', html)
    assert match is not None
    return match.group(1)


def test_budget_page_shows_totals_and_recent_entries_to_budget_readers(client) -> None:
    program, _manager = open_program(budget=Decimal("100000.00"))
    services.budget_commit(program=program, amount="2500.00", idempotency_key="t-commit-1", reason="Award A")
    client.force_login(user_with_role(Role.FINANCE_OFFICER))

    response = client.get(reverse("programs:budget", args=[program.code]))

    html = page(response)
    assert response.status_code == 200
    assert_one_h1(html)
    assert "<dd>$100,000.00</dd>" in html
    assert "<dd>$2,500.00</dd>" in html
    assert "<dd>$97,500.00</dd>" in html
    assert "Award A" in html
    assert "Test budget" in html
    assert 'name="idempotency_key"' not in html  # readers get no form


def test_budget_page_refuses_callers_without_a_budget_role(client) -> None:
    program, _manager = open_program()
    url = reverse("programs:budget", args=[program.code])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)
    client.force_login(user_with_role(Role.WORKER))
    assert client.get(url).status_code == 403


def test_budget_total_is_set_once_even_when_the_form_is_submitted_twice(client) -> None:
    program, manager = open_program(budget=Decimal("100000.00"))
    client.force_login(manager)
    url = reverse("programs:budget", args=[program.code])
    key = budget_key(page(client.get(url)))
    entries_before = LedgerEntry.objects.count()
    data = {"total": "150000.00", "reason": "Supplementary allocation", "idempotency_key": key}

    first = client.post(url, data, follow=True)
    second = client.post(url, data, follow=True)

    assert "The total budget is changed." in page(first)
    assert "Nothing changed" in page(second)
    assert LedgerEntry.objects.count() == entries_before + 1
    budget = ProgramBudget.objects.get(program=program)
    assert budget.total == Decimal("150000.00")

    # The same key with a different figure is a stale form, not a second change.
    response = client.post(url, {**data, "total": "175000.00"})
    assert "already used" in page(response)
    assert ProgramBudget.objects.get(program=program).total == Decimal("150000.00")
    assert LedgerEntry.objects.count() == entries_before + 1


@pytest.mark.parametrize(
    ("total", "message"),
    [
        ("50000.00", "committed and paid (60,000.00 USD)."),
        ("-1", "The amount cannot be negative."),
        ("100.123", "USD amounts have at most 2 decimal places."),
    ],
)
def test_budget_total_bad_input_is_refused_beside_the_field(client, total: str, message: str) -> None:
    program, manager = open_program(budget=Decimal("100000.00"))
    services.budget_commit(program=program, amount="60000.00", idempotency_key="t-commit-2", reason="Awards")
    client.force_login(manager)
    url = reverse("programs:budget", args=[program.code])
    entries_before = LedgerEntry.objects.count()

    response = client.post(url, {"total": total, "reason": "Cut", "idempotency_key": "a" * 32})

    html = page(response)
    error_block = re.search(r'id="id_total_error">(.*?)</div>', html, re.S)
    assert error_block is not None
    assert message in error_block.group(1)
    assert ProgramBudget.objects.get(program=program).total == Decimal("100000.00")
    assert LedgerEntry.objects.count() == entries_before


def test_budget_total_refuses_a_tampered_key(client) -> None:
    program, manager = open_program(budget=Decimal("100.00"))
    client.force_login(manager)
    response = client.post(
        reverse("programs:budget", args=[program.code]),
        {"total": "200.00", "reason": "More", "idempotency_key": "program:1:opening-budget"},
    )
    assert "The form has expired" in page(response)
    assert ProgramBudget.objects.get(program=program).total == Decimal("100.00")


@pytest.mark.parametrize("role", [Role.PROGRAM_MANAGER, Role.FINANCE_OFFICER])
def test_budget_total_cannot_be_set_by_staff_who_do_not_manage_the_program(client, role: Role) -> None:
    program, _manager = open_program(budget=Decimal("100.00"))
    client.force_login(user_with_role(role))
    url = reverse("programs:budget", args=[program.code])
    assert 'name="idempotency_key"' not in page(client.get(url))

    response = client.post(url, {"total": "999.00", "reason": "Mine now", "idempotency_key": "b" * 32})

    assert response.status_code == 403
    assert ProgramBudget.objects.get(program=program).total == Decimal("100.00")
    assert LedgerEntry.objects.count() == 1


# ---------------------------------------------------------------- staff: catalog


def credential_data(provider: TrainingProvider, **overrides: object) -> dict[str, object]:
    data = {
        "title": "CompTIA Network+",
        "provider": provider.pk,
        "description": "Networking fundamentals.",
        "hours": "90",
        "duration_weeks": "10",
        "cost": "1200.00",
        "currency": "USD",
        "delivery_mode": "online",
        "occupation_codes": "15-1231.00, 15-1244.00\n15-1231.00",
        "skills": [],
        "ctid": "",
        "website": "",
        "is_listed": "on",
    }
    data.update(overrides)
    return data


def test_credential_create_links_occupations_and_skills(client) -> None:
    provider = TrainingProviderFactory()
    skills = SkillFactory.create_batch(2)
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))

    response = client.post(
        reverse("programs:credential_create"),
        credential_data(
            provider, skills=[skill.pk for skill in skills], ctid="ce-0a1b2c3d-4e5f-6789-abcd-ef0123456789"
        ),
    )

    assert response.status_code == 302
    credential = Credential.objects.get()
    assert credential.cost == Decimal("1200.00")
    assert sorted(credential.occupations.values_list("code", flat=True)) == ["15-1231.00", "15-1244.00"]
    assert set(credential.skills.all()) == set(skills)
    edit = page(client.get(reverse("programs:credential_edit", args=[credential.pk])))
    assert "15-1231.00\n15-1244.00" in edit


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"occupation_codes": "15-1212"}, "occupation_codes", "“15-1212” is not an O*NET-SOC code"),
        ({"occupation_codes": "15-1212.00, nurse"}, "occupation_codes", "“nurse” is not an O*NET-SOC code"),
        ({"ctid": "ce-1234"}, "ctid", "A Credential Engine CTID is “ce-” followed by a lower-case UUID"),
        ({"cost": "-5"}, "cost", "The amount cannot be negative."),
        ({"cost": "99.999"}, "cost", "USD amounts have at most 2 decimal places."),
        ({"hours": "0"}, "hours", "Ensure this value is greater than or equal to 1."),
    ],
)
def test_credential_bad_input_is_refused_and_nothing_is_written(
    client, overrides: dict[str, str], field: str, message: str
) -> None:
    provider = TrainingProviderFactory()
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))

    response = client.post(reverse("programs:credential_create"), credential_data(provider, **overrides))

    html = page(response)
    assert response.status_code == 200
    error_block = re.search(rf'id="id_{field}_error">(.*?)</div>', html, re.S)
    assert error_block is not None
    assert message in error_block.group(1)
    assert Credential.objects.count() == 0


def test_credential_edit_refuses_a_malformed_ctid_and_keeps_the_old_record(client) -> None:
    credential = CredentialFactory(title="Original title")
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    response = client.post(
        reverse("programs:credential_edit", args=[credential.pk]),
        credential_data(credential.provider, title="New title", ctid="not-a-ctid"),
    )
    assert "A Credential Engine CTID is" in page(response)
    credential.refresh_from_db()
    assert credential.title == "Original title"
    assert credential.ctid is None


def test_credential_manage_list_includes_unlisted_credentials(client) -> None:
    CredentialFactory(title="Hidden Course", is_listed=False)
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    html = page(client.get(reverse("programs:credential_manage_list")))
    assert "Hidden Course" in html
    assert "Not listed" in html


def test_provider_create_and_edit(client) -> None:
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    response = client.post(
        reverse("programs:provider_list"),
        {
            "name": "Metro Tech",
            "registration_number": "",
            "website": "metro.example.test",
            "eligible_from": "2026-01-01",
        },
    )
    assert response.status_code == 302
    provider = TrainingProvider.objects.get()
    assert provider.registration_number is None
    assert provider.website == "https://metro.example.test"

    response = client.post(
        reverse("programs:provider_edit", args=[provider.pk]),
        {"name": "Metro Tech College", "registration_number": "ETPL-1", "eligible_from": "2026-01-01"},
    )
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.name == "Metro Tech College"


def test_provider_eligibility_dates_out_of_order_are_refused(client) -> None:
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    response = client.post(
        reverse("programs:provider_list"),
        {"name": "Backwards", "eligible_from": "2026-05-01", "eligible_until": "2026-01-01"},
    )
    assert response.status_code == 200
    assert "There is a problem" in page(response)
    assert not TrainingProvider.objects.exists()


def test_skill_create_and_refuse_a_duplicate(client) -> None:
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    data = {"taxonomy": "esco", "taxonomy_version": "1.2.0", "code": "S1.2.3", "label": "Use spreadsheets"}
    assert client.post(reverse("programs:skill_list"), data).status_code == 302
    response = client.post(reverse("programs:skill_list"), {**data, "label": "Again"})
    assert response.status_code == 200
    assert "already exists" in page(response)
    assert Skill.objects.count() == 1


# ---------------------------------------------------------------- credential requests


def request_data(**overrides: object) -> dict[str, object]:
    data = {
        "title": "Certified Drone Pilot",
        "provider_name": "Sky Academy",
        "provider_website": "https://sky.example.test/",
        "hours": "40",
        "cost": "800.00",
        "skills_taught": "Flight planning\nAirspace rules",
        "program": "",
    }
    data.update(overrides)
    return data


def test_worker_requests_a_credential_with_a_pdf_syllabus(client, media_root) -> None:
    worker = user_with_role(Role.WORKER)
    client.force_login(worker)
    syllabus = SimpleUploadedFile("my syllabus.pdf", PDF, content_type="application/pdf")

    response = client.post(reverse("programs:request_create"), request_data(syllabus=syllabus))

    assert response.status_code == 302
    credential_request = CredentialRequest.objects.get()
    assert response["Location"] == reverse("programs:request_detail", args=[credential_request.pk])
    assert credential_request.requested_by == worker
    assert credential_request.cost == Decimal("800.00")
    assert credential_request.syllabus.name.endswith(".pdf")
    assert "my syllabus" not in credential_request.syllabus.name
    with credential_request.syllabus.open("rb") as handle:
        assert handle.read() == PDF
    assert credential_request.events.count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("syllabus.pdf", PNG, "The file must be a PDF"),
        ("syllabus.pdf", b"<html><script>alert(1)</script></html>", "The file must be a PDF"),
        ("syllabus.pdf", b"", "The submitted file is empty."),
    ],
)
def test_syllabus_is_checked_by_its_content_and_nothing_is_saved(
    client, media_root, name: str, content: bytes, message: str
) -> None:
    client.force_login(user_with_role(Role.EMPLOYER_REPRESENTATIVE))
    syllabus = SimpleUploadedFile(name, content, content_type="application/pdf")

    response = client.post(reverse("programs:request_create"), request_data(syllabus=syllabus))

    html = page(response)
    assert response.status_code == 200
    assert message in html
    assert 'id="id_syllabus_error"' in html
    assert CredentialRequest.objects.count() == 0
    assert list(media_root.rglob("*.*")) == []


def test_syllabus_larger_than_the_limit_is_refused(client, media_root, settings) -> None:
    settings.UPLOAD_MAX_BYTES = 1024
    client.force_login(user_with_role(Role.WORKER))
    syllabus = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048, content_type="application/pdf")

    response = client.post(reverse("programs:request_create"), request_data(syllabus=syllabus))

    assert "the largest file you can upload is 1 KB" in page(response)
    assert CredentialRequest.objects.count() == 0
    assert list(media_root.rglob("*.*")) == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"cost": "0"}, "The amount must be more than zero."),
        ({"cost": "12.345"}, "USD amounts have at most 2 decimal places."),
        ({"hours": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"skills_taught": ""}, "This field is required."),
    ],
)
def test_credential_request_bad_input_is_refused(client, overrides: dict[str, str], message: str) -> None:
    client.force_login(user_with_role(Role.WORKER))
    response = client.post(reverse("programs:request_create"), request_data(**overrides))
    assert message in page(response)
    assert CredentialRequest.objects.count() == 0


@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.REVIEWER, Role.FINANCE_OFFICER])
def test_only_workers_and_employers_may_request_a_credential(client, role: Role) -> None:
    client.force_login(user_with_role(role))
    assert client.get(reverse("programs:request_create")).status_code == 403
    assert client.post(reverse("programs:request_create"), request_data()).status_code == 403
    assert CredentialRequest.objects.count() == 0


def make_request(requester, **fields: object) -> CredentialRequest:  # type: ignore[no-untyped-def]
    return services.credential_request_submit(
        actor=requester,
        title=fields.pop("title", "Certified Drone Pilot"),
        provider_name="Sky Academy",
        skills_taught="Flight planning",
        **fields,
    )


def test_requesters_see_only_their_own_requests_and_managers_see_all(client) -> None:
    mine_owner = user_with_role(Role.WORKER)
    other = user_with_role(Role.EMPLOYER_REPRESENTATIVE)
    mine = make_request(mine_owner, title="My Course")
    theirs = make_request(other, title="Their Course")

    client.force_login(mine_owner)
    html = page(client.get(reverse("programs:request_list")))
    assert_one_h1(html)
    assert "My Course" in html
    assert "Their Course" not in html
    assert client.get(reverse("programs:request_detail", args=[theirs.pk])).status_code == 404
    response = client.get(reverse("programs:request_detail", args=[mine.pk]))
    assert response.status_code == 200
    assert_one_h1(page(response))
    assert client.get(reverse("programs:request_create")).status_code == 200

    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    html = page(client.get(reverse("programs:request_list")))
    assert "My Course" in html
    assert "Their Course" in html
    assert "Approve or decline" in html

    client.force_login(user_with_role(Role.OFFICIAL))
    assert client.get(reverse("programs:request_list")).status_code == 403
    assert client.get(reverse("programs:request_detail", args=[mine.pk])).status_code == 404


def test_manager_approves_a_request_into_the_catalog(client) -> None:
    requester = user_with_role(Role.WORKER)
    credential_request = make_request(requester)
    credential = CredentialFactory(title="Drone Pilot (Part 107)")
    manager = user_with_role(Role.PROGRAM_MANAGER)
    client.force_login(manager)
    detail = reverse("programs:request_detail", args=[credential_request.pk])
    html = page(client.get(detail))
    assert 'id="id_approve-credential"' in html
    assert 'id="id_decline-reason"' in html

    response = client.post(
        reverse("programs:request_approve", args=[credential_request.pk]),
        {"approve-credential": credential.pk, "approve-reason": "Added as Part 107"},
    )

    assert response.status_code == 302
    credential_request.refresh_from_db()
    assert credential_request.status == CredentialRequest.Status.APPROVED
    assert credential_request.credential == credential
    assert credential_request.decided_by == manager
    client.force_login(requester)
    html = page(client.get(reverse("programs:request_list")))
    assert "Drone Pilot (Part 107)" in html
    assert "Added as Part 107" in html


def test_decline_needs_a_reason_and_the_requester_reads_it(client) -> None:
    requester = user_with_role(Role.WORKER)
    credential_request = make_request(requester)
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    url = reverse("programs:request_decline", args=[credential_request.pk])

    response = client.post(url, {"decline-reason": "  "})
    assert "Say why the request is declined" in page(response)
    credential_request.refresh_from_db()
    assert credential_request.status == CredentialRequest.Status.PENDING

    response = client.post(url, {"decline-reason": "Already covered by CompTIA A+."})
    assert response.status_code == 302
    client.force_login(requester)
    html = page(client.get(reverse("programs:request_detail", args=[credential_request.pk])))
    assert "Declined" in html
    assert "Already covered by CompTIA A+." in html


def test_a_decided_request_cannot_be_decided_again(client) -> None:
    credential_request = make_request(user_with_role(Role.WORKER))
    manager = user_with_role(Role.PROGRAM_MANAGER)
    services.credential_request_decline(actor=manager, request=credential_request, reason="No")
    client.force_login(manager)
    response = client.post(
        reverse("programs:request_approve", args=[credential_request.pk]),
        {"approve-credential": CredentialFactory().pk},
        follow=True,
    )
    assert "This request has already been decided." in page(response)
    credential_request.refresh_from_db()
    assert credential_request.status == CredentialRequest.Status.DECLINED


def test_only_program_managers_decide_requests(client) -> None:
    requester = user_with_role(Role.WORKER)
    credential_request = make_request(requester)
    credential = CredentialFactory()
    approve = reverse("programs:request_approve", args=[credential_request.pk])
    decline = reverse("programs:request_decline", args=[credential_request.pk])

    response = client.post(approve, {"approve-credential": credential.pk})
    assert response["Location"].startswith(SIGN_IN)
    client.force_login(requester)
    assert client.post(approve, {"approve-credential": credential.pk}).status_code == 403
    assert client.post(decline, {"decline-reason": "Me"}).status_code == 403
    client.force_login(user_with_role(Role.OFFICIAL))
    assert client.post(approve, {"approve-credential": credential.pk}).status_code == 403

    credential_request.refresh_from_db()
    assert credential_request.status == CredentialRequest.Status.PENDING
    assert credential_request.events.count() == 1


def test_creating_the_credential_for_a_request_returns_to_the_request(client) -> None:
    credential_request = make_request(user_with_role(Role.WORKER), hours=40)
    provider = TrainingProviderFactory()
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    url = reverse("programs:credential_create") + f"?for_request={credential_request.pk}"
    html = page(client.get(url))
    assert 'value="Certified Drone Pilot"' in html

    response = client.post(url, credential_data(provider, title="Certified Drone Pilot", occupation_codes=""))

    credential = Credential.objects.get()
    detail = reverse("programs:request_detail", args=[credential_request.pk])
    assert response["Location"] == f"{detail}?credential={credential.pk}"
    assert f'<option value="{credential.pk}" selected>' in page(client.get(response["Location"]))


def test_syllabus_downloads_only_to_the_requester_and_program_managers(client, media_root) -> None:
    requester = user_with_role(Role.WORKER)
    credential_request = make_request(
        requester, syllabus=SimpleUploadedFile("s.pdf", PDF, content_type="application/pdf")
    )
    url = reverse("programs:request_syllabus", args=[credential_request.pk])

    response = client.get(url)
    assert response["Location"].startswith(SIGN_IN)

    for allowed in (requester, user_with_role(Role.PROGRAM_MANAGER)):
        client.force_login(allowed)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            f'attachment; filename="syllabus-request-{credential_request.pk}.pdf"'
        )
        assert b"".join(response.streaming_content) == PDF

    for refused in (user_with_role(Role.WORKER), user_with_role(Role.OFFICIAL)):
        client.force_login(refused)
        assert client.get(url).status_code == 404


def test_request_without_a_syllabus_has_nothing_to_download(client) -> None:
    requester = user_with_role(Role.WORKER)
    credential_request = make_request(requester)
    client.force_login(requester)
    assert client.get(reverse("programs:request_syllabus", args=[credential_request.pk])).status_code == 404


# ---------------------------------------------------------------- CSRF and methods


def test_state_changes_need_the_csrf_token() -> None:
    from django.test import Client

    program, manager = managed_program()
    rule = CapRuleFactory(program=program)
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)

    add = client.post(
        reverse("programs:cap_rules", args=[program.code]), {"scope": "per_credential", "amount": "1"}
    )
    remove = client.post(reverse("programs:cap_rule_remove", args=[program.code, rule.pk]))

    assert add.status_code == 403
    assert remove.status_code == 403
    assert list(CapRule.objects.all()) == [rule]
    html = page(client.get(reverse("programs:cap_rules", args=[program.code])))
    assert html.count('name="csrfmiddlewaretoken"') == 3  # sign-out, remove, add


@pytest.mark.parametrize(
    "name",
    ["programs:program_list", "programs:catalog", "programs:credential_detail", "programs:program_detail"],
)
def test_public_pages_refuse_posts(client, name: str) -> None:
    program, _manager = open_program()
    credential = CredentialFactory()
    args = {"programs:credential_detail": [credential.pk], "programs:program_detail": [program.code]}.get(
        name, []
    )
    assert client.post(reverse(name, args=args)).status_code == 405


# ---------------------------------------------------------------- navigation and landing


def test_navigation_offers_the_new_pages_by_role(client) -> None:
    client.force_login(user_with_role(Role.WORKER))
    html = page(client.get("/"))
    assert 'href="/programs/"' in html
    assert 'href="/catalog/"' in html
    assert 'href="/catalog/requests/"' in html
    assert 'href="/programs/manage/"' not in html

    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    html = page(client.get("/"))
    assert 'href="/programs/manage/"' in html
    assert 'href="/catalog/requests/"' in html

    client.force_login(user_with_role(Role.OFFICIAL))
    html = page(client.get("/"))
    assert 'href="/programs/"' in html
    assert 'href="/catalog/requests/"' not in html


def test_landing_page_links_to_programs_and_the_catalog(client) -> None:
    html = page(client.get("/"))
    assert 'href="/programs/"' in html
    assert 'href="/catalog/"' in html


def test_a_manager_removes_a_scoring_criterion_and_others_cannot(client) -> None:
    from programs.models import ProgramEvent, ScoringCriterion
    from tests.programs.factories import managed_program

    program, manager = managed_program()
    criterion = ScoringCriterion.objects.create(program=program, name="Need", weight=2)
    url = f"/programs/{program.code}/criteria/{criterion.pk}/remove/"
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    assert client.post(url).status_code == 403
    assert ScoringCriterion.objects.filter(pk=criterion.pk).exists()
    client.force_login(manager)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assert not ScoringCriterion.objects.filter(pk=criterion.pk).exists()
    assert ProgramEvent.objects.filter(program=program, action="criterion_removed").count() == 1
