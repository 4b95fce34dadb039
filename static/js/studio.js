// The studio: autosave (htmx posts the form as you type), problems beside their fields,
// the personality matrix's tap cells, formula chips, drag and keyboard reordering.
(function () {
  "use strict";

  var form = function () { return document.getElementById("studio-form"); };
  var dirty = false;
  var inFlight = false;
  var focusAfterSwap = null;
  var lastPage = null;

  function status(text, kind) {
    var el = document.getElementById("studio-status");
    if (!el) return;
    var span = el.querySelector(".saved") || document.createElement("span");
    span.className = "saved" + (kind ? " " + kind : "");
    span.textContent = text;
    if (!span.parentNode) el.insertBefore(span, el.firstChild);
  }

  // --- problems next to their fields --------------------------------------------------
  function fieldFor(name) {
    var f = form();
    if (!f) return null;
    var parts = name.split(".");
    while (parts.length) {
      var el = f.querySelector('[name="' + CSS.escape(parts.join(".")) + '"]:not([type=hidden])') ||
        f.querySelector('[id="f-' + CSS.escape(parts.join(".")) + '"]');
      if (el) return el;
      parts.pop();
    }
    return null;
  }

  // A new blank quiz is all empty fields: its problems show beside a field once it has been
  // typed in, and all of them once the author asks (the list's link, or Submit).
  var showAll = !(form() && form().hasAttribute("data-fresh"));
  var touched = {};
  document.addEventListener("input", function (evt) { if (evt.target.name) touched[evt.target.name] = true; });
  document.addEventListener("click", function (evt) {
    if (evt.target.closest && evt.target.closest(".problems-count, #studio-submit")) { showAll = true; placeProblems(); }
  });

  // Only what this script placed is taken back: the server draws some problems itself (a
  // refused image upload), and those stay until the server draws the field again.
  function placeProblems() {
    var f = form();
    if (!f) return;
    f.querySelectorAll(".field-problem[data-placed]").forEach(function (p) { p.remove(); });
    f.querySelectorAll("[data-placed-invalid]").forEach(function (el) {
      var before = el.getAttribute("data-placed-invalid");
      el.removeAttribute("data-placed-invalid");
      el.removeAttribute("aria-invalid");
      if (before) el.setAttribute("aria-describedby", before);
      else el.removeAttribute("aria-describedby");
    });
    var list = document.querySelectorAll("#studio-problems li[data-field]");
    var n = 0;
    list.forEach(function (li) {
      var el = fieldFor(li.getAttribute("data-field"));
      if (!el || (!showAll && !touched[el.name])) return;
      n += 1;
      var id = "problem-" + n;
      var p = document.createElement("p");
      p.className = "field-problem";
      p.id = id;
      p.setAttribute("data-placed", "");
      p.textContent = li.getAttribute("data-message") || li.textContent;
      var holder = el.closest(".field, td") || el.parentNode;
      holder.appendChild(p);
      var described = el.getAttribute("aria-describedby");
      if (!el.hasAttribute("data-placed-invalid")) el.setAttribute("data-placed-invalid", described || "");
      el.setAttribute("aria-invalid", "true");
      el.setAttribute("aria-describedby", described ? described + " " + id : id);
    });
  }

  // --- structural changes posted like a button press -----------------------------------
  function postOp(op, refocus) {
    var f = form();
    if (!f) return;
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = "op";
    input.value = op;
    input.setAttribute("data-op-pending", "");
    f.appendChild(input);
    focusAfterSwap = refocus || null;
    f.requestSubmit();
  }
  // The op goes with the one request that takes it (a queued request reads the form later).
  document.body.addEventListener("htmx:configRequest", function (evt) {
    if (evt.detail.elt && evt.detail.elt.id === "studio-form") {
      evt.detail.elt.querySelectorAll("[data-op-pending]").forEach(function (el) { el.remove(); });
    }
  });

  function sortables() {
    if (!window.Sortable) return;
    document.querySelectorAll("#studio-form [data-sortable]").forEach(function (list) {
      if (list.dataset.sortableReady) return;
      list.dataset.sortableReady = "1";
      window.Sortable.create(list, {
        handle: ".handle",
        animation: 150,
        onEnd: function (evt) {
          if (evt.oldIndex === evt.newIndex) return;
          var what = list.getAttribute("data-sortable");
          var prefix = what === "choice" ? "choice.move:" + list.getAttribute("data-question") + ":" : what + ".move:";
          postOp(prefix + evt.oldIndex + ":" + evt.newIndex);
        },
      });
    });
  }

  document.addEventListener("keydown", function (evt) {
    var handle = evt.target.closest && evt.target.closest("#studio-form .handle[data-move]");
    if (!handle || (evt.key !== "ArrowUp" && evt.key !== "ArrowDown")) return;
    evt.preventDefault();
    var i = parseInt(handle.getAttribute("data-index"), 10);
    var count = parseInt(handle.getAttribute("data-count"), 10);
    var to = evt.key === "ArrowUp" ? i - 1 : i + 1;
    if (to < 0 || to >= count) return;
    var base = handle.getAttribute("data-move");
    var newBase = base.replace(/:\d+$/, ":" + to);
    postOp(base + ":" + to, '.handle[data-move="' + newBase + '"]');
  });

  // --- clicks: matrix cells, chips, confirmations ---------------------------------------
  document.addEventListener("click", function (evt) {
    var cell = evt.target.closest && evt.target.closest("#studio-form [data-cell]");
    if (cell) {
      var input = cell.parentNode.querySelector('input[type=hidden][name="' + CSS.escape(cell.getAttribute("data-cell")) + '"]');
      var n = (parseInt(input.value, 10) + 1) % 4;
      input.value = String(n);
      cell.textContent = String(n);
      cell.className = "cell pts-" + n;
      cell.setAttribute("aria-label", cell.getAttribute("aria-label").replace(/\d+( of 3| \/ 3|，共 3)/, n + "$1"));
      input.dispatchEvent(new Event("input", { bubbles: true }));
      return;
    }
    var chip = evt.target.closest && evt.target.closest("#studio-form [data-insert]");
    if (chip) {
      var target = document.getElementById(chip.getAttribute("data-target"));
      if (!target) return;
      var text = chip.getAttribute("data-insert");
      var start = target.selectionStart != null ? target.selectionStart : target.value.length;
      var end = target.selectionEnd != null ? target.selectionEnd : start;
      target.value = target.value.slice(0, start) + text + target.value.slice(end);
      target.focus();
      target.selectionStart = target.selectionEnd = start + text.length;
      target.dispatchEvent(new Event("input", { bubbles: true }));
      return;
    }
    var goto = evt.target.closest && evt.target.closest("#studio-problems [data-goto], #studio-refused [data-goto]");
    if (goto) {
      evt.preventDefault();
      var field = fieldFor(goto.getAttribute("data-goto"));
      if (field) {
        var details = field.closest("details");
        if (details) details.open = true;
        field.focus();
      }
      return;
    }
    var confirmer = evt.target.closest && evt.target.closest("#studio-form [data-confirm]");
    if (confirmer && !window.confirm(confirmer.getAttribute("data-confirm"))) {
      evt.preventDefault();
    }
  });

  // A question's type, its condition or the contact form switched on or off changes which
  // fields apply: draw the editor again.
  // A picked image goes up at once.
  document.addEventListener("change", function (evt) {
    if (evt.target.matches && evt.target.matches("#studio-form [data-upload]") && evt.target.files.length) {
      postOp("image", '[name="' + CSS.escape(evt.target.name) + '"]');
      return;
    }
    // A switch that drops what the old type had (answers, limits) is asked for first;
    // declined, the control shows the question's type again and nothing is posted.
    if (evt.target.matches && evt.target.matches("#studio-form .type-select[data-confirm-switch]")) {
      var picked = evt.target.options[evt.target.selectedIndex];
      if (picked && !picked.hasAttribute("data-keeps") && !window.confirm(evt.target.getAttribute("data-confirm-switch"))) {
        var saved = evt.target.querySelector("option[selected]");
        if (saved) evt.target.value = saved.value;
        return;
      }
    }
    if (evt.target.matches && evt.target.matches("#studio-form .type-select, #studio-form [name$='.show_if.question'], #studio-form [data-refresh]")) {
      postOp("refresh", evt.target.id ? "#" + CSS.escape(evt.target.id) : '[name="' + CSS.escape(evt.target.name) + '"]');
    }
  });

  // --- the page in focus, for the preview ----------------------------------------------
  document.addEventListener("focusin", function (evt) {
    var item = evt.target.closest && evt.target.closest("#studio-form [data-page]");
    var page = item ? item.getAttribute("data-page") : null;
    if (page && page !== lastPage) {
      lastPage = page;
      document.dispatchEvent(new CustomEvent("studio-focus", { detail: { page: page } }));
    }
  });

  // --- saving --------------------------------------------------------------------------
  document.addEventListener("input", function (evt) {
    var name = evt.target.name || "";
    var m = /^outcomes\.(\d+)\.title$/.exec(name);
    if (m) {
      document.querySelectorAll('[data-outcome-title="' + m[1] + '"]').forEach(function (el) {
        if (evt.target.value.trim()) el.textContent = evt.target.value;
      });
    }
    if (name === "title") {
      document.querySelectorAll("[data-live-title]").forEach(function (el) {
        if (evt.target.value.trim()) el.textContent = evt.target.value;
      });
    }
    if (evt.target.closest && evt.target.closest("#studio-form")) {
      dirty = true;
      status(document.documentElement.lang.indexOf("zh") === 0 ? "未保存的更改…" : "Unsaved changes…");
    }
  });
  var lastInput = 0;
  var requestStarted = 0;
  var saving = null;
  document.addEventListener("input", function () { lastInput = Date.now(); });
  document.body.addEventListener("htmx:beforeRequest", function (evt) {
    if (evt.target === form()) { inFlight = true; requestStarted = Date.now(); saving = evt.detail.xhr; }
  });
  // A save that draws the editor again replaces the form it came from: htmx then tells the
  // form's nearest parent still on the page, naming that parent, so the request is known by
  // its xhr.
  function isSave(evt) {
    return evt.detail.elt === form() || evt.detail.elt.id === "studio-form" || (saving && evt.detail.xhr === saving);
  }
  document.body.addEventListener("htmx:afterRequest", function (evt) {
    if (!isSave(evt)) return;
    inFlight = false;
    if (evt.detail.successful) {
      // Typed while the request was out: still to be saved (its own request is on the way).
      dirty = lastInput >= requestStarted;
    } else if (evt.detail.xhr && evt.detail.xhr.status === 0) {
      status(document.documentElement.lang.indexOf("zh") === 0 ? "未保存：连接中断，正在重试…" : "Not saved: no connection, trying again…", "error");
      setTimeout(function () { if (dirty && form()) form().requestSubmit(); }, 3000);
    }
  });
  document.body.addEventListener("htmx:sendError", function () {
    inFlight = false;
    status(document.documentElement.lang.indexOf("zh") === 0 ? "未保存：连接中断，正在重试…" : "Not saved: no connection, trying again…", "error");
    setTimeout(function () { if (dirty && form()) form().requestSubmit(); }, 3000);
  });
  document.body.addEventListener("htmx:afterSettle", function () {
    var f = form();
    if (!f) return;
    placeProblems();
    sortables();
    var selector = focusAfterSwap;
    focusAfterSwap = null;
    var name = f.getAttribute("data-focus");
    var el = selector ? f.querySelector(selector) : name ? f.querySelector('[name="' + CSS.escape(name) + '"]') : null;
    if (el) {
      // A result's image sits in a closed "more" section: open it, so its answer is seen.
      var details = el.closest("details");
      if (details) details.open = true;
      el.focus();
    }
    f.removeAttribute("data-focus");
  });
  document.body.addEventListener("htmx:oobAfterSwap", function (evt) {
    placeProblems();
    // Read the element as it is now: htmx settles a swapped element's attributes later, and
    // the event may name the element it replaced.
    var holder = document.getElementById("studio-updates");
    if (holder && holder.textContent.trim() && holder.getAttribute("data-applied") !== "1") {
      holder.setAttribute("data-applied", "1");
      applyUpdates(holder);
    }
  });

  // A save renamed a key the page shows elsewhere (a formula, a condition, a {placeholder}):
  // show the saved text, so the next save does not post the old one back. A field being
  // typed in takes it when the author leaves it.
  var pending = {};
  function setField(el, value) {
    if (document.activeElement === el) { pending[el.name] = value; return; }
    el.value = value;
  }
  function applyUpdates(holder) {
    var data;
    try { data = JSON.parse(holder.textContent || "{}"); } catch (e) { return; }
    var f = form();
    if (!f) return;
    Object.keys(data.fields || {}).forEach(function (name) {
      var el = f.querySelector('[name="' + CSS.escape(name) + '"]');
      if (el) setField(el, data.fields[name]);
    });
    Object.keys(data.renames || {}).forEach(function (old) {
      f.querySelectorAll('[data-insert="' + CSS.escape(old) + '"]').forEach(function (chip) {
        chip.setAttribute("data-insert", data.renames[old]);
        chip.title = data.renames[old];
      });
    });
    Object.keys(data.chips || {}).forEach(function (key) {
      f.querySelectorAll('.chip[data-insert="' + CSS.escape(key) + '"]').forEach(function (chip) {
        var label = data.chips[key];
        chip.textContent = label.length > 40 ? label.slice(0, 39) + "…" : label;
      });
    });
  }
  document.addEventListener("focusout", function (evt) {
    var name = evt.target && evt.target.name;
    if (name && Object.prototype.hasOwnProperty.call(pending, name)) {
      evt.target.value = pending[name];
      delete pending[name];
    }
  });

  // Submitting for review waits for the last change to be saved, so what is reviewed is
  // what the author sees.
  var submitting = null;
  document.addEventListener("submit", function (evt) {
    var f = evt.target;
    if (!f.querySelector || !f.querySelector("#studio-submit")) return;
    if (dirty || inFlight) {
      evt.preventDefault();
      submitting = f;
      if (!inFlight && form()) form().requestSubmit();
    }
  });
  document.body.addEventListener("htmx:afterRequest", function (evt) {
    if (!submitting || !isSave(evt)) return;
    if (evt.detail.successful && !dirty) {
      var f = submitting;
      submitting = null;
      f.submit();
    }
  });

  // A closed tab or a reload keeps the last keystrokes: they go out as a beacon.
  function flush() {
    var f = form();
    if (dirty && !inFlight && f && navigator.sendBeacon) {
      navigator.sendBeacon(f.getAttribute("action"), new FormData(f));
      dirty = false;
    }
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush();
  });
  window.addEventListener("pagehide", flush);

  // Typed text is kept in this tab until the server has it: a reload before the save (or its
  // beacon) lands puts it back and saves it, instead of showing the older text.
  function backupKey() { var f = form(); return f ? "studio:" + f.getAttribute("action") : null; }
  function revision() { var r = document.getElementById("studio-revision"); return r ? r.value : ""; }
  function backup() {
    var f = form();
    if (!f || !window.sessionStorage) return;
    var fields = [];
    f.querySelectorAll("input[name], textarea[name], select[name]").forEach(function (el) {
      if (el.type === "file" || el.type === "hidden" || el.type === "checkbox" || el.type === "radio") return;
      // A type switch is posted at once (a refresh), never by a later save: nothing to keep.
      if (el.classList.contains("type-select")) return;
      fields.push([el.name, el.value]);
    });
    try { sessionStorage.setItem(backupKey(), JSON.stringify({ revision: revision(), fields: fields })); } catch (e) { /* full or off */ }
  }
  function restore() {
    var f = form();
    if (!f || !window.sessionStorage) return;
    var raw = sessionStorage.getItem(backupKey());
    if (!raw) return;
    sessionStorage.removeItem(backupKey());
    var saved;
    try { saved = JSON.parse(raw); } catch (e) { return; }
    if (!saved || saved.revision !== revision()) return; // the server got it (or moved on)
    var changed = false;
    (saved.fields || []).forEach(function (pair) {
      var el = f.querySelector('[name="' + CSS.escape(pair[0]) + '"]');
      if (el && el.value !== pair[1]) { el.value = pair[1]; changed = true; }
    });
    if (changed) {
      dirty = true;
      status(document.documentElement.lang.indexOf("zh") === 0 ? "已恢复未保存的修改，正在保存…" : "Your unsaved changes are back; saving…");
      f.requestSubmit();
    }
  }
  document.addEventListener("input", function (evt) {
    if (evt.target.closest && evt.target.closest("#studio-form")) backup();
  });
  document.body.addEventListener("htmx:afterRequest", function (evt) {
    if (evt.detail.elt && evt.detail.elt.id === "studio-form" && evt.detail.successful && !dirty && window.sessionStorage) {
      sessionStorage.removeItem(backupKey());
    }
  });

  // A refused submit, or a link to a field from a list of problems elsewhere: every problem
  // beside its field, and the field named takes the focus.
  function focusNamed() {
    var f = form();
    var name = f && f.getAttribute("data-focus");
    if (document.getElementById("studio-refused") || name) showAll = true;
    if (!name) return;
    f.removeAttribute("data-focus");
    var field = fieldFor(name);
    if (!field) return;
    var details = field.closest("details");
    if (details) details.open = true;
    field.focus();
  }

  function ready() {
    focusNamed();
    placeProblems();
    sortables();
    restore();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
