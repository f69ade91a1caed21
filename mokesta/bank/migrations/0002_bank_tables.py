# The moved tables take the bank app's names (payments_* -> bank_*), and a transaction links to
# a payout only when it is one. Plain SQL reads table names from model metadata, so nothing else
# names them.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('bank', '0001_initial'),
        ('onlinepay', '0002_payout_link_in_bank'),
        ('payments', '0006_statements_moved_to_bank'),
    ]

    operations = [
        migrations.AlterModelTable(name='statementimport', table=None),
        migrations.AlterModelTable(name='banktransaction', table=None),
        migrations.AddConstraint(
            model_name='banktransaction',
            constraint=models.CheckConstraint(condition=models.Q(('payout__isnull', True), ('state', 'payout'), _connector='OR'), name='banktx_payout_only_on_payouts'),
        ),
    ]
