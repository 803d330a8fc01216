from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0005_merge"),
    ]

    operations = [
        migrations.AddField(
            model_name="summary",
            name="findings_confirmed",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="summarypoint",
            name="welsh_status",
            field=models.CharField(
                choices=[
                    ("checked", "The Welsh is checked"),
                    ("needs_check", "The Welsh needs a check"),
                    ("kept", "The Welsh is kept as it is"),
                ],
                default="checked",
                max_length=20,
            ),
        ),
    ]
