"""Signed webhooks: the business's other systems told what happened (spec/integrations.md,
"Webhooks"). The top room: it hears quizzes, sharing and integrations through their signals."""
