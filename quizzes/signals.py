"""What quizzes announces for the rooms above it. quizzes knows nothing of who listens
(sharing connects its receivers in its AppConfig.ready()), as django.contrib.auth sends
`user_logged_in`.

`result_submitted(sender=Result, result=Result, ref=str | None)`: a visitor's take was saved
as a new result. `ref` is the share code the take came with (the page's, the API body's or
the ref cookie's; None without one). Sent inside the transaction that saves the result, so a
receiver's rows (the referral, the default share link) are written with it or not at all;
work for a worker must be enqueued on commit (quizbuilder.enqueue.task_enqueue_on_commit).
A receiver may set attributes on `result` for the response that shows it.

`version_published(sender=QuizVersion, version=QuizVersion)`: a version became the live one.
Sent on commit of the publish, so a worker finds the version as published.

`page_head(sender=Quiz, request=HttpRequest, slug=str)`: a quiz's public intro page is being
drawn; a receiver returns HTML (a SafeString) for its <head> (integrations: the oEmbed
discovery <link>), or None. The page is cached per version, so it must not vary per visitor.

`answers_purged(sender=Result, result=Result)`: a result's answers expired and its texts were
drawn again from what is kept (quizzes.taking.retention). Sent inside the transaction, under the
result's row lock; `result` is the row as it was before the purge, so a receiver can see what
it drew from the old texts (and delete it once the purge commits).

`result_deleted(sender=Result, result=Result)`: its visitor deleted a result (its texts are
emptied; the row stays for the counts). Sent inside the transaction, under the result's row
lock; `result` is the row as it was, so a receiver can delete what it made of it (once the
deletion commits).

`request_refused(quiz_id=int, kind=RefusedKind)`: a request was refused, or served but not
counted, as abuse (a rate limit). Sent once per refused request, outside any transaction the
request may roll back; a receiver that fails must not fail the request (send_robust).

`studio_panels(sender=QuizVersion, request=HttpRequest, version=QuizVersion)`: the studio page
of a draft is being drawn; a receiver returns the HTML (a SafeString) of a preview panel to
show beside the editor, or None.

`quiz_links(sender=Quiz, quiz=Quiz, user=User)`: a quiz's page is drawn for an editor who
may edit it; a receiver returns [(label, url), ...] of the pages its room keeps for that quiz
(webhooks, embeds), shown among the quiz's actions.

`quiz_figures(sender=Quiz, quiz_ids=list[int])`: the dashboard lists these quizzes; a receiver
returns {quiz_id: {"completions": int, "share_rate": float | None, "viral_coefficient":
float | None, "stats_url": str}} for the ones it knows.

`result_body_extras(sender=Result, request=HttpRequest, result=Result, slug=str, created=bool)`:
api.md's result body is being made for the API (`created`: the answer to the POST that saved
the result); a receiver returns a dict merged into quizzes' part in receiver order (sharing:
`share_url`, `image` and what the rooms above it add), or None.

`quiz_link_image(sender=QuizVersion, version_id=int)`: the quiz's intro page is being drawn;
a receiver returns {"url": str (absolute), "width": int, "height": int} of the picture a link
preview of the quiz shows, or None while it has none (the page then shows the site's card).
"""

from __future__ import annotations

from django.dispatch import Signal

result_submitted = Signal()
version_published = Signal()
page_head = Signal()
answers_purged = Signal()
result_deleted = Signal()
request_refused = Signal()
studio_panels = Signal()
quiz_figures = Signal()
quiz_links = Signal()
quiz_link_image = Signal()
result_body_extras = Signal()
