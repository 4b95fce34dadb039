/* Quizbuilder's embed: <script src="https://<host>/embed.js" data-quiz="<slug>" async></script>
 *
 * Puts the quiz's iframe (/q/<slug>/embed/) in place of the script tag and keeps its height
 * equal to its content's, so the quiz has no scroll bar of its own. With data-mode="popup" it
 * puts a button there instead, which opens the quiz over the page.
 *
 * A friend who opened a shared result lands here with ?qb=<code>: the iframe shows that result
 * first. The quiz's messages ({source: "quizbuilder", type, quiz, ...}: resize, start, answer,
 * complete, share, cta, lead) are checked to come from the quiz's iframe and re-sent on the
 * script's place as a DOM event "quizbuilder" (event.detail: the message), bubbling, so a page
 * may listen with document.addEventListener("quizbuilder", ...) as well as to "message".
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.dataset.quiz) return;
  var base = new URL(script.src, window.location.href).origin;
  var slug = script.dataset.quiz;
  var code = new URLSearchParams(window.location.search).get("qb");

  function frameSrc() {
    var params = new URLSearchParams({ origin: window.location.origin });
    if (code) params.set("qb", code);
    return base + "/q/" + encodeURIComponent(slug) + "/embed/?" + params.toString();
  }

  function makeFrame() {
    var frame = document.createElement("iframe");
    frame.src = frameSrc();
    frame.title = script.dataset.title || "Quiz";
    frame.setAttribute("scrolling", "no");
    frame.setAttribute("allow", "clipboard-write; web-share");
    frame.style.width = "100%";
    frame.style.border = "0";
    frame.style.display = "block";
    frame.style.overflow = "hidden";
    frame.style.height = "420px";
    return frame;
  }

  var frame = null;
  var place = document.createElement("div");
  place.className = "quizbuilder-embed";
  place.dataset.quiz = slug;
  script.parentNode.insertBefore(place, script);

  function listen(target) {
    window.addEventListener("message", function (event) {
      var data = event.data;
      if (event.origin !== base || !target || event.source !== target.contentWindow) return;
      if (!data || data.source !== "quizbuilder") return;
      if (data.type === "resize" && typeof data.height === "number") {
        target.style.height = Math.max(120, Math.ceil(data.height)) + "px";
      }
      place.dispatchEvent(new CustomEvent("quizbuilder", { detail: data, bubbles: true }));
    });
  }

  if (script.dataset.mode === "popup") {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = script.dataset.label || "Take the quiz";
    button.className = "quizbuilder-open";
    place.appendChild(button);
    var overlay = document.createElement("div");
    overlay.setAttribute("role", "dialog");
    overlay.setAttribute("aria-modal", "true");
    overlay.hidden = true;
    var s = overlay.style;
    s.position = "fixed"; s.inset = "0"; s.zIndex = "2147483000"; s.overflowY = "auto";
    s.background = "rgba(17, 24, 39, .6)"; s.padding = "4vh 12px";
    var box = document.createElement("div");
    box.style.maxWidth = "640px"; box.style.margin = "0 auto"; box.style.background = "#fff";
    box.style.borderRadius = "12px"; box.style.overflow = "hidden";
    var close = document.createElement("button");
    close.type = "button"; close.textContent = "×"; close.setAttribute("aria-label", "Close");
    close.style.float = "right"; close.style.fontSize = "1.5rem"; close.style.border = "0";
    close.style.background = "transparent"; close.style.cursor = "pointer";
    box.appendChild(close);
    overlay.appendChild(box);
    document.body.appendChild(overlay);
    var open = function () {
      if (!frame) { frame = makeFrame(); box.appendChild(frame); listen(frame); }
      overlay.hidden = false;
      close.focus();
    };
    button.addEventListener("click", open);
    close.addEventListener("click", function () { overlay.hidden = true; button.focus(); });
    document.addEventListener("keydown", function (e) { if (e.key === "Escape") overlay.hidden = true; });
    if (code) open();  // a friend's link: show their friend's result at once
  } else {
    frame = makeFrame();
    place.appendChild(frame);
    listen(frame);
  }
})();
