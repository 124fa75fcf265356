from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and roles"


class SkillsFundAdminConfig(admin_apps.AdminConfig):
    default = False
    """Django admin with our site: administrators only, signing in through the app's sign-in page."""

    default_site = "accounts.admin_site.SkillsFundAdminSite"
