from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("assessments", "0004_section_needs_review_previous_question_text")]

    operations = []
