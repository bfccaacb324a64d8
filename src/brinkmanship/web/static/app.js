// Small conveniences; every page works without this script.
(function () {
  "use strict";
  // A decision is sent once: the buttons are disabled after the first press, so a double
  // click cannot send it twice (the server refuses a second one anyway).
  document.querySelectorAll("form.decision, form.start, form.upload").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var pressed = event.submitter;
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
      if (pressed && pressed.name) {
        // A disabled button is not sent with the form: carry its value in a hidden field.
        var carry = document.createElement("input");
        carry.type = "hidden"; carry.name = pressed.name; carry.value = pressed.value;
        form.appendChild(carry);
      }
      setTimeout(function () {
        form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  });
  // On a turn page, typing an option's number ticks it (Enter then presses "Do this").
  var form = document.querySelector("form.decision");
  if (!form) { return; }
  var typed = "";
  var timer = null;
  document.addEventListener("keydown", function (event) {
    var t = event.target;
    if (t && (t.tagName === "INPUT" && t.type !== "checkbox" || t.tagName === "TEXTAREA" ||
              t.tagName === "SELECT")) { return; }
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (/^[0-9]$/.test(event.key)) {
      typed += event.key;
      clearTimeout(timer);
      timer = setTimeout(function () {
        var box = document.getElementById("opt-" + typed);
        if (box) { box.checked = !box.checked; box.focus(); }
        typed = "";
      }, 400);
    }
  });
})();
