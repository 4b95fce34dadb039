"""The two roles as groups: Authors write drafts; Editors also review, publish, archive and see
every quiz's stats. Staff (is_staff) is a flag on the user, not a group.

Publishing and reviewing are checked in quizzes/permissions.py by group membership; these
model permissions are what the admin site shows each role.
"""

from django.db import migrations

AUTHORING = [
    ("quizzes", "quiz", ["add", "change", "view"]),
    ("quizzes", "quizversion", ["add", "change", "view"]),
    ("quizzes", "question", ["add", "change", "delete", "view"]),
    ("quizzes", "choice", ["add", "change", "delete", "view"]),
    ("quizzes", "outcome", ["add", "change", "delete", "view"]),
    ("quizzes", "variable", ["add", "change", "delete", "view"]),
    ("quizzes", "auditentry", ["view"]),
]
ROLES = {
    "Authors": AUTHORING,
    "Editors": [
        *AUTHORING,
        ("quizzes", "result", ["view"]),
        ("sharing", "share", ["view"]),
        ("sharing", "click", ["view"]),
        ("sharing", "dailystats", ["view"]),
    ],
}


def make_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations ran (post_migrate); make them now
    # so the groups can hold them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, model, actions in perms:
            for action in actions:
                # .get(): a renamed model must fail here loudly, not leave a role short.
                group.permissions.add(
                    Permission.objects.get(
                        content_type__app_label=app_label, codename=f"{action}_{model}"
                    )
                )


def drop_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("quizzes", "0001_initial"),
        ("sharing", "0001_initial"),
    ]
    operations = [migrations.RunPython(make_roles, drop_roles)]
