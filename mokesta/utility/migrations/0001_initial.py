# The Utility model moved here from the portal app; its table keeps the old name.

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("portal", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Utility",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=200, verbose_name="name")),
                        ("short_name", models.CharField(max_length=100, verbose_name="short name")),
                        ("description", models.TextField(blank=True, verbose_name="description")),
                        ("address", models.CharField(blank=True, max_length=250, verbose_name="address")),
                        ("company_code", models.CharField(blank=True, max_length=20, verbose_name="company code")),
                        ("vat_code", models.CharField(blank=True, max_length=20, verbose_name="VAT code")),
                        ("iban", models.CharField(blank=True, max_length=34, verbose_name="bank account (IBAN)")),
                        ("bank_name", models.CharField(blank=True, max_length=100, verbose_name="bank")),
                        ("payee_code", models.CharField(blank=True, max_length=20, verbose_name="payee code")),
                        ("invoice_series", models.CharField(default="VKU", max_length=10, verbose_name="invoice series")),
                        ("phone", models.CharField(blank=True, max_length=40, verbose_name="phone")),
                        ("email", models.EmailField(blank=True, max_length=254, verbose_name="e-mail")),
                        ("website", models.URLField(blank=True, verbose_name="website")),
                    ],
                    options={"verbose_name": "utility", "verbose_name_plural": "utility", "db_table": "portal_utility"},
                ),
            ],
            database_operations=[],
        ),
    ]
