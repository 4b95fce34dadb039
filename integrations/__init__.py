"""The business behind the quiz: embeds on its own site, calls to action and leads
(spec/integrations.md). Above sharing: integrations <- webhooks."""
