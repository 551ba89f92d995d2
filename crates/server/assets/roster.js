// Roster's own page script. The pages work without it; it adds the live logout
// (server-sent events), copy buttons, and confirmation dialogs.
"use strict";

(() => {
  if (document.body.dataset.live === "on" && "EventSource" in window) {
    const events = new EventSource("/api/v1/events");
    events.addEventListener("session_revoked", (event) => {
      let data = {};
      try {
        data = JSON.parse(event.data);
      } catch (_) {
        // An unreadable event still means the session is gone.
      }
      const query = new URLSearchParams({ reason: data.reason || "session_revoked" });
      if (data.org) {
        query.set("org", data.org);
      }
      events.close();
      window.location.assign("/login?" + query.toString());
    });
    events.addEventListener("membership_changed", () => window.location.reload());
  }

  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.addEventListener("click", async () => {
      const field = document.getElementById(button.dataset.copy);
      try {
        await navigator.clipboard.writeText(field.value);
      } catch (_) {
        field.select();
        document.execCommand("copy");
      }
      button.textContent = "Copied";
    });
  }

  const dialog = document.getElementById("confirm-dialog");
  if (dialog) {
    const message = dialog.querySelector("[data-message]");
    const confirm = dialog.querySelector("button[value=confirm]");
    let pending = null;
    for (const form of document.querySelectorAll("form[data-confirm]")) {
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        pending = form;
        message.textContent = form.dataset.confirm;
        confirm.textContent = form.dataset.confirmLabel;
        dialog.showModal();
      });
    }
    dialog.addEventListener("close", () => {
      if (dialog.returnValue === "confirm" && pending) {
        const yes = document.createElement("input");
        yes.type = "hidden";
        yes.name = "confirm";
        yes.value = "yes";
        pending.appendChild(yes);
        pending.submit();
      }
      pending = null;
    });
  }
})();
