// Progressive enhancement only: every page works without this file (no inline scripts: CSP).
(function () {
  "use strict";

  // Copy buttons: <button class="copy" data-copy="text"> copies its text to the clipboard.
  // They are hidden until this script shows them, since they do nothing without it.
  function initCopy() {
    document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var text = button.getAttribute("data-copy");
        var done = function () {
          var status = button.parentElement.querySelector(".copy-status");
          if (status) {
            status.textContent = button.getAttribute("data-copied") || "";
          }
        };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(text).then(done, function () {});
        }
      });
    });
  }

  // A form's error summary takes the focus, so screen readers and keyboards start there.
  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
  }

  // Folded on a phone: „Mokėjimo rekvizitai" and the QR code (of little use on the phone that
  // shows it) are open without this script, closed here on a narrow screen until tapped.
  function foldOnPhone() {
    if (window.matchMedia && window.matchMedia("(max-width: 40rem)").matches) {
      document.querySelectorAll("details[data-fold-on-phone]").forEach(function (details) {
        details.open = false;
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    foldOnPhone();
    initCopy();
    focusErrorSummary();
  });
})();
