// The declaration form: rows added and removed in place, and the draft saved a moment after each change.
// Without this script the form still works: its buttons post it, and the server adds or removes the row.
"use strict";
(() => {
  const DELAY_MS = 2000;

  // The element id the server gives a content path: real_estate[0].value_mnt -> f-real_estate-0-value_mnt.
  const idFor = (path) => "f-" + path.replace(/\[([^\]]*)\]/g, "-$1").replace(/\./g, "-");

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("declaration-form");
    if (!form) {
      return;
    }
    const status = document.getElementById("autosave-status");
    const topErrors = document.getElementById("autosave-errors");
    let timer = null;
    let saving = false;
    let dirty = false;

    const say = (text) => {
      status.textContent = text;
    };
    const csrfToken = () => {
      const input = form.querySelector("input[name=csrfmiddlewaretoken]");
      return input ? input.value : "";
    };

    // --- errors beside the fields -------------------------------------------------------------------
    const clearErrors = () => {
      for (const list of form.querySelectorAll("[data-field-errors]")) {
        const control = list.parentElement.querySelector("input, select, textarea");
        if (control) {
          control.removeAttribute("aria-invalid");
          const rest = (control.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== list.id);
          if (rest.length) {
            control.setAttribute("aria-describedby", rest.join(" "));
          } else {
            control.removeAttribute("aria-describedby");
          }
          control.parentElement.classList.remove("has-errors");
        }
        list.remove();
      }
      topErrors.replaceChildren();
      topErrors.hidden = true;
      const summary = document.getElementById("error-summary");
      if (summary) {
        summary.remove();
      }
    };

    const errorList = (id, messages) => {
      const list = document.createElement("ul");
      list.className = "errorlist";
      list.id = id;
      list.dataset.fieldErrors = "";
      for (const message of messages) {
        const item = document.createElement("li");
        item.textContent = message;
        list.append(item);
      }
      return list;
    };

    const markField = (control, messages) => {
      const list = errorList(control.id + "-errors", messages);
      control.after(list);
      control.setAttribute("aria-invalid", "true");
      const described = (control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      control.setAttribute("aria-describedby", [list.id, ...described].join(" "));
      control.parentElement.classList.add("has-errors");
    };

    const showErrors = (errors) => {
      clearErrors();
      for (const [path, messages] of Object.entries(errors)) {
        const control = path ? form.elements.namedItem(path) : null;
        if (control && control.id) {
          markField(control, messages);
          continue;
        }
        const place = path ? document.getElementById(idFor(path)) : null;
        const heading = place ? place.querySelector(":scope > legend, :scope > h2, :scope > h3") : null;
        if (heading) {
          const list = errorList(place.id + "-errors", messages);
          heading.after(list);
          continue;
        }
        for (const message of messages) {
          const item = document.createElement("li");
          item.textContent = message;
          topErrors.append(item);
        }
        topErrors.hidden = false;
      }
    };

    // --- saving ---------------------------------------------------------------------------------------
    const save = async (keepalive) => {
      if (saving) {
        schedule();
        return;
      }
      // A number or date box the browser cannot read would be sent empty: say so instead of saving.
      const unreadable = [...form.querySelectorAll("input")].filter((input) => input.validity && input.validity.badInput);
      if (unreadable.length) {
        clearErrors();
        for (const input of unreadable) {
          markField(input, [form.dataset.msgBadInput]);
        }
        say(form.dataset.msgInvalid);
        return;
      }
      dirty = false;
      saving = true;
      say(form.dataset.msgSaving);
      try {
        const response = await fetch(form.dataset.autosaveUrl, {
          method: "POST",
          body: new FormData(form),
          headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
          credentials: "same-origin",
          keepalive: keepalive === true,
        });
        let answer = null;
        try {
          answer = await response.json();
        } catch (error) {
          answer = null;
        }
        if (answer && answer.saved) {
          clearErrors();
          say(answer.message);
        } else if (answer && answer.errors) {
          showErrors(answer.errors);
          say(answer.message);
        } else {
          dirty = true;
          say(form.dataset.msgFailed);
        }
      } catch (error) {
        dirty = true;
        say(form.dataset.msgFailed);
      } finally {
        saving = false;
      }
    };

    const schedule = () => {
      dirty = true;
      window.clearTimeout(timer);
      timer = window.setTimeout(save, DELAY_MS);
    };

    // --- rows -----------------------------------------------------------------------------------------
    const renumber = (rows) => {
      let number = 0;
      for (const row of rows.children) {
        if (!row.matches("[data-row]")) {
          continue;
        }
        number += 1;
        const legend = row.querySelector(":scope > legend");
        if (legend) {
          legend.textContent = form.dataset.rowLabel.replace("{n}", String(number));
        }
      }
      const note = rows.parentElement.querySelector(":scope > [data-empty-note]");
      if (note) {
        note.hidden = number > 0;
      }
    };

    const addRow = (button) => {
      const section = button.closest("[data-list-section]");
      const rows = section.querySelector(":scope > [data-rows]");
      const template = section.querySelector(":scope > template[data-row-template]");
      const index = Number(section.dataset.nextIndex || rows.children.length);
      section.dataset.nextIndex = String(index + 1);
      rows.insertAdjacentHTML("beforeend", template.innerHTML.split(section.dataset.token).join(String(index)));
      renumber(rows);
      const first = rows.lastElementChild.querySelector("input, select, textarea");
      if (first) {
        first.focus();
      }
    };

    const removeRow = (button) => {
      const row = button.closest("[data-row]");
      const rows = row.parentElement;
      const add = rows.parentElement.querySelector(":scope > p > [data-add-row]");
      row.remove();
      renumber(rows);
      if (add) {
        add.focus();
      }
      schedule();
    };

    form.addEventListener("click", (event) => {
      const button = event.target.closest("button");
      if (!button || !form.contains(button)) {
        return;
      }
      if (button.hasAttribute("data-add-row")) {
        event.preventDefault();
        addRow(button);
      } else if (button.hasAttribute("data-remove-row")) {
        event.preventDefault();
        removeRow(button);
      }
    });
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    // A normal submission saves everything itself.
    form.addEventListener("submit", () => window.clearTimeout(timer));
    // Leaving the page with a change not yet saved: send it now.
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden" && dirty && !saving) {
        window.clearTimeout(timer);
        save(true);
      }
    });
  });
})();
