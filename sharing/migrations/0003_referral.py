# Sharing owns a result's referral: the Referral rows are made from quizzes' Result.referred_by
# and Result.depth, before quizzes' 0005 drops those columns (run_before).

import django.db.models.deletion
from django.db import migrations, models

BATCH = 2000


def referrals_copy(apps, schema_editor):
    Result = apps.get_model("quizzes", "Result")
    Share = apps.get_model("sharing", "Share")
    Referral = apps.get_model("sharing", "Referral")
    # A result keeps its depth even if its share was deleted since (SET_NULL, or on a
    # database made after quizzes' 0002 lost its foreign key, an id that names no share).
    rows = (
        Result.objects.filter(models.Q(referred_by__isnull=False) | models.Q(depth__gt=0))
        .order_by("pk")
        .values_list("pk", "referred_by", "depth")
    )
    batch = []

    def flush():
        shares = {s for (s,) in Share.objects.filter(pk__in=[r.share_id for r in batch]).values_list("pk")}
        for referral in batch:
            if referral.share_id not in shares:
                referral.share_id = None
        Referral.objects.bulk_create(batch)

    for pk, share_id, depth in rows.iterator(chunk_size=BATCH):
        batch.append(Referral(result_id=pk, share_id=share_id, depth=depth))
        if len(batch) >= BATCH:
            flush()
            batch = []
    flush()


def referrals_restore(apps, schema_editor):
    Result = apps.get_model("quizzes", "Result")
    Referral = apps.get_model("sharing", "Referral")
    for referral in Referral.objects.order_by("pk").iterator(chunk_size=BATCH):
        Result.objects.filter(pk=referral.result_id).update(
            referred_by=referral.share_id, depth=referral.depth
        )


class Migration(migrations.Migration):

    dependencies = [
        ('quizzes', '0004_merge_card_retry_and_retention'),
        ('sharing', '0002_refusedrequest'),
    ]
    run_before = [
        ('quizzes', '0005_result_referral_dropped'),
    ]

    operations = [
        migrations.CreateModel(
            name='Referral',
            fields=[
                ('result', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='referral', serialize=False, to='quizzes.result')),
                ('depth', models.PositiveIntegerField()),
                ('share', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='referrals', to='sharing.share')),
            ],
        ),
        migrations.RunPython(referrals_copy, referrals_restore),
    ]
