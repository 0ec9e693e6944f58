"""Login failures are counted per key (normalised user name or user id) instead of the raw lower-cased name."""
from django.db import migrations, models


def forget_old_counts(apps, schema_editor):
    """Rows keyed by the old raw name would never match a new key: drop them (at most a lock is lifted early)."""
    apps.get_model("accounts", "LoginFailure").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0005_audit_interventions"),
    ]

    operations = [
        migrations.RunPython(forget_old_counts, migrations.RunPython.noop),
        migrations.RenameField(model_name="loginfailure", old_name="username", new_name="key"),
        migrations.AlterField(model_name="loginfailure", name="key", field=models.CharField(max_length=200, unique=True)),
    ]
