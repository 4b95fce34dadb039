# A version's fallback card is sharing's now (sharing.VersionCard). sharing's 0004_version_card
# copies the names first: it runs before this one (its run_before), so that this app's
# migrations never depend on sharing's.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('quizzes', '0005_result_referral_dropped'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='quizversion',
            name='fallback_card',
        ),
    ]
