from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from mokesta.outbox.health import healthz
from mokesta.portal import urls as portal

# allauth's limits and ours answer with the same Lithuanian 429 page.
handler429 = "mokesta.accounts.limits.handler429"

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz/", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("paskyra/", include(portal.profile_urls)),
    path("paskyra/", include("allauth.urls")),
    path("savitarna/", include(portal.contract_urls)),
    path("savitarna/", include(portal.reading_urls)),
    path("savitarna/", include(portal.invoice_urls)),
    path("savitarna/", include(portal.payment_urls)),
    path("savitarna/", include(portal.inquiry_urls)),
    path("api/", include("mokesta.api.urls")),
    path("naujienos/", include("mokesta.news.urls")),
    path("apmokejimas/", include("mokesta.onlinepay.urls")),
    path("", include("mokesta.portal.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)
