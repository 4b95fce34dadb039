"""What a published quiz computes: formulas, text templates, scoring and how numbers print.
Pure: no ORM, no request, no settings."""
