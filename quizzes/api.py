"""The JSON API v1 for taking a quiz (../shared/spec/api.md)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse


def quiz_list(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"quizzes": []})


def quiz_detail(request: HttpRequest, slug: str) -> JsonResponse:
    return JsonResponse({"errors": {"quiz": ["Not found."]}}, status=404)


def response_create(request: HttpRequest, slug: str) -> JsonResponse:
    return JsonResponse({"errors": {"quiz": ["Not found."]}}, status=404)


def result_detail(request: HttpRequest, result_id: str) -> JsonResponse:
    return JsonResponse({"errors": {"result": ["Not found."]}}, status=404)
