import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("assessments", "0005_pdf_renders")]

    operations = [
        migrations.CreateModel(
            name="RateLimitHit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("scope", models.CharField(max_length=40)),
                ("key", models.CharField(max_length=64)),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["scope", "key", "at"], name="ratelimit_scope_key_at")
                ],
            },
        ),
    ]
