// The webhook page's Copy button for the secret shown once (the field stays selectable
// without JavaScript).
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var input = document.querySelector(button.dataset.copy);
    if (!input || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        var label = button.textContent;
        button.textContent = button.dataset.done || "Copied";
        window.setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });
})();
