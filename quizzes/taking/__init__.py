"""The visitors' door: taking a quiz (pages, the no-JavaScript flow, the JSON API), saving
results, rate limits and answer retention."""
