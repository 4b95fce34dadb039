"""The authors' door: writing versions (one service), the review workflow, permissions, the
editor screens and forms, the admin adapter, uploaded images and the draft preview."""
