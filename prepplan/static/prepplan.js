// prepplan works without JavaScript; this file only improves it.
// 1. On a shared device, warn before an idle page deletes the family's answers.
// 2. Move focus to the error summary so screen readers hear what to fix.
// 3. When the server is too busy to make a PDF (503, Retry-After), try again by itself.
// 4. Under a text box with a limit, count the characters as the family types.
(function () {
  "use strict";
  var body = document.body;
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }
  retryBusyDownloads();
  countCharacters();

  // An error summary link moves focus to the field itself (or the first box of a group of radio
  // buttons or checkboxes), not just scrolls to it, so the family can type the fix at once.
  document.querySelectorAll(".error-summary a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function () {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      var field = target.matches("input, select, textarea, button") ? target
        : target.querySelector("input, select, textarea, button");
      if (!field) { return; }
      // After the browser has followed the link (the address keeps the field's #id).
      setTimeout(function () {
        var fieldset = field.closest("fieldset");
        var legend = fieldset && fieldset.querySelector("legend");
        var label = document.querySelector("label[for='" + field.id + "']");
        (legend || label || field).scrollIntoView();
        field.focus({ preventScroll: true });
      }, 0);
    });
  });

  var idleMinutes = parseInt(body.getAttribute("data-idle-minutes"), 10);
  var clearedUrl = body.getAttribute("data-cleared-url");
  var warning = document.getElementById("idle-warning");
  if (!idleMinutes || !clearedUrl || !warning) { return; }
  var warnAfter = Math.max(idleMinutes - 2, 1) * 60 * 1000;
  var clearAfter = idleMinutes * 60 * 1000;
  var warnTimer, clearTimer;

  function restart() {
    clearTimeout(warnTimer);
    clearTimeout(clearTimer);
    warnTimer = setTimeout(function () {
      focusBeforeWarning = document.activeElement !== body ? document.activeElement : null;
      warning.hidden = false;
      document.getElementById("idle-continue").focus();
    }, warnAfter);
    clearTimer = setTimeout(function () { window.location.assign(clearedUrl); }, clearAfter);
  }
  var focusBeforeWarning = null;
  document.getElementById("idle-continue").addEventListener("click", function () {
    warning.hidden = true;
    // Back to where the family was: focus must not drop to the page body.
    var main = document.getElementById("main");
    (focusBeforeWarning && document.contains(focusBeforeWarning) ? focusBeforeWarning : main).focus();
    // Tell the server the family is still here, so the answers stay unlocked.
    fetch(window.location.pathname, { method: "GET", credentials: "same-origin" });
    restart();
  });
  ["keydown", "input", "pointerdown"].forEach(function (name) {
    document.addEventListener(name, function () { if (warning.hidden) { restart(); } }, true);
  });
  restart();

  // The hint "Up to 1000 characters" (macros.html) becomes "250 of 1000 characters" while typing.
  // Nothing is cut: text over the limit is kept, and the server says what to shorten.
  function countCharacters() {
    document.querySelectorAll(".char-limit[data-count-message]").forEach(function (hint) {
      var box = document.getElementById(hint.id.replace(/-limit$/, ""));
      var limit = parseInt(hint.getAttribute("data-limit"), 10);
      var message = hint.getAttribute("data-count-message");
      if (!box || !limit || !message) { return; }
      function update() {
        // Characters as the server counts them (code points), not UTF-16 units.
        var count = Array.from(box.value).length;
        if (!count) { return; }
        hint.textContent = message.replace("{count}", String(count));
        hint.classList.toggle("over-limit", count > limit);
      }
      box.addEventListener("input", update);
      update();
    });
  }

  // A download button marked data-busy-retry is fetched instead of followed: a PDF is saved as
  // usual; a busy answer shows the notice and asks again after Retry-After seconds; anything
  // else (a form error, say) is submitted the ordinary way so the family sees that page.
  function retryBusyDownloads() {
    var maxAttempts = 12;
    document.addEventListener("submit", function (event) {
      var button = event.submitter;
      var form = event.target;
      if (!button || !button.hasAttribute("data-busy-retry") || form.dataset.plainSubmit) {
        return;
      }
      event.preventDefault();
      var notice = document.getElementById("busy-notice");
      var method = (form.getAttribute("method") || "get").toUpperCase();
      var action = button.getAttribute("formaction") || form.getAttribute("action");
      var fields = new URLSearchParams(new FormData(form));
      var url = method === "GET" ? action + "?" + fields.toString() : action;
      var options = { method: method, credentials: "same-origin" };
      if (method !== "GET") { options.body = fields; }
      button.disabled = true;

      function submitPlainly() {
        button.disabled = false;
        form.dataset.plainSubmit = "1";
        form.requestSubmit(button);
        delete form.dataset.plainSubmit;
      }

      function attempt(number) {
        fetch(url, options).then(function (response) {
          var disposition = response.headers.get("Content-Disposition") || "";
          if (response.status === 503 && number < maxAttempts) {
            if (notice) { notice.hidden = false; }
            var seconds = parseInt(response.headers.get("Retry-After"), 10) || 5;
            setTimeout(function () { attempt(number + 1); }, Math.min(seconds, 30) * 1000);
          } else if (response.ok && disposition.indexOf("attachment") === 0) {
            var name = (disposition.match(/filename="([^"]+)"/) || [])[1] || "download.pdf";
            return response.blob().then(function (blob) {
              var link = document.createElement("a");
              link.href = URL.createObjectURL(blob);
              link.download = name;
              document.body.appendChild(link);
              link.click();
              link.remove();
              setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
              if (notice) { notice.hidden = true; }
              button.disabled = false;
            });
          } else {
            submitPlainly();
          }
        }).catch(submitPlainly);
      }
      attempt(1);
    });
  }
}());
