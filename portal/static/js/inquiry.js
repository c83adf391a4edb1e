/* The inquiry form: show only the fields that apply to the chosen kind,
 * and mark as required those that the kind requires.
 *
 * Without this script every field is shown, and each one's label or help
 * text says when it is needed; the server checks the same rules either way.
 * A hidden field is also disabled, so that a value typed before changing
 * one's mind about the kind is not sent. A field with data-required-kinds
 * becomes required (the attribute, aria-required and the visible *) for
 * those kinds, and its "(required for ...)" note gives way to the *.
 */
(function () {
  "use strict";

  var form = document.getElementById("inquiry-form");
  if (!form) {
    return;
  }
  var radios = form.querySelectorAll('input[name="kind"]');
  var conditional = form.querySelectorAll("[data-kinds]");
  var requiredWhen = form.querySelectorAll("[data-required-kinds]");

  function listed(element, attribute, kind) {
    return kind !== "" && element.getAttribute(attribute).split(" ").indexOf(kind) !== -1;
  }

  // The * that stands for the note once the kind makes the field required.
  function starFor(note) {
    var star = note.nextElementSibling;
    if (!star || star.className !== "required") {
      star = document.createElement("span");
      star.className = "required";
      star.setAttribute("aria-hidden", "true");
      star.textContent = "*";
      note.parentNode.insertBefore(star, note.nextSibling);
    }
    return star;
  }

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
      var applies = listed(wrapper, "data-kinds", kind);
      wrapper.hidden = !applies;
      var inputs = wrapper.querySelectorAll("input, select, textarea");
      for (var j = 0; j < inputs.length; j++) {
        inputs[j].disabled = !applies;
      }
    }
    for (var k = 0; k < requiredWhen.length; k++) {
      var field = requiredWhen[k];
      var required = listed(field, "data-required-kinds", kind);
      var input = field.querySelector("input, select, textarea");
      if (input) {
        input.required = required;
        input.setAttribute("aria-required", required ? "true" : "false");
      }
      var note = field.querySelector(".required-when");
      if (note) {
        note.hidden = required;
        starFor(note).hidden = !required;
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
