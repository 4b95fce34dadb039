/* The studio's result image preview (sharing/_studio_card_panel.html): layout tabs, the
   result chosen in the page preview (`studio-outcome`, or `studio-focus` on a result), and a
   redraw on every save (`studio-saved`). The new image loads off screen and replaces the
   shown one once decoded, so the picture never flashes blank. */
(function () {
  "use strict";
  if (window.qbCardPreview) return;
  window.qbCardPreview = true;

  function init(panel) {
    var img = panel.querySelector("[data-card-image]");
    var tabs = Array.prototype.slice.call(panel.querySelectorAll('[role="tab"]'));
    var frame = panel.querySelector('[role="tabpanel"]');
    var state = { layout: panel.dataset.layout || "og", outcome: panel.dataset.outcome || "0",
                  rev: panel.dataset.rev || "0" };
    var loading = null;

    function draw() {
      var url = panel.dataset.base + state.layout + ".png?outcome=" +
        encodeURIComponent(state.outcome) + "&rev=" + encodeURIComponent(state.rev);
      var tab = panel.querySelector('[data-layout="' + state.layout + '"]');
      var next = new Image();
      loading = next;
      img.classList.add("is-loading");
      next.onload = function () {
        if (loading !== next) return;
        img.src = url;
        img.width = parseInt(tab.dataset.width, 10);
        img.height = parseInt(tab.dataset.height, 10);
        img.classList.remove("is-loading");
        panel.dataset.drawn = url;
      };
      next.onerror = function () { if (loading === next) img.classList.remove("is-loading"); };
      next.src = url;
    }

    function select(tab, focus) {
      tabs.forEach(function (t) {
        var on = t === tab;
        t.setAttribute("aria-selected", on ? "true" : "false");
        t.tabIndex = on ? 0 : -1;
      });
      frame.setAttribute("aria-labelledby", tab.id);
      if (focus) tab.focus();
      state.layout = tab.dataset.layout;
      draw();
    }

    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () { select(tab, false); });
      tab.addEventListener("keydown", function (e) {
        var to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
        if (to === undefined) return;
        e.preventDefault();
        select(tabs[(to + tabs.length) % tabs.length], true);
      });
    });
    document.addEventListener("studio-outcome", function (e) {
      if (!panel.isConnected) return;  // a panel htmx swapped out
      if (!e.detail || e.detail.outcome === undefined) return;
      state.outcome = String(e.detail.outcome);
      draw();
    });
    document.addEventListener("studio-focus", function (e) {
      if (!panel.isConnected) return;  // a panel htmx swapped out
      var page = e.detail && e.detail.page;
      if (!page || page.indexOf("result:") !== 0) return;
      state.outcome = page.split(":")[1];
      draw();
    });
    document.addEventListener("studio-saved", function (e) {
      if (!panel.isConnected) return;  // a panel htmx swapped out
      if (e.detail && e.detail.revision !== undefined) state.rev = String(e.detail.revision);
      draw();
    });
  }

  // Each panel once, also when htmx swaps a new one in (its script tag is then skipped).
  function start(root) {
    var panels = Array.prototype.slice.call((root || document).querySelectorAll("[data-card-preview]"));
    if (root && root.matches && root.matches("[data-card-preview]")) panels.push(root);
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
