# The Utility model moved to the utility app (same table); the portal keeps no model.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial"), ("utility", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Utility")],
            database_operations=[],
        ),
    ]
