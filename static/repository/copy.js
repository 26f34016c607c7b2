/* Copy buttons: <button data-copy-target="<id>" data-copy-status="<id>" hidden>.
   The buttons stay hidden without JavaScript; the download links work regardless.
   Without the Clipboard API (plain http), the text is selected for Ctrl+C instead. */
(function () {
  "use strict";

  function announce(button, message) {
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (status) {
      status.textContent = message;
    }
  }

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copy(button, target) {
    var text = target.textContent.trim();
    var label = button.textContent;
    function done() {
      button.textContent = "Copied";
      announce(button, label.replace(/^Copy /, "") + " copied to the clipboard.");
      window.setTimeout(function () { button.textContent = label; }, 2000);
    }
    function fallback() {
      selectText(target);
      announce(button, "Text selected: press Ctrl+C (⌘C on a Mac) to copy it.");
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }

  function init() {
    var buttons = document.querySelectorAll("button[data-copy-target]");
    Array.prototype.forEach.call(buttons, function (button) {
      var target = document.getElementById(button.getAttribute("data-copy-target"));
      if (!target) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () { copy(button, target); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
