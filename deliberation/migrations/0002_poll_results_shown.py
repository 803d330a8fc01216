# One choice of when results are shown, instead of the results_hidden flag.

from django.db import migrations, models


def from_flag(apps, schema_editor):
    """Keep each poll as it was: hidden results until it closes, or live results."""
    Poll = apps.get_model("deliberation", "Poll")
    Poll.objects.filter(results_hidden=True).update(results_shown="closed")
    Poll.objects.filter(results_hidden=False).update(results_shown="live")


def to_flag(apps, schema_editor):
    Poll = apps.get_model("deliberation", "Poll")
    Poll.objects.exclude(results_shown="live").update(results_hidden=True)


class Migration(migrations.Migration):

    dependencies = [
        ("deliberation", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="poll",
            name="results_shown",
            field=models.CharField(
                choices=[
                    ("live", "While people vote"),
                    ("all_voted", "When everyone here has voted, or when the facilitator shows them"),
                    ("closed", "When the vote closes"),
                ],
                default="all_voted",
                max_length=10,
                verbose_name="show the results",
            ),
        ),
        migrations.AddField(
            model_name="poll",
            name="results_shown_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(from_flag, to_flag),
        migrations.RemoveField(
            model_name="poll",
            name="results_hidden",
        ),
    ]
