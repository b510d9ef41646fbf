// The review page: "Add another remark" adds a blank remark row to the return form. Without JavaScript the
// form offers a few blank rows, which is enough; this only adds more.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("add-remark");
  const total = document.getElementById("id_remarks-TOTAL_FORMS");
  const maximum = document.getElementById("id_remarks-MAX_NUM_FORMS");
  if (!button || !total) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", () => {
    const rows = document.querySelectorAll("[data-remark]");
    const last = rows[rows.length - 1];
    const index = Number(total.value);
    if (!last || (maximum && index >= Number(maximum.value))) {
      return;
    }
    const row = last.cloneNode(true);
    const rename = (value) => value.replace(/^remarks-\d+-/, `remarks-${index}-`).replace(/^id_remarks-\d+-/, `id_remarks-${index}-`);
    for (const element of row.querySelectorAll("[name], [id], [for]")) {
      for (const attribute of ["name", "id", "for"]) {
        if (element.hasAttribute(attribute)) {
          element.setAttribute(attribute, rename(element.getAttribute(attribute)));
        }
      }
    }
    for (const field of row.querySelectorAll("select, textarea, input")) {
      field.value = "";
      field.removeAttribute("aria-invalid");
      field.removeAttribute("aria-describedby");
    }
    for (const errors of row.querySelectorAll(".errorlist")) {
      errors.remove();
    }
    const legend = row.querySelector("legend");
    if (legend) {
      legend.textContent = legend.textContent.replace(/\d+/, String(index + 1));
    }
    last.after(row);
    total.value = String(index + 1);
    row.querySelector("select")?.focus();
  });
});
