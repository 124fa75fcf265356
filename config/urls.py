from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.errors import favicon
from core.health import health

# Swagger UI sets style attributes from its script; scripts stay 'self'-only.
swagger_ui = SpectacularSwaggerSplitView.as_view(url_name="api-schema")
api_docs = csp_update({"style-src": [UNSAFE_INLINE]})(swagger_ui)

# The API first: Django tries patterns in order, and the pages' includes (mounted at the root) hold
# hundreds of patterns that an API request would otherwise try one by one before reaching its own.
urlpatterns = [
    path("api/v1/", include("config.api_urls")),
    path("health/", health, name="health"),
    path("", include("reporting.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("programs.urls")),
    path("", include("employers.urls")),
    path("", include("grants.urls")),
    path("admin/", admin.site.urls),
    # The schema and its documentation are public: they describe the API and hold no records.
    path("api/schema/", login_not_required(SpectacularAPIView.as_view()), name="api-schema"),
    path("api/docs/", login_not_required(api_docs), name="api-docs"),
    path("favicon.ico", favicon, name="favicon"),
]

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
