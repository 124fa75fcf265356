"""Demo accounts, one per role, with fixed sign-in emails (see README)."""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import RoleChange, User
from accounts.roles import Role


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    roles: tuple[Role, ...]


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin@demo.skillsfund.test", "Alex Administrator", (Role.ADMINISTRATOR,)),
    DemoAccount("manager@demo.skillsfund.test", "Morgan Manager", (Role.PROGRAM_MANAGER,)),
    DemoAccount("reviewer@demo.skillsfund.test", "Riley Reviewer", (Role.REVIEWER,)),
    DemoAccount("finance@demo.skillsfund.test", "Frankie Finance", (Role.FINANCE_OFFICER,)),
    DemoAccount("official@demo.skillsfund.test", "Oakley Official", (Role.OFFICIAL,)),
    DemoAccount("worker@demo.skillsfund.test", "Wendy Worker", (Role.WORKER,)),
    DemoAccount("worker2@demo.skillsfund.test", "Walter Workman", (Role.WORKER,)),
    DemoAccount("employer@demo.skillsfund.test", "Erin Employer", (Role.EMPLOYER_REPRESENTATIVE,)),
    DemoAccount("employer2@demo.skillsfund.test", "Eli Employer", (Role.EMPLOYER_REPRESENTATIVE,)),
)


@transaction.atomic
def seed_demo_accounts(*, password: str) -> list[User]:
    """Create or reset the demo accounts: the same emails, names, roles and password on every run.

    Role grants are written to the audit trail like any other, with no actor (the seeding command).
    """
    users = []
    now = timezone.now()
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(email__iexact=account.email).first()
        if user is None:
            user = User(email=account.email)
        user.full_name = account.full_name
        user.is_active = True
        user.email_verified_at = user.email_verified_at or now
        user.set_password(password)
        user.save()
        current = set(user.groups.values_list("name", flat=True))
        for role in account.roles:
            if role not in current:
                user.groups.add(Group.objects.get(name=role))
                RoleChange.objects.create(
                    user=user, role=role, action=RoleChange.Action.GRANTED, actor=None, reason="Demo data"
                )
        users.append(user)
    return users
