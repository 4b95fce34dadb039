/* The quiz inside an iframe on a business's site (/q/<slug>/embed/).
 *
 * The whole flow stays on this one framable page: questions drawn from the quiz's JSON
 * (json_script "qb-quiz"), answers counted through POST /api/quizzes/<slug>/answers/, the take
 * sent to POST /api/quizzes/<slug>/responses/, the result with its share bar, call to action and
 * lead form. The host page is told what happens with postMessage (spec/integrations.md):
 * {source: "quizbuilder", type, quiz, ...}, to the host's origin when it is known, and the
 * page's height on every change so that embed.js can size the iframe (no inner scroll bar).
 */
(function () {
  "use strict";

  var app = document.getElementById("qb-app");
  if (!app) return;

  function json(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  var quiz = json("qb-quiz");
  var lead = json("qb-lead");
  var completeValues = json("qb-complete-values") || [];
  var strings = json("qb-strings") || {};
  var slug = app.dataset.slug;
  var take = app.dataset.take;
  var ref = app.dataset.ref || "";
  var host = app.dataset.host || "";
  if (!host && document.referrer) {
    try { host = new URL(document.referrer).origin; } catch (e) { host = ""; }
  }
  var answers = {};
  var index = 0;
  var counted = {};
  var result = null;
  var started = false;

  function newTake() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return btoa(String.fromCharCode.apply(null, bytes))
      .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function say(text, values) {
    return String(text || "").replace(/%\((\w+)\)s/g, function (_, name) {
      return values && values[name] !== undefined ? values[name] : "";
    });
  }

  function post(type, extra) {
    if (window.parent === window) return;
    var message = { source: "quizbuilder", type: type, quiz: slug };
    Object.keys(extra || {}).forEach(function (key) { message[key] = extra[key]; });
    window.parent.postMessage(message, host || "*");
  }

  // Height: told on every change of the content's size.
  var lastHeight = 0;
  function tellHeight() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== lastHeight) {
      lastHeight = height;
      post("resize", { height: height });
    }
  }
  if (window.ResizeObserver) new ResizeObserver(tellHeight).observe(document.documentElement);
  window.addEventListener("load", tellHeight);

  function api(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (response) {
      return response.json().then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  function show(name) {
    app.querySelectorAll("[data-screen]").forEach(function (screen) {
      screen.hidden = screen.dataset.screen !== name;
    });
    var screen = app.querySelector('[data-screen="' + name + '"]');
    var heading = screen && screen.querySelector("h1, h2, legend");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus({ preventScroll: true });
    }
    tellHeight();
  }

  // --- questions ---------------------------------------------------------------------------

  // The indexes of the questions shown for the answers so far: a question with a display
  // condition ({question, choices}) only while that earlier question is shown and answered
  // with one of those choices (the server's rule, as take.js applies it).
  function shownIndexes() {
    var keys = [];
    var indexes = [];
    quiz.questions.forEach(function (q, i) {
      var cond = q.show_if;
      var shown = true;
      if (cond) {
        var answer = answers[cond.question];
        var picked = Array.isArray(answer) ? answer : [answer];
        shown = keys.indexOf(cond.question) >= 0 && picked.some(function (key) {
          return cond.choices.indexOf(key) >= 0;
        });
      }
      if (shown) {
        keys.push(q.key);
        indexes.push(i);
      }
    });
    return indexes;
  }

  // Funnel posts one after the other (a shown question counts only for a started take).
  var funnel = Promise.resolve();
  function funnelPost(body) {
    funnel = funnel.then(function () {
      return api("POST", app.dataset.answers, body);
    }).catch(function () { /* the funnel may miss one; the take goes on */ });
  }
  var shownSent = {};

  var form = app.querySelector("[data-question-form]");
  var field = form.querySelector("[data-field]");
  var errorBox = form.querySelector("[data-error]");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function drawQuestion() {
    var q = quiz.questions[index];
    var shown = shownIndexes();
    var place = shown.filter(function (i) { return i < index; }).length;
    var total = Math.max(shown.length, place + 1);
    var isLast = !shown.some(function (i) { return i > index; });
    if (q.show_if && !shownSent[q.key]) {
      shownSent[q.key] = true;
      funnelPost({ take: take, question: q.key, shown: true });
    }
    form.querySelector("[data-progress]").textContent = say(strings.of, { n: place + 1, total: total });
    var prompt = form.querySelector("[data-prompt]");
    prompt.textContent = q.prompt + (q.required ? "" : " " + (strings.optional || ""));
    prompt.id = "p-" + q.key;
    var help = form.querySelector("[data-help]");
    help.textContent = q.help || (q.type === "multi" ? strings.choose : "");
    help.hidden = !help.textContent;
    errorBox.textContent = "";
    field.textContent = "";
    if (q.image) {
      var figure = el("figure", { class: "question-image" });
      var picture = el("img", { src: q.image, alt: "", class: "question-img" });
      picture.addEventListener("load", tellHeight, { once: true });
      figure.appendChild(picture);
      field.appendChild(figure);
    }
    var current = answers[q.key];
    if (q.type === "single" || q.type === "multi") {
      var tiles = q.choices.some(function (c) { return c.image; });
      var box = el("div", { class: tiles ? "choices image-grid" : "choices" });
      q.choices.forEach(function (c) {
        var label = el("label", { class: tiles ? "choice image-choice" : "choice" });
        var input = el("input", {
          type: q.type === "single" ? "radio" : "checkbox",
          name: "answer",
          value: c.key,
        });
        if (q.type === "single" ? current === c.key : (current || []).indexOf(c.key) >= 0) input.checked = true;
        if (tiles) {
          var tile = el("span", { class: "tile" });
          if (c.image) {
            var img = el("img", { src: c.image, alt: "", class: "tile-img" });
            img.addEventListener("load", tellHeight, { once: true });
            tile.appendChild(img);
          } else {
            tile.appendChild(el("span", { class: "tile-img tile-blank" }));
          }
          label.appendChild(tile);
          var under = el("span", { class: "tile-label" });
          under.appendChild(input);
          under.appendChild(el("span", {}, c.label));
          label.appendChild(under);
        } else {
          label.appendChild(input);
          label.appendChild(el("span", {}, c.label));
        }
        box.appendChild(label);
      });
      field.appendChild(box);
    } else {
      var wrap = el("div", { class: q.type === "number" ? "number-input" : "" });
      var input = el("input", {
        type: "text",
        name: "answer",
        id: "a-" + q.key,
        "aria-labelledby": "p-" + q.key,
        autocomplete: "off",
      });
      if (q.type === "number") input.setAttribute("inputmode", "decimal");
      if (q.type === "text" && q.max_length) input.setAttribute("maxlength", q.max_length);
      if (current !== undefined) input.value = current;
      wrap.appendChild(input);
      if (q.unit) wrap.appendChild(el("span", { class: "unit" }, q.unit));
      field.appendChild(wrap);
    }
    form.querySelector("[data-next]").textContent = isLast ? strings.last : strings.next;
    form.querySelector("[data-back]").hidden = place === 0;
    show("question");
  }

  function readAnswer(q) {
    if (q.type === "single") {
      var chosen = form.querySelector("input[name=answer]:checked");
      return chosen ? chosen.value : undefined;
    }
    if (q.type === "multi") {
      var keys = Array.prototype.map.call(
        form.querySelectorAll("input[name=answer]:checked"), function (i) { return i.value; });
      return keys.length ? keys : undefined;
    }
    var text = form.querySelector("input[name=answer]").value.trim();
    if (!text) return undefined;
    if (q.type === "number") {
      var n = Number(text.replace(",", "."));
      return isFinite(n) ? n : NaN;
    }
    return text;
  }

  function problem(q, value) {
    if (value === undefined) return q.required ? strings.required : "";
    if (q.type === "number" && (isNaN(value) || value < q.min || value > q.max)) {
      return say(strings.range, { min: q.min, max: q.max });
    }
    return "";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var q = quiz.questions[index];
    var value = readAnswer(q);
    var message = problem(q, value);
    if (message) {
      errorBox.textContent = message;
      tellHeight();
      return;
    }
    if (value === undefined) delete answers[q.key]; else answers[q.key] = value;
    if (!counted[q.key]) {
      counted[q.key] = true;
      funnelPost({ take: take, question: q.key });
    }
    post("answer", { question: q.key, position: index });
    var after = shownIndexes().filter(function (i) { return i > index; });
    if (after.length) {
      index = after[0];
      drawQuestion();
    } else {
      submit();
    }
  });

  form.querySelector("[data-back]").addEventListener("click", function () {
    var before = shownIndexes().filter(function (i) { return i < index; });
    if (before.length) { index = before[before.length - 1]; drawQuestion(); }
  });

  function start() {
    if (!started) {
      started = true;
      post("start", {});
    }
    index = 0;
    drawQuestion();
  }

  app.querySelectorAll("[data-start], [data-go=intro]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      if (link.dataset.go === "intro") show("intro"); else start();
    });
  });

  // --- result ------------------------------------------------------------------------------

  function submit() {
    // Only the answers of the questions shown (a condition may have hidden one since).
    var sent = {};
    shownIndexes().forEach(function (i) {
      var key = quiz.questions[i].key;
      if (answers[key] !== undefined) sent[key] = answers[key];
    });
    var body = { answers: sent, take: take };
    if (ref) body.ref = ref;
    api("POST", app.dataset.responses, body).then(function (reply) {
      if (reply.status !== 201) {
        var errors = reply.data.errors || {};
        var keys = Object.keys(errors);
        var at = quiz.questions.findIndex(function (q) { return keys.indexOf(q.key) >= 0; });
        if (at >= 0) { index = at; drawQuestion(); }
        errorBox.textContent = keys.length ? errors[keys[0]][0] : strings.offline;
        tellHeight();
        return;
      }
      result = reply.data;
      post("complete", { result: completeBody(result) });
      if (result.locked) {
        show("lead");
      } else {
        drawResult();
      }
    }).catch(function () {
      errorBox.textContent = strings.offline;
      tellHeight();
    });
  }

  // The result as the host page is told it: the quiz's own worked-out values only (the
  // page names them, integrations.embeds.complete_values), never a question's answer.
  function completeBody(body) {
    var told = {};
    Object.keys(body).forEach(function (key) { told[key] = body[key]; });
    if (body.values) {
      told.values = {};
      completeValues.forEach(function (name) {
        if (Object.prototype.hasOwnProperty.call(body.values, name)) told.values[name] = body.values[name];
      });
    }
    return told;
  }

  function drawResult() {
    var screen = app.querySelector('[data-screen="result"]');
    if (result.outcome) {
      screen.querySelector("[data-outcome-title]").textContent = result.outcome.title;
      screen.querySelector("[data-outcome-description]").textContent = result.outcome.description || "";
    }
    var score = screen.querySelector("[data-score]");
    score.hidden = result.score === null || result.score === undefined || result.max_score === null;
    if (!score.hidden) score.textContent = say(strings.score, { score: result.score, max: result.max_score });
    var cta = screen.querySelector("[data-cta]");
    cta.hidden = !result.cta;
    if (result.cta) {
      var link = cta.querySelector("[data-cta-link]");
      link.href = result.cta.url;
      link.textContent = result.cta.label;
    }
    drawImage(0);
    show("result");
    if (lead && result.locked === false && lead.position === "after_result" && !leadSaved) {
      var leadScreen = app.querySelector('[data-screen="lead"]');
      leadScreen.hidden = false;
      screen.parentNode.insertBefore(leadScreen, screen.nextSibling);
      tellHeight();
    }
  }

  function drawImage(tries) {
    var image = result.image;
    var box = app.querySelector("[data-image]");
    if (image && image.status === "ready" && image.url) {
      var img = box.querySelector("img");
      img.src = image.url;
      img.width = image.width;
      img.height = image.height;
      img.alt = result.outcome ? result.outcome.title : "";
      img.addEventListener("load", tellHeight, { once: true });
      box.hidden = false;
      tellHeight();
    } else if (image && image.status === "pending" && tries < 20) {
      window.setTimeout(function () {
        api("GET", "/api/results/" + result.id + "/").then(function (reply) {
          if (reply.status === 200) result.image = reply.data.image;
          drawImage(tries + 1);
        });
      }, 1500);
    }
  }

  app.querySelector('[data-screen="result"]').addEventListener("click", function (event) {
    var link = event.target.closest("[data-cta-link]");
    if (link) post("cta", { url: link.href });
  });

  app.querySelector("[data-again]").addEventListener("click", function () {
    answers = {};
    counted = {};
    shownSent = {};
    result = null;
    leadSaved = false;
    take = newTake();
    start();
  });

  // --- sharing -----------------------------------------------------------------------------

  var native = app.querySelector('[data-share="native"]');
  if (navigator.share) native.hidden = false;

  var intents = {
    whatsapp: function (u) { return "https://wa.me/?text=" + encodeURIComponent(u); },
    telegram: function (u) { return "https://t.me/share/url?url=" + encodeURIComponent(u); },
    x: function (u) { return "https://x.com/intent/post?url=" + encodeURIComponent(u); },
    facebook: function (u) { return "https://www.facebook.com/sharer/sharer.php?u=" + encodeURIComponent(u); },
    email: function (u) { return "mailto:?body=" + encodeURIComponent(u); },
  };

  app.querySelectorAll("[data-share]").forEach(function (button) {
    button.addEventListener("click", function () {
      var channel = button.dataset.share;
      // A window opened in the tap itself, so that no popup blocker stops it.
      var win = intents[channel] && channel !== "email" ? window.open("", "_blank") : null;
      var status = app.querySelector("[data-share-status]");
      api("POST", "/api/results/" + result.id + "/shares/", { channel: channel }).then(function (reply) {
        var url = reply.status === 201 ? reply.data.share_url : result.share_url;
        post("share", { channel: channel });
        if (channel === "copy") {
          var done = function () { status.textContent = strings.copied + " " + url; tellHeight(); };
          if (navigator.clipboard) navigator.clipboard.writeText(url).then(done, done); else done();
        } else if (channel === "native") {
          navigator.share({ url: url, title: quiz.title }).catch(function () {});
        } else if (channel === "email") {
          window.open(intents.email(url), "_blank");
        } else if (win) {
          win.opener = null;
          win.location = intents[channel](url);
        }
      }).catch(function () {
        if (win) win.close();
        status.textContent = strings.offline;
      });
    });
  });

  // --- lead --------------------------------------------------------------------------------

  var leadSaved = false;
  var leadForm = app.querySelector("[data-lead-form]");
  if (leadForm) {
    leadForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = { consent: leadForm.querySelector("[name=consent]").checked };
      (lead.fields || []).forEach(function (name) {
        var value = leadForm.querySelector('[name="' + name + '"]').value.trim();
        if (value) body[name] = value;
      });
      leadForm.querySelectorAll("[data-error-for]").forEach(function (node) { node.textContent = ""; });
      api("POST", "/api/results/" + result.id + "/lead/", body).then(function (reply) {
        if (reply.status !== 201) {
          var errors = reply.data.errors || {};
          Object.keys(errors).forEach(function (key) {
            var node = leadForm.querySelector('[data-error-for="' + key + '"]');
            if (node) node.textContent = errors[key].join(" ");
          });
          tellHeight();
          return;
        }
        leadSaved = true;
        post("lead", {});
        leadForm.hidden = true;
        app.querySelector("[data-lead-saved]").hidden = false;
        if (result.locked) {
          api("GET", "/api/results/" + result.id + "/").then(function (again) {
            result = again.data;
            drawResult();
          });
        } else {
          tellHeight();
        }
      });
    });
    var skip = leadForm.querySelector("[data-skip]");
    if (skip) {
      skip.addEventListener("click", function () {
        app.querySelector('[data-screen="lead"]').hidden = true;
        if (result && result.locked) drawResult();
        tellHeight();
      });
    }
  }

  // Without a friend's result to show first, the intro; with one, the friend's landing.
  tellHeight();
})();
