"""The quizbuilder/1 file format (spec/quiz-format.md): its typed shape, field checks, corner
evaluation, validation and export, and `.zip` bundles. Pure: no ORM, no request, no settings."""
