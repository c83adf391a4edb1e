/* The inquiry form: show only the fields that apply to the chosen kind.
 *
 * Without this script every field is shown, and each one's help text says
 * when it is needed; the server checks the same rules either way. A hidden
 * field is also disabled, so that a value typed before changing one's mind
 * about the kind is not sent.
 */
(function () {
  "use strict";

  var form = document.getElementById("inquiry-form");
  if (!form) {
    return;
  }
  var radios = form.querySelectorAll('input[name="kind"]');
  var conditional = form.querySelectorAll("[data-kinds]");

  function chosenKind() {
    for (var i = 0; i < radios.length; i++) {
      if (radios[i].checked) {
        return radios[i].value;
      }
    }
    return "";
  }

  function update() {
    var kind = chosenKind();
    for (var i = 0; i < conditional.length; i++) {
      var wrapper = conditional[i];
      var applies = kind !== "" && wrapper.getAttribute("data-kinds").split(" ").indexOf(kind) !== -1;
      wrapper.hidden = !applies;
      var inputs = wrapper.querySelectorAll("input, select, textarea");
      for (var j = 0; j < inputs.length; j++) {
        inputs[j].disabled = !applies;
      }
    }
  }

  for (var i = 0; i < radios.length; i++) {
    radios[i].addEventListener("change", update);
  }
  update();

  // After a failed submission, take keyboard and screen-reader users
  // straight to the list of what needs correcting.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
