/* Result page: swap the placeholder for the result picture once it is drawn (polls the
 * result API), and copy the share link with one tap. */
(function () {
  "use strict";

  var placeholder = document.querySelector("[data-poll]");
  if (placeholder) {
    var tries = 0;
    var poll = function () {
      tries += 1;
      fetch(placeholder.dataset.poll, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          var image = body && body.image;
          if (image && image.status === "ready" && image.url) {
            var img = new Image(image.width, image.height);
            img.alt = document.querySelector("h1").textContent;
            img.onload = function () { placeholder.replaceWith(img); };
            img.src = image.url;
          } else if (image && image.status === "failed") {
            placeholder.classList.add("failed");
          } else if (tries < 40) {
            window.setTimeout(poll, Math.min(1000 + tries * 250, 4000));
          }
        })
        .catch(function () { if (tries < 40) window.setTimeout(poll, 4000); });
    };
    window.setTimeout(poll, 800);
  }

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
