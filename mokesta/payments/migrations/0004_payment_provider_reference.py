# Online payments (onlinepay): the provider's id of a booked payment, unique.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0003_statement_rows_identity_and_background_import'),
    ]

    operations = [
        migrations.AddField(
            model_name='payment',
            name='provider_reference',
            field=models.CharField(blank=True, max_length=100, null=True, unique=True, verbose_name='provider reference'),
        ),
    ]
