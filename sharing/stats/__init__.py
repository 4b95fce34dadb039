"""Share statistics (../shared/spec/stats.md): the body's types (body), per-day records from
the events (days), a quiz's stats for a range (ranges), the daily rollups (rollups), the
refused-request counts (selectors) and the page's SVG charts (charts)."""
