from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("paskyra/", include("mokesta.accounts.urls")),
    path("paskyra/", include("allauth.urls")),
    path("savitarna/", include("mokesta.customers.urls")),
    path("savitarna/", include("mokesta.metering.urls")),
    path("savitarna/", include("mokesta.billing.urls")),
    path("savitarna/", include("mokesta.payments.urls")),
    path("naujienos/", include("mokesta.news.urls")),
    path("", include("mokesta.portal.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)
