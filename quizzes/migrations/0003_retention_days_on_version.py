"""retention_days moves from the quiz (a live edit that skipped review) to its versions.

Every version gets its quiz's value (at least 1: the new constraint). A published or retired
version's frozen definition also gets it when it is not the file format's default of 30, so
an export gives it back. Values above the site's maximum are kept as they were and clamped
where they are used (quizzes.services.retention_days_bound): no submission fails on them.
"""

from django.db import migrations, models
from django.db.models import Q

FORMAT_DEFAULT = 30


def copy_to_versions(apps, schema_editor):
    Quiz = apps.get_model("quizzes", "Quiz")
    QuizVersion = apps.get_model("quizzes", "QuizVersion")
    days_of = dict(Quiz.objects.values_list("id", "retention_days"))
    # One UPDATE per row: PostgreSQL queues a foreign-key check for a row updated twice in one
    # transaction, and then refuses the ALTER TABLE below ("pending trigger events").
    for pk, quiz_id, definition in QuizVersion.objects.values_list(
        "pk", "quiz_id", "definition"
    ).iterator():
        days = max(1, days_of[quiz_id])
        fields = {"retention_days": days}
        if definition is not None and days != FORMAT_DEFAULT:
            fields["definition"] = {**definition, "retention_days": days}
        QuizVersion.objects.filter(pk=pk).update(**fields)


def copy_to_quizzes(apps, schema_editor):
    Quiz = apps.get_model("quizzes", "Quiz")
    QuizVersion = apps.get_model("quizzes", "QuizVersion")
    for quiz in Quiz.objects.all().iterator():
        version = QuizVersion.objects.filter(quiz=quiz).order_by("-number").first()
        if version is not None:
            # The live version's value if there is one, else the newest version's.
            live = QuizVersion.objects.filter(pk=quiz.live_version_id).first()
            quiz.retention_days = (live or version).retention_days
            quiz.save(update_fields=["retention_days"])


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="quizversion",
            name="retention_days",
            field=models.PositiveIntegerField(
                default=30,
                help_text="Days raw answers are kept; outcomes and computed values stay.",
            ),
        ),
        migrations.RunPython(copy_to_versions, copy_to_quizzes),
        migrations.RemoveField(
            model_name="quiz",
            name="retention_days",
        ),
        migrations.AddConstraint(
            model_name="quizversion",
            constraint=models.CheckConstraint(
                condition=Q(retention_days__gte=1), name="version_retention_days_positive"
            ),
        ),
    ]
