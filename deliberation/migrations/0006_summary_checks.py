from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0004_identity"),
        ("deliberation", "0004_rendered_text"),
    ]

    operations: list[migrations.operations.base.Operation] = []
