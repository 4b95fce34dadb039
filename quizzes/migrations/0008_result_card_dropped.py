# A result's cards are sharing's now (sharing.ResultCard). sharing's 0005_result_card copies
# the statuses, names, errors and retry times first (and takes the square card's name out of
# card_text): it runs before this one (its run_before), so that this app's migrations never
# depend on sharing's.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('quizzes', '0007_merge_audit_choices_and_fallback_card'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='result',
            name='result_card_retry',
        ),
        migrations.RemoveField(
            model_name='result',
            name='card_attempts',
        ),
        migrations.RemoveField(
            model_name='result',
            name='card_error',
        ),
        migrations.RemoveField(
            model_name='result',
            name='card_name',
        ),
        migrations.RemoveField(
            model_name='result',
            name='card_retry_at',
        ),
        migrations.RemoveField(
            model_name='result',
            name='card_status',
        ),
    ]
