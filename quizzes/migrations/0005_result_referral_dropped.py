# A result's referral (the share that brought it, and its depth) is sharing's now
# (sharing.Referral). sharing's 0003_referral copies the rows first: it runs before this one
# (its run_before), so that this app's migrations never depend on sharing's.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('quizzes', '0004_merge_card_retry_and_retention'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='result',
            name='depth',
        ),
        migrations.RemoveField(
            model_name='result',
            name='referred_by',
        ),
    ]
