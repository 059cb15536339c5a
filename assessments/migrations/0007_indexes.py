from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("assessments", "0006_accounts_hardening")]

    operations = []
