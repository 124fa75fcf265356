from django.http import HttpRequest

from reporting.navigation import navigation_for


def navigation(request: HttpRequest) -> dict[str, object]:
    return {"navigation": navigation_for(request)}
