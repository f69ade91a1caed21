# A payout's bank transaction is now linked from the bank's side (bank.BankTransaction.payout):
# bank sits above onlinepay (issue 17). The links are copied there, then this column goes.
# Reversible: going back copies them here again.

import django.db.models.deletion
from django.db import migrations, models


def check_now(schema_editor):
    # PostgreSQL checks foreign keys at commit (deferred); with checks of the rows just updated
    # still pending, it refuses the ALTER TABLE that follows in this migration's transaction.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def copy_links_to_bank(apps, schema_editor):
    Payout = apps.get_model("onlinepay", "Payout")
    BankTransaction = apps.get_model("bank", "BankTransaction")
    db = schema_editor.connection.alias
    links = Payout.objects.using(db).filter(bank_transaction__isnull=False)
    for payout_id, transaction_id in links.values_list("pk", "bank_transaction_id"):
        BankTransaction.objects.using(db).filter(pk=transaction_id).update(payout_id=payout_id)
    check_now(schema_editor)


def copy_links_back(apps, schema_editor):
    Payout = apps.get_model("onlinepay", "Payout")
    BankTransaction = apps.get_model("bank", "BankTransaction")
    db = schema_editor.connection.alias
    links = BankTransaction.objects.using(db).filter(payout__isnull=False)
    for transaction_id, payout_id in links.values_list("pk", "payout_id"):
        Payout.objects.using(db).filter(pk=payout_id).update(bank_transaction_id=transaction_id)
    check_now(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('onlinepay', '0001_initial'),
        ('bank', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='payout',
            name='bank_transaction',
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='payout', to='payments.banktransaction', verbose_name='bank transaction'),
        ),
        migrations.RunPython(copy_links_to_bank, copy_links_back),
        migrations.RemoveField(
            model_name='payout',
            name='bank_transaction',
        ),
    ]
