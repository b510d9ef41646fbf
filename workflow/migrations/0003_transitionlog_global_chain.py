"""The global chain's columns, added empty: 0004 fills them, 0005 makes ``seq`` required and unique."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0002_notifications"),
    ]

    operations = [
        migrations.AddField(
            model_name="transitionlog",
            name="global_previous_hash",
            field=models.CharField(blank=True, default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="transitionlog",
            name="seq",
            field=models.PositiveBigIntegerField(null=True),
        ),
    ]
