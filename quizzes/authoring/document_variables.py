"""The studio's fields for what "How it was worked out" shows of a calculator's values: each
variable's `label` and `unit` (extensions of the file format, README), as a pure function on
the document like `document.document_overlay`."""

from __future__ import annotations

from quizzes.authoring.document import Doc, Fields

LABEL_FIELDS = ("label", "unit")


def variable_labels_overlay(doc: Doc, fields: Fields) -> Doc:
    """`doc` with each variable's posted `variables.<i>.label` and `variables.<i>.unit` laid
    over it, in place (and returned). A field not posted leaves the key as it is; one posted
    empty (or blank) removes it, as the file leaves out a label it does not give."""
    for i, v in enumerate(doc.get("variables") or []):
        if not isinstance(v, dict):
            continue
        for key in LABEL_FIELDS:
            name = f"variables.{i}.{key}"
            if not fields.has(name):
                continue
            value = fields.text(name).strip()
            if value:
                v[key] = value
            else:
                v.pop(key, None)
    return doc
