"""Matching workers whose funded credentials are verified with pledged employers' open job roles.

Skills are the join: a worker's skills are those of the credentials whose completion was verified; a role's
are those it requires. Both directions rank by how many skills overlap and run a fixed number of queries
whatever the number of workers or roles (one counted, grouped query plus prefetches), paginated by the caller.

Only workers who opted in to being contacted are ever shown to employers, and employers see a candidate's
name, region, verified credentials and skills: never demographics, never other applications.
"""

from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import AnyUser, Decision, is_signed_in
from accounts.roles import Role
from employers.models import Employer, JobRole, Pledge, Representative
from grants.models import Application, WorkerProfile
from programs.models import Skill

# Awards whose completion staff verified: the credential is earned, and its skills count for matching.
VERIFIED_COMPLETION = (
    Application.Status.COMPLETION_VERIFIED,
    Application.Status.PAYMENT_SCHEDULED,
    Application.Status.PAID,
)


def verified_skill_ids(worker: Any) -> Any:
    """The skills of the worker's verified credentials, as a subquery."""
    return (
        Skill.objects.filter(
            credentials__applications__applicant=worker,
            credentials__applications__status__in=VERIFIED_COMPLETION,
        )
        .values("pk")
        .distinct()
    )


def _active_pledge() -> QuerySet[Pledge]:
    return Pledge.objects.filter(employer=OuterRef("employer"), status=Pledge.Status.ACTIVE)


def matchable_roles() -> QuerySet[JobRole]:
    """Open roles of verified employers with an active pledge."""
    return JobRole.objects.filter(is_open=True, employer__status=Employer.Status.VERIFIED).filter(
        Exists(_active_pledge())
    )


def has_opted_in(worker: Any) -> bool:
    return WorkerProfile.objects.filter(user=worker, contact_by_employers=True).exists()


def roles_for_worker(worker: Any) -> QuerySet[JobRole]:
    """Open, pledged roles that need at least one of the worker's verified skills, most overlap first.

    Each row carries `overlap` (the number of shared skills), `required` (how many skills the role needs
    in all), `matched_skills` (the shared skills) and `pledge_framework` (the employer's active pledge)."""
    mine = verified_skill_ids(worker)
    pledge = _active_pledge().order_by("activated_at", "pk")
    return (
        matchable_roles()
        .filter(skills__in=mine)
        .annotate(
            overlap=Count("skills", filter=Q(skills__in=mine), distinct=True),
            # Counted apart: the join above keeps only the worker's skills.
            required=Subquery(
                JobRole.skills.through.objects.filter(jobrole_id=OuterRef("pk"))
                .values("jobrole_id")
                .annotate(n=Count("pk"))
                .values("n")[:1]  # type: ignore[misc]
            ),
            pledge_framework=Subquery(pledge.values("framework_name")[:1]),
            pledge_id_active=Subquery(pledge.values("pk")[:1]),
        )
        .select_related("employer", "occupation")
        .prefetch_related(
            Prefetch(
                "skills",
                queryset=Skill.objects.filter(pk__in=mine).order_by("label"),
                to_attr="matched_skills",
            )
        )
        .order_by("-overlap", "title", "pk")
    )


def candidates_for_role(role: JobRole) -> QuerySet[User]:
    """Workers who opted in and hold verified credentials sharing skills with the role, most overlap first.

    Each row carries `overlap`, `region` (from the profile) and `verified_awards` (the applications whose
    verified credentials they hold, with those credentials' skills)."""
    role_skills = Skill.objects.filter(job_roles=role).values("pk")
    verified = Q(
        applications__status__in=VERIFIED_COMPLETION,
        applications__credential__skills__in=role_skills,
    )
    awards = (
        Application.objects.filter(status__in=VERIFIED_COMPLETION)
        .select_related("credential__provider")
        .prefetch_related(Prefetch("credential__skills", queryset=Skill.objects.order_by("label")))
        .order_by("credential__title", "pk")
    )
    return (
        User.objects.filter(
            is_active=True, groups__name=Role.WORKER, worker_profile__contact_by_employers=True
        )
        .filter(verified)
        .annotate(
            overlap=Count("applications__credential__skills", filter=verified, distinct=True),
            region=Subquery(WorkerProfile.objects.filter(user=OuterRef("pk")).values("region")[:1]),
        )
        .prefetch_related(Prefetch("applications", queryset=awards, to_attr="verified_awards"))
        .order_by("-overlap", "full_name", "pk")
    )


def is_candidate(role: JobRole, worker: Any) -> bool:
    return candidates_for_role(role).filter(pk=worker.pk).exists()


# ---------------------------------------------------------------- access


def can_see_candidates(user: AnyUser, role: JobRole) -> Decision:
    """An active representative of the role's employer, verified and with an active pledge."""
    if not is_signed_in(user) or not user.has_role(Role.EMPLOYER_REPRESENTATIVE):
        return Decision.deny(_("Only employer representatives can see candidates."))
    if not Representative.objects.filter(
        employer_id=role.employer_id, user=user, removed_at__isnull=True
    ).exists():
        return Decision.deny(_("Only this employer's representatives can see its candidates."))
    employer = role.employer
    if employer.status != Employer.Status.VERIFIED:
        return Decision.deny(_("Candidates are shown once the employer is verified."))
    if not employer.pledges.filter(status=Pledge.Status.ACTIVE).exists():
        return Decision.deny(
            _("Candidates are shown to employers with an active skills-based hiring pledge.")
        )
    return Decision.allow()


def roles_with_candidates_for(user: AnyUser) -> QuerySet[JobRole]:
    """The roles whose candidates this representative may look at (their employers' matchable roles)."""
    if not is_signed_in(user) or not user.has_role(Role.EMPLOYER_REPRESENTATIVE):
        return JobRole.objects.none()
    employers = Representative.objects.filter(user=user, removed_at__isnull=True).values("employer_id")
    return matchable_roles().filter(employer_id__in=employers).select_related("employer")
