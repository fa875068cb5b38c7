// prepplan works without JavaScript; this file only improves it.
// 1. On a shared device, warn before an idle page deletes the family's answers.
// 2. Move focus to the error summary so screen readers hear what to fix.
// 3. When the server is too busy to make a PDF (503, Retry-After), try again by itself.
//    In helper mode, print buttons print the PDF from memory instead of downloading it.
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

  // A download button marked data-busy-retry, or a print button marked data-print (helper mode),
  // is fetched instead of followed: a PDF is saved as usual, or printed (printPdf); a busy answer
  // shows the notice and asks again after Retry-After seconds; anything else (a form error, say)
  // is submitted the ordinary way, in this tab, so the family sees that page.
  function retryBusyDownloads() {
    var maxAttempts = 12;
    document.addEventListener("submit", function (event) {
      var button = event.submitter;
      var form = event.target;
      if (!button || form.dataset.plainSubmit) { return; }
      var printing = button.hasAttribute("data-print");
      if (!printing && !button.hasAttribute("data-busy-retry")) { return; }
      event.preventDefault();
      var notice = document.getElementById("busy-notice");
      var method = (form.getAttribute("method") || "get").toUpperCase();
      var action = button.getAttribute("formaction") || form.getAttribute("action");
      var fields = new URLSearchParams(new FormData(form));
      // What the browser itself would send: the pressed button's name and value (print=...).
      if (button.name) { fields.append(button.name, button.value); }
      var url = method === "GET" ? action + "?" + fields.toString() : action;
      var options = { method: method, credentials: "same-origin" };
      if (method !== "GET") { options.body = fields; }
      button.disabled = true;

      function submitPlainly() {
        button.disabled = false;
        form.dataset.plainSubmit = "1";
        // A print button opens a new tab without JavaScript; an error page belongs in this one.
        var target = button.getAttribute("formtarget");
        if (target) { button.setAttribute("formtarget", "_self"); }
        form.requestSubmit(button);
        if (target) { button.setAttribute("formtarget", target); }
        delete form.dataset.plainSubmit;
      }

      function attempt(number) {
        fetch(url, options).then(function (response) {
          var disposition = response.headers.get("Content-Disposition") || "";
          if (response.status === 503 && number < maxAttempts) {
            if (notice) { notice.hidden = false; }
            var seconds = parseInt(response.headers.get("Retry-After"), 10) || 5;
            setTimeout(function () { attempt(number + 1); }, Math.min(seconds, 30) * 1000);
          } else if (response.ok && /^(attachment|inline)\b/.test(disposition)) {
            var name = (disposition.match(/filename="([^"]+)"/) || [])[1] || "download.pdf";
            return response.blob().then(function (blob) {
              if (printing) { printPdf(blob, name); } else { saveBlob(blob, name); }
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
    window.addEventListener("pagehide", forgetPrinted);
  }

  function saveBlob(blob, name) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
  }

  // Helper mode prints on a shared computer: the PDF goes from memory (a blob: URL) into a
  // hidden frame and the browser's print dialog, never into the downloads folder. The frame and
  // its blob go as soon as the family is back on the page, at the next print, or on leaving.
  var printed = null;

  function forgetPrinted() {
    if (!printed) { return; }
    printed.frame.remove();
    URL.revokeObjectURL(printed.url);
    printed = null;
    ["pointerdown", "keydown"].forEach(function (name) {
      document.removeEventListener(name, forgetPrinted, true);
    });
    window.removeEventListener("focus", forgetPrinted);
  }

  function printPdf(blob, name) {
    forgetPrinted();
    // No PDF viewer, or printing refused: the ordinary download, and the page says so.
    function download() {
      forgetPrinted();
      saveBlob(blob, name);
      var notice = document.getElementById("print-notice");
      if (notice) { notice.hidden = false; }
    }
    if (navigator.pdfViewerEnabled === false) { download(); return; }
    var frame = document.createElement("iframe");
    var url = URL.createObjectURL(blob);
    // Not display: none, which keeps a PDF viewer from loading (see prepplan.css).
    frame.className = "print-frame";
    frame.setAttribute("aria-hidden", "true");
    frame.tabIndex = -1;
    frame.addEventListener("load", function () {
      // Focus stays on the page (not the frame), so the family's next key or tap there is seen.
      try {
        frame.contentWindow.print();
      } catch (error) {
        download();
        return;
      }
      ["pointerdown", "keydown"].forEach(function (name) {
        document.addEventListener(name, forgetPrinted, true);
      });
      window.addEventListener("focus", forgetPrinted);
    }, { once: true });
    frame.src = url;
    document.body.appendChild(frame);
    printed = { frame: frame, url: url };
  }
}());
