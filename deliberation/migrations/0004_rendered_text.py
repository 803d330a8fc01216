"""Keep proposal and comment text as sanitised HTML too, rendered once when saved."""

from typing import Any

from django.db import migrations, models

from deliberation.markdown import render

BATCH = 500


def render_existing(apps: Any, schema_editor: Any) -> None:
    """Render the Markdown of every existing proposal, comment and earlier comment text."""
    for name in ("Proposal", "Comment", "CommentRevision"):
        model = apps.get_model("deliberation", name)
        rows = []
        for row in model.objects.only("pk", "body").iterator(chunk_size=BATCH):
            row.body_html = str(render(row.body))
            rows.append(row)
            if len(rows) >= BATCH:
                model.objects.bulk_update(rows, ["body_html"])
                rows = []
        model.objects.bulk_update(rows, ["body_html"])


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0003_summaries"),
    ]

    operations = [
        migrations.AddField(
            model_name="proposal",
            name="body_html",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="comment",
            name="body_html",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="commentrevision",
            name="body_html",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(render_existing, migrations.RunPython.noop),
    ]
