// Share links (CSP: script-src 'self', so no inline code; pages work without this file).
// 1. A friend's landing page: show the friend's own minted link in the address bar, so a
//    link copied from there is attributed to them.
// 2. The share bar: each button makes (or reuses) its channel's link with
//    POST /api/results/<id>/shares/ and then opens the channel with that link filled in.
(function () {
  "use strict";
  if (window.qbShareLoaded) return; // the share bar includes this file; load it once
  window.qbShareLoaded = true;

  var landing = document.querySelector("[data-own-url]");
  if (landing && window.history && history.replaceState) {
    history.replaceState(history.state, "", landing.getAttribute("data-own-url"));
  }

  var bar = document.querySelector("[data-share-bar]");
  if (!bar) return;
  var api = bar.getAttribute("data-api");
  var text = bar.getAttribute("data-text") || "";
  var fallbackUrl = bar.getAttribute("data-url");
  var links = {};
  var imageFile = null;

  function shareUrl(channel) {
    if (links[channel]) return Promise.resolve(links[channel]);
    return fetch(api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ channel: channel })
    }).then(function (r) {
      if (!r.ok) throw new Error("share " + r.status);
      return r.json();
    }).then(function (body) {
      links[channel] = body.share_url;
      return body.share_url;
    }).catch(function () {
      return fallbackUrl; // still a working link; its clicks count under "link"
    });
  }

  function fill(template, url) {
    return template.split("{url}").join(encodeURIComponent(url))
      .split("{text}").join(encodeURIComponent(text));
  }

  // The copy box shows the link that Copy copies: Copy takes the box's own value, at once
  // (within the tap, as Safari requires), and only then counts the copy as a share.
  var box = bar.querySelector("[data-share-link]");

  function copied() {
    var note = bar.querySelector("[data-copied]");
    if (note) note.hidden = false;
  }

  function legacyCopy() {
    box.select();
    try { document.execCommand("copy"); } catch (e) { /* the link is selected to copy */ }
    copied();
  }

  function copy() {
    if (!box) return;
    var url = box.value;
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(copied, legacyCopy);
    } else {
      legacyCopy();
    }
    shareUrl("copy"); // the box holds the copy link: this counts it as shared
  }

  // The card image as a file for the share sheet, fetched ahead: share() must run while the
  // tap still counts as a user gesture. data-image is the square card (it carries the QR
  // code) once drawn, else the link-preview card.
  var native = bar.querySelector('[data-channel="native"]');
  function loadImageFile(image) {
    if (!image || !native || !navigator.share || !navigator.canShare || !window.File) return;
    fetch(image, { credentials: "same-origin" }).then(function (r) {
      return r.ok ? r.blob() : null;
    }).then(function (blob) {
      if (!blob) return;
      var ext = (blob.type.split("/")[1] || "png").replace("jpeg", "jpg");
      var file = new File([blob], "result." + ext, { type: blob.type });
      if (navigator.canShare({ files: [file] })) imageFile = file;
    }).catch(function () { /* no file: the link alone is shared */ });
  }
  if (native && navigator.share) {
    native.hidden = false;
    loadImageFile(bar.getAttribute("data-image"));
  }

  // "Save image": hidden while the cards are drawn; when the result page swaps its picture
  // in (result.js), read the result again for the square card, which the worker draws just
  // after the picture (a few tries, further apart each time).
  var saves = Array.prototype.slice.call(bar.querySelectorAll("[data-save-image], [data-save-square]"));
  var save = bar.querySelector("[data-save-image]");
  var picture = document.querySelector("div.result-image[data-image]");
  function readSquare(tries, wait) {
    fetch(bar.getAttribute("data-result-api"), {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (body) {
      var square = body && body.image && body.image.square;
      if (!square || !square.url) {
        if (body && tries > 1) setTimeout(function () { readSquare(tries - 1, wait * 2); }, wait);
        return;
      }
      saves.forEach(function (link) { link.href = square.url; link.hidden = false; });
      bar.setAttribute("data-image", square.url);
      loadImageFile(square.url);
    }).catch(function () { /* no square card: nothing to save */ });
  }
  if (save && save.hidden && picture && picture.querySelector("img")) {
    // The picture came with the page (its card was ready), the square not yet: ask now.
    readSquare(6, 500);
  } else if (save && save.hidden && picture && window.MutationObserver) {
    var observer = new MutationObserver(function () {
      if (!picture.querySelector("img")) return;
      observer.disconnect();
      readSquare(6, 500);
    });
    observer.observe(picture, { childList: true, subtree: true });
  }

  // WeChat on a phone: the two ways that work there instead of a code to scan (CSS does it
  // by the pointer; this catches phones that report a fine pointer, and WeChat's browser).
  if (/Android|iPhone|iPad|iPod|Mobile|MicroMessenger/i.test(navigator.userAgent)) {
    bar.classList.add("on-phone");
  }

  // The WeChat QR panel sits below its row (CSS :has() shows it; this class for the rest).
  var wechat = bar.querySelector("details.wechat");
  if (wechat) {
    wechat.addEventListener("toggle", function () {
      bar.classList.toggle("qr-open", wechat.open);
    });
  }
  var copyButton = bar.querySelector('button[data-channel="copy"]');
  if (copyButton) copyButton.hidden = false;

  bar.querySelectorAll("[data-copy-link]").forEach(function (button) {
    button.addEventListener("click", copy);
  });

  bar.addEventListener("click", function (event) {
    var el = event.target.closest("[data-channel]");
    if (!el || !bar.contains(el)) return;
    var channel = el.getAttribute("data-channel");
    if (channel === "wechat") {
      // <details> opens itself; point its QR code at the WeChat link.
      shareUrl("wechat").then(function (url) {
        var code = url.replace(/\/$/, "").split("/").pop();
        var img = bar.querySelector("[data-qr]");
        if (img && code) img.src = "/s/" + encodeURIComponent(code) + "/qr.svg";
      });
      return;
    }
    event.preventDefault();
    if (channel === "native") {
      shareUrl("native").then(function (url) {
        var data = { title: document.title, text: text, url: url };
        if (imageFile) data.files = [imageFile];
        return navigator.share(data).catch(function (err) {
          if (data.files && err && err.name !== "AbortError") {
            delete data.files;
            return navigator.share(data);
          }
        });
      }).catch(function () { /* the visitor closed the sheet */ });
      return;
    }
    if (channel === "copy") {
      copy();
      return;
    }
    var template = el.getAttribute("data-template");
    var isMail = template.indexOf("mailto:") === 0;
    // Open the window within the tap (popup blockers), then send it to the channel.
    var win = isMail ? null : window.open("about:blank", "_blank");
    if (win) win.opener = null;
    shareUrl(channel).then(function (url) {
      var target = fill(template, url);
      if (win) win.location.href = target;
      else window.location.href = target;
    });
  });
})();
