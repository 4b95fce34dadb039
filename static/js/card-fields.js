/* The result image's fields (quizzes/editor/_card_fields.html): a ready palette sets the
   three colours at once (firing `input` and `change` so the studio saves as if typed), and
   the contrast warning follows every colour picked (WCAG contrast of the text against the
   background and against the colour it fades to, below 4.5:1). No inline script: CSP. */
(function () {
  "use strict";
  if (window.qbCardFields) return;
  window.qbCardFields = true;
  var HEX = /^#[0-9a-fA-F]{6}$/;
  var DEFAULTS = { background: "#4338ca", gradient_to: "#4338ca", text_color: "#ffffff" };

  function luminance(hex) {
    var rgb = [1, 3, 5].map(function (i) {
      var c = parseInt(hex.substr(i, 2), 16) / 255;
      return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
  }
  function contrast(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }
  function field(box, name) {
    return box.querySelector('[name="' + box.dataset.prefix + name + '"]');
  }
  function color(box, name) {
    var input = field(box, name);
    return input && HEX.test(input.value) ? input.value : DEFAULTS[name];
  }
  // Math.floor, not rounding: 4.46 must not read "4.5:1" in a warning that it is too low.
  function check(box) {
    var warning = box.querySelector("[data-contrast-warning]");
    if (!warning) return;
    var text = color(box, "text_color");
    var ratio = Math.min(contrast(text, color(box, "background")),
                         contrast(text, color(box, "gradient_to")));
    warning.textContent = ratio >= 4.5 ? "" :
      warning.dataset.message.replace("%s", (Math.floor(ratio * 10) / 10).toFixed(1));
  }

  document.addEventListener("input", function (e) {
    var box = e.target.closest && e.target.closest("[data-card-fields]");
    if (box && e.target.type === "color") check(box);
  });
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-palette]");
    var box = button && button.closest("[data-card-fields]");
    if (!box) return;
    [["background", button.dataset.background], ["gradient_to", button.dataset.gradientTo],
     ["text_color", button.dataset.textColor]].forEach(function (pair) {
      var input = field(box, pair[0]);
      if (!input) return;
      input.value = pair[1];
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    check(box);
  });
})();
