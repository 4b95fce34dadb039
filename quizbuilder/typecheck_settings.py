"""The settings mypy's django-stubs plugin imports (pyproject.toml): the development ones.

The plugin imports the settings module to learn what each setting is; without DJANGO_DEBUG
that module refuses to start without a secret key, which a type check has no need of.
"""

from __future__ import annotations

import os

os.environ["DJANGO_DEBUG"] = "true"

from quizbuilder.settings import *  # noqa: F403
