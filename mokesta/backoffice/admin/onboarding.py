"""„Duomenų importas": the page lives with its app (mokesta.onboarding.adminpage)."""

from django.contrib import admin

from mokesta.backoffice.dates import BoundedDates
from mokesta.onboarding.adminpage import CustomerImportAdmin
from mokesta.onboarding.models import CustomerImport


@admin.register(CustomerImport)
class BoundedCustomerImportAdmin(BoundedDates, CustomerImportAdmin):
    date_future_years = {"balance_date": 0}  # debts are owed from a day already past
