# Sharing owns a version's fallback card: the VersionCard rows are made from quizzes'
# QuizVersion.fallback_card before quizzes' 0006 drops that column (run_before). The files
# stay where they are: only where their names are kept changes.

import django.db.models.deletion
from django.db import migrations, models


def version_cards_copy(apps, schema_editor):
    QuizVersion = apps.get_model("quizzes", "QuizVersion")
    VersionCard = apps.get_model("sharing", "VersionCard")
    rows = QuizVersion.objects.exclude(fallback_card="").values_list("pk", "fallback_card")
    VersionCard.objects.bulk_create(
        VersionCard(version_id=pk, name=name) for pk, name in rows.iterator()
    )


def version_cards_restore(apps, schema_editor):
    QuizVersion = apps.get_model("quizzes", "QuizVersion")
    VersionCard = apps.get_model("sharing", "VersionCard")
    for card in VersionCard.objects.iterator():
        QuizVersion.objects.filter(pk=card.version_id).update(fallback_card=card.name)


class Migration(migrations.Migration):

    dependencies = [
        ('quizzes', '0005_result_referral_dropped'),
        ('sharing', '0003_referral'),
    ]
    run_before = [
        ('quizzes', '0006_version_fallback_card_dropped'),
    ]

    operations = [
        migrations.CreateModel(
            name='VersionCard',
            fields=[
                ('version', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='card', serialize=False, to='quizzes.quizversion')),
                ('name', models.CharField(max_length=200)),
            ],
        ),
        migrations.RunPython(version_cards_copy, version_cards_restore),
    ]
