"""factory_boy factories for the models tests need.

Versions come from the demo files through the real importer (quiz_import), so a factory's
version is one the app could have made: its rows, its frozen definition, its audit entry.
One demo per kind: PublishedVersionFactory(kind="trivia"), DraftVersionFactory(kind="score").
Results, shares and clicks are rows written directly, for tests that need many of them with
chosen values (the HTTP path that makes them is what test_loop and test_clicks check).
"""

from __future__ import annotations

import json
from pathlib import Path

import factory
from django.contrib.auth import get_user_model

from quizzes.models import Quiz, QuizVersion, Result
from sharing.models import Channel, Click, ResultCard, Share, ShareKind
from webhooks.models import Webhook
from webhooks.signing import secret_new

DEMO_DIR = Path(__file__).resolve().parent.parent / "quizzes" / "demo"
# The demo file that stands for each kind of quiz.
DEMO_OF_KIND = {
    "personality": "which-morning-drink",
    "score": "how-stressed-are-you",
    "trivia": "solar-system-trivia",
    "calculator": "weight-in-10-years",
}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class QuizFactory(factory.django.DjangoModelFactory):
    """A quiz with no version yet (the admin's "add quiz" before anything is written)."""

    class Meta:
        model = Quiz

    slug = factory.Sequence(lambda n: f"quiz-{n}")
    owner = factory.SubFactory(UserFactory)


class _ImportedVersionFactory(factory.django.DjangoModelFactory):
    """A version imported from the demo file of `kind`, under the demo's slug unless `slug`
    says otherwise (the same slug twice: a second version of the same quiz); any top-level key
    of the file (title, description, ...) may be changed; `user` imports it (a new superuser
    by default, who may import anything)."""

    class Meta:
        model = QuizVersion
        abstract = True

    kind = "personality"
    slug = None
    user = factory.SubFactory(UserFactory, is_staff=True, is_superuser=True)
    publish = False

    @classmethod
    def _create(cls, model_class, *, kind, slug, user, publish, **changes):
        from quizzes.authoring.services import quiz_import

        data = json.loads((DEMO_DIR / f"{DEMO_OF_KIND[kind]}.json").read_text(encoding="utf-8"))
        data.update(changes)
        if slug is not None:
            data["slug"] = slug
        version = quiz_import(data=data, user=user, publish=publish)
        # Read back: publishing changed the quiz (its live version) after the import loaded it.
        return model_class.objects.select_related("quiz").get(pk=version.pk)


class DraftVersionFactory(_ImportedVersionFactory):
    """The open draft of the quiz (made by the import, or replaced by it when one is open)."""

    class Meta:
        model = QuizVersion


class PublishedVersionFactory(_ImportedVersionFactory):
    """The quiz's live version (its first, or a new one replacing the live one)."""

    class Meta:
        model = QuizVersion

    publish = True


def _first_outcome(version: QuizVersion) -> dict:
    return version.definition["outcomes"][0]


class ResultFactory(factory.django.DjangoModelFactory):
    """A completed take of a published version: its first outcome unless told otherwise."""

    class Meta:
        model = Result

    version = factory.SubFactory(PublishedVersionFactory)
    quiz = factory.SelfAttribute("version.quiz")
    visitor = factory.Sequence(lambda n: f"visitor-{n}")
    take = factory.Sequence(lambda n: f"take-{n}")
    outcome_key = factory.LazyAttribute(lambda r: _first_outcome(r.version)["key"])
    title = factory.LazyAttribute(
        lambda r: next(
            o["title"] for o in r.version.definition["outcomes"] if o["key"] == r.outcome_key
        )
    )


class ShareFactory(factory.django.DjangoModelFactory):
    """A share button's link for a result, owned by the result's visitor."""

    class Meta:
        model = Share

    result = factory.SubFactory(ResultFactory)
    quiz = factory.SelfAttribute("result.quiz")
    channel = Channel.LINK
    kind = ShareKind.BUTTON
    owner = factory.SelfAttribute("result.visitor")


class ClickFactory(factory.django.DjangoModelFactory):
    """A friend's browser opening a share link."""

    class Meta:
        model = Click

    share = factory.SubFactory(ShareFactory)
    quiz = factory.SelfAttribute("share.quiz")
    visitor = factory.Sequence(lambda n: f"friend-{n}")


class WebhookFactory(factory.django.DjangoModelFactory):
    """An active webhook of a published quiz, told of every event (its URL is not checked:
    the API and the studio check it; tests of the check go through them)."""

    class Meta:
        model = Webhook

    quiz = factory.LazyAttribute(lambda w: PublishedVersionFactory().quiz)
    url = "https://hooks.example.com/quizbuilder"
    events = factory.LazyFunction(
        lambda: ["result.created", "share.created", "lead.created", "cta.clicked"]
    )
    secret = factory.LazyFunction(secret_new)


def card_of(result: Result) -> ResultCard:
    """The result's card row as stored now (a fresh read each call); a result whose card was
    never rendered has none yet and reads as the default: pending, no names."""
    return ResultCard.objects.filter(result_id=result.pk).first() or ResultCard(result_id=result.pk)
