from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("assessments", "0005_pdf_renders")]

    operations = []
