/* Taking a quiz without page loads between questions.
 *
 * The intro page holds every question as a hidden <section> (the same forms the no-JS flow
 * posts one by one). This script shows one at a time, keeps the answers in sessionStorage so
 * a reload resumes where the visitor was, counts each answered question once through
 * POST /api/quizzes/<slug>/answers/, and sends the take to the JSON API at the end.
 * On the no-JS question pages it only makes single-choice questions advance on tap.
 *
 * A screen with data-show-if ({"question": key, "choices": [...]}) is shown only while the
 * earlier question it names is shown and answered with one of those choices; Next skips it,
 * the progress counts the shown screens, and answers of screens hidden since are not sent.
 */
(function () {
  "use strict";

  // No-JS flow pages: a tap on a single choice submits the form.
  document.querySelectorAll("form[data-autoadvance]").forEach(function (form) {
    form.addEventListener("change", function (event) {
      if (event.target.type === "radio") {
        window.setTimeout(function () { form.requestSubmit(form.querySelector("[value=next]")); }, 120);
      }
    });
  });

  var root = document.querySelector("[data-take]");
  if (!root) return;

  var slug = root.dataset.slug;
  var storeKey = "qb-take:" + slug;
  var intro = root.querySelector("[data-intro]");
  var screens = Array.prototype.slice.call(root.querySelectorAll("[data-screen]"));
  var sending = false;

  function newTake() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return btoa(String.fromCharCode.apply(null, bytes))
      .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function load() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(storeKey) || "null");
      if (saved && saved.take && saved.answers) return saved;
    } catch (e) { /* private mode or bad JSON: start fresh */ }
    return null;
  }

  var urlRef = new URLSearchParams(window.location.search).get("ref") || root.dataset.ref || "";
  var state = load() || { take: newTake(), answers: {}, at: -1, recorded: [], ref: "" };
  if (urlRef) state.ref = urlRef;
  state.shown = state.shown || [];

  function condition(screen) {
    if (!screen.dataset.showIf) return null;
    try { return JSON.parse(screen.dataset.showIf); } catch (e) { return null; }
  }

  // The indexes of the screens shown for the answers so far (the server's rule, in order).
  function shownIndexes() {
    var keys = [];
    var indexes = [];
    screens.forEach(function (screen, i) {
      var cond = condition(screen);
      var shown = true;
      if (cond) {
        var answer = state.answers[cond.question];
        var picked = Array.isArray(answer) ? answer : [answer];
        shown = keys.indexOf(cond.question) >= 0 && picked.some(function (key) {
          return cond.choices.indexOf(key) >= 0;
        });
      }
      if (shown) {
        keys.push(screen.dataset.key);
        indexes.push(i);
      }
    });
    return indexes;
  }

  // "2 of 3" counts the shown screens; the last shown one's button says it ends the quiz.
  function progress(index) {
    var shown = shownIndexes();
    var place = shown.filter(function (i) { return i < index; }).length;
    var total = Math.max(shown.length, place + 1);
    var screen = screens[index];
    var bar = screen.querySelector("progress");
    if (bar) { bar.value = place + 1; bar.max = total; }
    var text = screen.querySelector("[data-progress-text]");
    if (text && root.dataset.progressText) {
      text.textContent = root.dataset.progressText.replace("{n}", place + 1).replace("{t}", total);
    }
    var last = !shown.some(function (i) { return i > index; });
    var button = screen.querySelector("[data-next]");
    if (button && root.dataset.labelNext) {
      button.textContent = last ? root.dataset.labelDone : root.dataset.labelNext;
    }
  }

  function save() {
    try { window.sessionStorage.setItem(storeKey, JSON.stringify(state)); } catch (e) { /* full */ }
  }

  function readAnswer(screen) {
    var type = screen.dataset.type;
    var form = screen.querySelector("form");
    if (type === "multi") {
      return Array.prototype.map.call(form.querySelectorAll("input[name=answer]:checked"),
        function (input) { return input.value; });
    }
    if (type === "single") {
      var checked = form.querySelector("input[name=answer]:checked");
      return checked ? checked.value : null;
    }
    var value = form.querySelector("input[name=answer]").value.trim();
    if (type === "number") value = value.replace(",", ".");
    return value === "" ? null : value;
  }

  function fill(screen) {
    var value = state.answers[screen.dataset.key];
    screen.querySelectorAll("input[name=answer]").forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        input.checked = Array.isArray(value) ? value.indexOf(input.value) >= 0 : input.value === value;
      } else {
        input.value = value == null ? "" : value;
      }
    });
  }

  // Messages next to a question, the question marked (as the no-JS page marks it).
  function showErrors(screen, messages) {
    var box = screen.querySelector("[data-errors]");
    box.textContent = "";
    (messages || []).forEach(function (message) {
      var p = document.createElement("p");
      p.textContent = message;
      box.appendChild(p);
    });
    var invalid = box.childNodes.length > 0;
    screen.querySelector(".question").classList.toggle("invalid", invalid);
    screen.querySelectorAll("input[type=text]").forEach(function (input) {
      if (invalid) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    });
  }

  var NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

  // The first rule the answer breaks, in the server's words (data-check), or null.
  function check(screen, answer) {
    var rules;
    try { rules = JSON.parse(screen.dataset.check || "{}"); } catch (e) { rules = {}; }
    var says = rules.messages || {};
    var type = screen.dataset.type;
    if (answer === null || answer === "" || (Array.isArray(answer) && answer.length === 0)) {
      return rules.required ? says.required : null;
    }
    if (type === "number") {
      var x = NUMBER_RE.test(answer) ? parseFloat(answer) : NaN;
      if (!isFinite(x)) return says.number;
      if (x < rules.min || x > rules.max) return says.range;
      if (rules.step) {
        var steps = (x - rules.min) / rules.step;
        if (Math.abs(steps - Math.round(steps)) > 1e-6) return says.step;
      }
    } else if (type === "multi") {
      if (says.few && answer.length < rules.fewest) return says.few;
      if (says.many && answer.length > rules.most) return says.many;
    } else if (type === "text") {
      if (rules.max_length && answer.length > rules.max_length) return says.long;
    }
    return null;
  }

  function show(index, push) {
    state.at = index;
    save();
    intro.hidden = index >= 0;
    screens.forEach(function (screen, i) {
      screen.hidden = i !== index;
    });
    if (index >= 0) {
      progress(index);
      if (condition(screens[index])) recordShown(screens[index]);
      fill(screens[index]);
      var first = screens[index].querySelector("input:not([type=hidden])");
      if (first && first.type !== "radio" && first.type !== "checkbox") first.focus();
    }
    window.scrollTo(0, 0);
    if (push) window.history.pushState({ qb: index }, "");
  }

  // Funnel posts go one after the other: a shown question is counted only for a take whose
  // first answer the server has already counted.
  var funnel = Promise.resolve();

  function funnelPost(body) {
    funnel = funnel.then(function () {
      return fetch(root.dataset.answers, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
        credentials: "same-origin",
        keepalive: true
      });
    }).catch(function () { /* the funnel can miss one; the take goes on */ });
  }

  function record(screen) {
    var key = screen.dataset.key;
    if (state.recorded.indexOf(key) >= 0) return;
    state.recorded.push(key);
    save();
    funnelPost({ take: state.take, question: key });
  }

  // A screen with a condition came up: counted once a take, for its drop-off in the stats.
  function recordShown(screen) {
    var key = screen.dataset.key;
    if (state.shown.indexOf(key) >= 0) return;
    state.shown.push(key);
    save();
    funnelPost({ take: state.take, question: key, shown: true });
  }

  function submit(screen) {
    if (sending) return;
    sending = true;
    screen.querySelector("[data-next]").disabled = true;
    var body = { answers: state.answers, take: state.take };
    if (state.ref) body.ref = state.ref;
    fetch(root.dataset.responses, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (reply) {
      if (reply.status === 201) {
        window.sessionStorage.removeItem(storeKey);
        window.location.assign(new URL(reply.data.result_url).pathname);
        return;
      }
      // Every question with an error keeps its message; the first one is shown.
      var errors = (reply.data && reply.data.errors) || {};
      var target = -1;
      screens.forEach(function (s, i) {
        var mine = errors[s.dataset.key];
        showErrors(s, mine || []);
        if (mine && target < 0) target = i;
      });
      var others = [];
      Object.keys(errors).forEach(function (key) {
        if (!screens.some(function (s) { return s.dataset.key === key; })) {
          others = others.concat(errors[key]);
        }
      });
      if (target < 0) {
        var shownNow = shownIndexes();
        target = shownNow[shownNow.length - 1];
      }
      var messages = (errors[screens[target].dataset.key] || []).concat(others);
      show(target, true);
      showErrors(screens[target], messages);
    }).catch(function () {
      showErrors(screen, [root.dataset.offline || "No connection. Please try again."]);
    }).then(function () {
      sending = false;
      screen.querySelector("[data-next]").disabled = false;
    });
  }

  function next(screen, index) {
    var answer = readAnswer(screen);
    var key = screen.dataset.key;
    if (answer === null || (Array.isArray(answer) && answer.length === 0)) {
      delete state.answers[key];
    } else {
      state.answers[key] = answer;
    }
    save();
    var problem = check(screen, key in state.answers ? state.answers[key] : null);
    showErrors(screen, problem ? [problem] : []);
    if (problem) {
      var input = screen.querySelector("input[type=text]");
      if (input) input.focus();
      return;
    }
    var shown = shownIndexes();
    // Answers of screens that a changed answer hides are not sent (the server refuses them).
    var keep = shown.map(function (i) { return screens[i].dataset.key; });
    Object.keys(state.answers).forEach(function (k) {
      if (keep.indexOf(k) < 0) delete state.answers[k];
    });
    save();
    var after = shown.filter(function (i) { return i > index; });
    if (after.length === 0) {
      submit(screen);
      return;
    }
    if (key in state.answers) record(screen);
    show(after[0], true);
  }

  screens.forEach(function (screen, index) {
    var form = screen.querySelector("form");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      next(screen, index);
    });
    screen.querySelector("[data-back]").addEventListener("click", function () {
      window.history.back();
    });
    if (screen.dataset.type === "single") {
      form.addEventListener("change", function (event) {
        if (event.target.type !== "radio") return;
        window.setTimeout(function () { next(screen, index); }, 150);
      });
    }
  });

  root.querySelector("[data-start]").addEventListener("click", function (event) {
    event.preventDefault();
    show(0, true);
  });

  window.addEventListener("popstate", function (event) {
    var index = event.state && typeof event.state.qb === "number" ? event.state.qb : -1;
    show(index, false);
  });

  // A reload in the middle of a take comes back to the same question, answers filled in.
  window.history.replaceState({ qb: -1 }, "");
  if (state.at >= 0 && state.at < screens.length) {
    // Back walks the screens that were shown, not the ones a condition hid.
    shownIndexes().forEach(function (i) {
      if (i < state.at) window.history.pushState({ qb: i }, "");
    });
    show(state.at, true);
  }
})();
