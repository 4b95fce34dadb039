/* The studio's phone-sized page preview (quizzes/editor/_page_preview.html).
   Follows `studio-focus` (the part of the outline being edited), reloads on `studio-saved`
   keeping the scroll position, and says which result the "Show result" switch chose with a
   `studio-outcome` event. A new page loads in a hidden frame that replaces the shown one
   once loaded, so the preview never flashes blank. No inline script or style: CSP. */
(function () {
  "use strict";
  if (window.qbPagePreview) return;
  window.qbPagePreview = true;
  var WIDTH = 390;

  function init(panel) {
    var phone = panel.querySelector("[data-phone]");
    var current = phone.querySelector("iframe");
    var select = panel.querySelector("[data-preview-outcome]");
    var showButton = panel.querySelector("[data-preview-show-result]");
    var showing = panel.querySelector("[data-preview-showing]");
    var unreachable = panel.querySelector("[data-preview-unreachable]");
    var base = panel.dataset.base;
    var rev = panel.dataset.rev || "0";
    var page = panel.dataset.page || "intro";
    var pending = null;

    function fit(frame) {
      var scale = Math.min(1, phone.clientWidth / WIDTH) || 1;
      frame.style.transform = "scale(" + scale + ")";
    }

    // The frame shows, it does not navigate: links and forms in it stay where they are.
    function tame(frame) {
      var doc = frame.contentDocument;
      if (!doc) return;
      doc.addEventListener("click", function (e) {
        if (e.target.closest && e.target.closest("a[href], button[type=submit], button:not([type])")) {
          e.preventDefault();
        }
      }, true);
      doc.addEventListener("submit", function (e) { e.preventDefault(); }, true);
    }

    function label() {
      var kind = page.split(":")[0];
      var index = parseInt(page.split(":")[1] || "0", 10);
      var chosen = select && select.querySelector('option[value="' + index + '"]');
      if (unreachable) unreachable.hidden = !(kind === "result" && chosen && chosen.dataset.reaches === "false");
      if (kind === "question") {
        showing.textContent = panel.dataset.labelQuestion.replace("%s", String(index + 1));
      } else if (kind === "result") {
        var option = select && select.querySelector('option[value="' + index + '"]');
        showing.textContent = panel.dataset.labelResult + (option ? ": " + option.textContent : "");
      } else {
        showing.textContent = panel.dataset.labelIntro;
      }
    }

    function load(keepScroll) {
      var y = 0;
      if (keepScroll) {
        try { y = current.contentWindow.scrollY; } catch (e) { y = 0; }
      }
      if (pending) pending.remove();
      var next = document.createElement("iframe");
      next.className = "phone-screen is-loading";
      next.title = current.title;
      next.width = current.width;
      next.height = current.height;
      next.setAttribute("aria-hidden", "true");
      next.addEventListener("load", function () {
        if (pending !== next) return;
        try { next.contentWindow.scrollTo(0, y); tame(next); } catch (e) { /* not ours */ }
        current.remove();
        next.classList.remove("is-loading");
        next.removeAttribute("aria-hidden");
        current = next;
        pending = null;
      });
      pending = next;
      fit(next);
      next.src = base + "?page=" + encodeURIComponent(page) + "&rev=" + encodeURIComponent(rev);
      phone.appendChild(next);
      label();
    }

    function chooseOutcome(index) {
      document.dispatchEvent(new CustomEvent("studio-outcome", { detail: { outcome: index } }));
    }

    function refreshOutcomes() {
      if (!select || !window.fetch) return;
      fetch(base + "?outcomes=1&rev=" + encodeURIComponent(rev), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) return;
          var chosen = select.value;
          select.textContent = "";
          data.outcomes.forEach(function (o) {
            var option = document.createElement("option");
            option.value = String(o.index);
            option.dataset.reaches = o.reaches ? "true" : "false";
            option.textContent = o.title;
            select.appendChild(option);
          });
          if (select.querySelector('option[value="' + chosen + '"]')) select.value = chosen;
          label();
        })
        .catch(function () { /* the next save tries again */ });
    }

    current.addEventListener("load", function () { tame(current); });
    try { if (current.contentDocument && current.contentDocument.readyState === "complete") tame(current); } catch (e) { /* loading */ }
    fit(current);
    window.addEventListener("resize", function () { fit(current); if (pending) fit(pending); });

    document.addEventListener("studio-focus", function (e) {
      if (!panel.isConnected) return;  // a panel htmx swapped out
      var next = e.detail && e.detail.page;
      if (!next || next === page) return;
      page = String(next);
      if (page.indexOf("result:") === 0 && select) {
        select.value = page.split(":")[1];
        chooseOutcome(parseInt(select.value, 10) || 0);
      }
      load(false);
    });
    document.addEventListener("studio-saved", function (e) {
      if (!panel.isConnected) return;  // a panel htmx swapped out
      if (e.detail && e.detail.revision !== undefined) rev = String(e.detail.revision);
      load(true);
      refreshOutcomes();
    });
    function showResult() {
      page = "result:" + (select.value || "0");
      chooseOutcome(parseInt(select.value, 10) || 0);
      load(false);
    }
    if (select) select.addEventListener("change", showResult);
    if (showButton) showButton.addEventListener("click", showResult);
  }

  // Each panel once, also when htmx swaps a new one in (its script tag is then skipped).
  function start(root) {
    var panels = Array.prototype.slice.call((root || document).querySelectorAll("[data-page-preview]"));
    if (root && root.matches && root.matches("[data-page-preview]")) panels.push(root);
    panels.forEach(function (panel) {
      if (panel.dataset.ready) return;
      panel.dataset.ready = "1";
      init(panel);
    });
  }
  document.addEventListener("htmx:load", function (e) { start(e.detail && e.detail.elt); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { start(); });
  else start();
})();
