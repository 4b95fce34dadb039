/* Taking a quiz without page loads between questions.
 *
 * The intro page holds every question as a hidden <section> (the same forms the no-JS flow
 * posts one by one). This script shows one at a time, keeps the answers in sessionStorage so
 * a reload resumes where the visitor was, counts each answered question once through
 * POST /api/quizzes/<slug>/answers/, and sends the take to the JSON API at the end.
 * On the no-JS question pages it only makes single-choice questions advance on tap.
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
      fill(screens[index]);
      var first = screens[index].querySelector("input:not([type=hidden])");
      if (first && first.type !== "radio" && first.type !== "checkbox") first.focus();
    }
    window.scrollTo(0, 0);
    if (push) window.history.pushState({ qb: index }, "");
  }

  function record(screen) {
    var key = screen.dataset.key;
    if (state.recorded.indexOf(key) >= 0) return;
    state.recorded.push(key);
    save();
    fetch(root.dataset.answers, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ take: state.take, question: key }),
      credentials: "same-origin",
      keepalive: true
    }).catch(function () { /* the funnel can miss one; the take goes on */ });
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
      if (target < 0) target = screens.length - 1;
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
    if (index === screens.length - 1) {
      submit(screen);
      return;
    }
    if (key in state.answers) record(screen);
    show(index + 1, true);
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
    for (var i = 0; i < state.at; i++) window.history.pushState({ qb: i }, "");
    show(state.at, true);
  }
})();
