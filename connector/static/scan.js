// The scanner page: the scanner types into the code field, so the field keeps the
// focus when the step is changed, and after each scan the page comes back focused.
(function () {
  "use strict";
  var field = document.getElementById("scan-code");
  if (!field) {
    return;
  }
  document.querySelectorAll("#scan-form input[name=step]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      field.focus();
    });
  });
  field.focus();
})();
