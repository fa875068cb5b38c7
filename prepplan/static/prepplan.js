// prepplan works without JavaScript; this file only improves it.
// 1. On a shared device, warn before an idle page deletes the family's answers.
// 2. Move focus to the error summary so screen readers hear what to fix.
(function () {
  "use strict";
  var body = document.body;
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }

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
      warning.hidden = false;
      document.getElementById("idle-continue").focus();
    }, warnAfter);
    clearTimer = setTimeout(function () { window.location.assign(clearedUrl); }, clearAfter);
  }
  document.getElementById("idle-continue").addEventListener("click", function () {
    warning.hidden = true;
    // Tell the server the family is still here, so the answers stay unlocked.
    fetch(window.location.pathname, { method: "GET", credentials: "same-origin" });
    restart();
  });
  ["keydown", "input", "pointerdown"].forEach(function (name) {
    document.addEventListener(name, function () { if (warning.hidden) { restart(); } }, true);
  });
  restart();
}());
