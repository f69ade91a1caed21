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

  // The request form: only the chosen topic's part (fieldset[data-topic]) is shown. Without this
  // script all parts show, each headed by when it applies.
  function topicParts() {
    var radios = document.querySelectorAll("input[name=topic]");
    var parts = document.querySelectorAll("fieldset[data-topic]");
    if (!radios.length || !parts.length) {
      return;
    }
    var show = function () {
      var chosen = document.querySelector("input[name=topic]:checked");
      parts.forEach(function (part) {
        var wanted = chosen && chosen.value === part.getAttribute("data-topic");
        // A part with an error stays visible whatever the topic, so nothing typed is hidden.
        part.hidden = !wanted && !part.querySelector(".errorlist");
      });
    };
    radios.forEach(function (radio) {
      radio.addEventListener("change", show);
    });
    show();
  }

  document.addEventListener("DOMContentLoaded", function () {
    foldOnPhone();
    topicParts();
    initCopy();
    focusErrorSummary();
  });
})();
