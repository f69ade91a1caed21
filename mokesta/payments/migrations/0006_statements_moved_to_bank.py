# StatementImport and BankTransaction now belong to the bank app (bank 0001): dropped from this
# app's state only; their tables and rows stay (bank 0002 renames the tables).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0005_payment_reference_reused'),
        ('bank', '0001_initial'),
        ('onlinepay', '0002_payout_link_in_bank'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='BankTransaction'),
                migrations.DeleteModel(name='StatementImport'),
            ],
            database_operations=[],
        ),
    ]
