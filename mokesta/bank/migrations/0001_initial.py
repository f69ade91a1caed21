# Statement imports and bank transactions move here from the payments app (issue 17): the models
# change app, the rows stay. The state moves with SeparateDatabaseAndState (payments 0006 drops
# it there); the tables keep their names until 0002 renames them, and their content types (and
# so every permission, staff group grant and admin log entry) are relabelled, not recreated.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ["statementimport", "banktransaction"]


def relabel_content_types(apps, schema_editor, old="payments", new="bank"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        moved = ContentType.objects.using(db).filter(app_label=old, model=model).first()
        if moved is None:  # a fresh database: post_migrate creates it under the new label
            continue
        # One created under the new label meanwhile (a migrate that stopped half-way) holds no
        # grants the staff groups need (setup_groups sets them after every migrate).
        ContentType.objects.using(db).filter(app_label=new, model=model).delete()
        moved.app_label = new
        moved.save(update_fields=["app_label"])
    ContentType.objects.clear_cache()


def relabel_back(apps, schema_editor):
    relabel_content_types(apps, schema_editor, old="bank", new="payments")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('payments', '0005_payment_reference_reused'),
        ('onlinepay', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='StatementImport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('file_name', models.CharField(max_length=255, verbose_name='file name')),
                        ('format', models.CharField(choices=[('camt053', 'ISO 20022 camt.053 XML'), ('swedbank_csv', 'Swedbank CSV')], max_length=20, verbose_name='format')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='imported at')),
                        ('entries', models.PositiveIntegerField(default=0, verbose_name='entries in file')),
                        ('matched', models.PositiveIntegerField(default=0, verbose_name='matched')),
                        ('unmatched', models.PositiveIntegerField(default=0, verbose_name='unmatched')),
                        ('ignored', models.PositiveIntegerField(default=0, verbose_name='ignored (debits)')),
                        ('duplicates', models.PositiveIntegerField(default=0, verbose_name='already imported')),
                        ('skipped', models.PositiveIntegerField(default=0, verbose_name='not booked by the bank (skipped)')),
                        ('state', models.CharField(choices=[('queued', 'queued'), ('running', 'importing'), ('done', 'imported'), ('failed', 'failed, nothing imported')], default='done', max_length=10, verbose_name='state')),
                        ('error', models.TextField(blank=True, verbose_name='error')),
                        ('content', models.BinaryField(blank=True, default=b'', verbose_name='file content')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                        ('uploaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
                    ],
                    options={
                        'verbose_name': 'statement import',
                        'verbose_name_plural': 'statement imports',
                        'ordering': ['-created_at'],
                        'db_table': 'payments_statementimport',
                    },
                ),
                migrations.CreateModel(
                    name='BankTransaction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('checksum', models.CharField(blank=True, max_length=100, null=True, unique=True, verbose_name='bank reference')),
                        ('reference', models.CharField(blank=True, max_length=100, verbose_name='transaction identity')),
                        ('entry_number', models.PositiveIntegerField(default=0, verbose_name='entry or line')),
                        ('position', models.PositiveIntegerField(default=1, verbose_name='transaction in the entry')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=13, verbose_name='amount')),
                        ('booked_on', models.DateField(blank=True, null=True, verbose_name='booking date')),
                        ('credit', models.BooleanField(default=True, verbose_name='credit')),
                        ('payer_name', models.CharField(blank=True, max_length=200, verbose_name='payer')),
                        ('remittance', models.CharField(blank=True, max_length=500, verbose_name='payment details')),
                        ('state', models.CharField(choices=[('matched', 'matched'), ('unmatched', 'unmatched'), ('ignored', 'ignored (debit)'), ('assigned', 'assigned by staff'), ('duplicate', 'already imported'), ('skipped', 'not booked by the bank (pending or information)'), ('payout', "online payment provider's payout")], max_length=10, verbose_name='state')),
                        ('payment', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='bank_transaction', to='payments.payment', verbose_name='payment')),
                        ('statement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='transactions', to='bank.statementimport', verbose_name='statement import')),
                    ],
                    options={
                        'verbose_name': 'bank transaction',
                        'verbose_name_plural': 'bank transactions',
                        'ordering': ['-booked_on', '-pk'],
                        'db_table': 'payments_banktransaction',
                        'indexes': [models.Index(fields=['statement', 'entry_number', 'position'], name='banktx_file_order_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_types, relabel_back),
        # The payout link turns round: Payout.bank_transaction (onlinepay) becomes
        # BankTransaction.payout, filled by onlinepay 0002 before it drops the old column.
        migrations.AddField(
            model_name='banktransaction',
            name='payout',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='bank_transaction', to='onlinepay.payout', verbose_name='payout'),
        ),
    ]
