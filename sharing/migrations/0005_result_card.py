# Sharing owns a result's cards: the ResultCard rows are made from quizzes' Result.card_*
# columns before quizzes' 0008 drops them (run_before), and the square card's name moves out
# of Result.card_text["square_card"] into its own column. The files stay where they are.

import django.db.models.deletion
from django.db import migrations, models

BATCH = 2000
SQUARE_KEY = "square_card"
FIELDS = ("card_status", "card_name", "card_error", "card_attempts", "card_retry_at", "card_text")


def result_cards_copy(apps, schema_editor):
    Result = apps.get_model("quizzes", "Result")
    ResultCard = apps.get_model("sharing", "ResultCard")
    rows = Result.objects.order_by("pk").values_list("pk", *FIELDS)
    cards, squares = [], []
    for pk, status, name, error, attempts, retry_at, text in rows.iterator(chunk_size=BATCH):
        text = text if isinstance(text, dict) else {}
        square = str(text.get(SQUARE_KEY) or "")
        if SQUARE_KEY in text:
            squares.append((pk, {k: v for k, v in text.items() if k != SQUARE_KEY}))
        cards.append(ResultCard(
            result_id=pk, status=status, name=name, square_name=square, error=error,
            attempts=attempts, retry_at=retry_at,
        ))  # fmt: skip
        if len(cards) >= BATCH:
            ResultCard.objects.bulk_create(cards)
            cards = []
    ResultCard.objects.bulk_create(cards)
    for pk, text in squares:
        Result.objects.filter(pk=pk).update(card_text=text)


def result_cards_restore(apps, schema_editor):
    Result = apps.get_model("quizzes", "Result")
    ResultCard = apps.get_model("sharing", "ResultCard")
    for card in ResultCard.objects.select_related("result").iterator(chunk_size=BATCH):
        text = dict(card.result.card_text or {})
        if card.square_name:
            text[SQUARE_KEY] = card.square_name
        Result.objects.filter(pk=card.result_id).update(
            card_status=card.status, card_name=card.name, card_error=card.error,
            card_attempts=card.attempts, card_retry_at=card.retry_at, card_text=text,
        )  # fmt: skip


class Migration(migrations.Migration):

    dependencies = [
        ('quizzes', '0007_merge_audit_choices_and_fallback_card'),
        ('sharing', '0004_version_card'),
    ]
    run_before = [
        ('quizzes', '0008_result_card_dropped'),
    ]

    operations = [
        migrations.CreateModel(
            name='ResultCard',
            fields=[
                ('result', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='card', serialize=False, to='quizzes.result')),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('ready', 'Ready'), ('failed', 'Failed')], default='pending', max_length=10)),
                ('name', models.CharField(blank=True, max_length=200)),
                ('square_name', models.CharField(blank=True, max_length=200)),
                ('error', models.CharField(blank=True, max_length=300)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('retry_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'indexes': [models.Index(condition=models.Q(('retry_at__isnull', False)), fields=['retry_at'], name='resultcard_retry')],
            },
        ),
        migrations.RunPython(result_cards_copy, result_cards_restore),
    ]
