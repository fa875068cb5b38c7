// Helper mode only (helper_mode.py): one laptop, family after family.
// 1. A page from before the last "Finish and clear" (Back button, back-forward cache) hides
//    itself at once and goes to the language chooser, replacing its own history entry.
// 2. The "ready" page replaces itself with the language chooser.
(function () {
  "use strict";
  function currentEpoch() {
    var match = document.cookie.match(/(?:^|;\s*)pp_helper=([A-Za-z0-9_-]+)/);
    return match ? match[1] : "";
  }
  function leave(url) {
    document.documentElement.style.visibility = "hidden";
    window.location.replace(url);
  }
  function check() {
    var body = document.body;
    if (!body) { return; }
    var chooser = body.getAttribute("data-chooser-url") || "/";
    var epoch = body.getAttribute("data-helper-epoch");
    if (epoch && epoch !== currentEpoch()) { leave(chooser); return; }
    var ready = document.getElementById("helper-ready");
    if (ready) { leave(ready.getAttribute("data-replace-with") || chooser); }
  }
  window.addEventListener("pageshow", check);
  document.addEventListener("DOMContentLoaded", check);
}());
