// Notices and tenders: show the fields that apply to the choice made (the conflict's details for a declared
// conflict, an official's or an external member's details for the kind of member). Without JavaScript every
// field shows, and the server says which ones a choice needs.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const groups = document.querySelectorAll("[data-show-when]");
  // "name=value" or "name!=value": the group shows while the form's field `name` has (or has not) `value`.
  const rule = (group) => {
    const match = /^([\w-]+)(!?=)(.*)$/.exec(group.dataset.showWhen);
    return match ? { name: match[1], negated: match[2] === "!=", value: match[3] } : null;
  };
  const currentValue = (form, name) => {
    const field = form.elements.namedItem(name);
    if (!field) return null;
    if (field instanceof RadioNodeList || field.type === "radio") {
      const inputs = field instanceof RadioNodeList ? Array.from(field) : [field];
      const checked = inputs.find((input) => input.checked);
      return checked ? checked.value : "";
    }
    return field.value;
  };
  const update = () => {
    for (const group of groups) {
      const condition = rule(group);
      const form = group.closest("form");
      if (!condition || !form) continue;
      const value = currentValue(form, condition.name);
      if (value === null) continue;
      group.hidden = condition.negated ? value === condition.value : value !== condition.value;
    }
  };
  for (const group of groups) {
    const form = group.closest("form");
    if (form && !form.dataset.showWhenBound) {
      form.dataset.showWhenBound = "1";
      form.addEventListener("change", update);
    }
  }
  update();
});
