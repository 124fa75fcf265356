from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "grants"

    def ready(self) -> None:
        # The award's part of an application's pages (grants.applications.views.sections).
        from grants.applications.views.sections import add_applicant_section, add_staff_section
        from grants.awards.views import applicant_award_context, staff_award_context

        add_applicant_section(applicant_award_context)
        add_staff_section(staff_award_context)
