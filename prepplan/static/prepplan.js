// prepplan works without JavaScript; this file only improves it.
// 1. On a shared device, warn before an idle page deletes the family's answers.
// 2. Move focus to the error summary so screen readers hear what to fix.
(function () {
  "use strict";
  var body = document.body;
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }

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
}());
