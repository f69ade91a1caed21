"""„Duomenų importas": the page lives with its app (mokesta.onboarding.adminpage)."""

from django.contrib import admin

from mokesta.onboarding.adminpage import CustomerImportAdmin
from mokesta.onboarding.models import CustomerImport

admin.site.register(CustomerImport, CustomerImportAdmin)
