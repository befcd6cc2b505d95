from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import last_modified
from django.views.generic import TemplateView
from django.views.i18n import JavaScriptCatalog, set_language
from django.views.static import serve

from . import views

admin.site.site_header = _("World Cities Exchange — programme administration")
admin.site.site_title = _("World Cities Exchange")
admin.site.index_title = _("Programme administration")
# The catalogues change only with a deploy, which restarts the process: browsers may keep the
# script file and ask again with If-Modified-Since.
STARTED_AT = timezone.now()
# The admin is entered through the site's login, with its limit on failed attempts.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("api/", include("worldcities.api_urls")),
    path("search/", views.search, name="search"),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("worldcities.users.urls")),
    path("notifications/", include("worldcities.notifications.urls")),
    path("reports/", include("worldcities.reports.urls")),
    path("open-data/", include("worldcities.opendata.urls")),
    path("machine-translation/", include("worldcities.machine_translation.urls")),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path(
        "i18n/catalog.js",
        last_modified(lambda request: STARTED_AT)(JavaScriptCatalog.as_view()),
        name="javascript-catalog",
    ),
    path("language/", views.language, name="language"),
    path("time-zone/", views.time_zone, name="time_zone"),
    path("csp-report/", views.csp_report, name="csp_report"),
    path("accounts/my-data.json", views.my_data, name="my_data"),
    path("accounts/erase/", views.erase_account, name="erase_account"),
    path(
        "privacy/",
        TemplateView.as_view(
            template_name="privacy.html",
            extra_context={
                "travel_days": settings.TRAVEL_DETAILS_KEEP_DAYS,
                "report_days": settings.REPORTS_KEEP_DAYS,
            },
        ),
        name="privacy",
    ),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="accessibility.html"),
        name="accessibility",
    ),
    path("", include("cities.urls")),
    path("", include("twinning.urls")),
    path("practices/", include("practices.urls")),
    path("meetings/", include("meetings.urls")),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
