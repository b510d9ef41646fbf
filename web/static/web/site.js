// Behaviour shared by every page. No inline scripts: the pages work without JavaScript, this only helps.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // The language list submits its form when a language is chosen (the button is there for no-script use).
  for (const select of document.querySelectorAll("select[data-submit-on-change]")) {
    select.addEventListener("change", () => select.form.submit());
  }
});
