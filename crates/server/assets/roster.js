// Roster's own page script. The pages work without it; it adds the live logout
// (server-sent events), copy buttons, and confirmation dialogs.
"use strict";

(() => {
  // Only visible tabs hold a stream: browsers allow six connections per host over
  // HTTP/1.1, and a stream per hidden tab would use them up. A tab that becomes
  // visible again first checks that its session still works.
  let submitting = false;
  window.addEventListener("submit", () => {
    submitting = true;
  });

  const toLogin = (reason, org) => {
    const query = new URLSearchParams({ reason });
    if (org) {
      query.set("org", org);
    }
    window.location.assign("/login?" + query.toString());
  };

  let events = null;
  const listen = () => {
    if (events || document.visibilityState !== "visible") {
      return;
    }
    events = new EventSource("/api/v1/events");
    events.addEventListener("session_revoked", (event) => {
      let data = {};
      try {
        data = JSON.parse(event.data);
      } catch (_) {
        // An unreadable event still means the session is gone.
      }
      events.close();
      toLogin(data.reason || "session_revoked", data.org);
    });
    // Role or status changed: home knows where the person belongs now. Not while a
    // form is on its way: its answer decides where to go.
    events.addEventListener("membership_changed", () => {
      if (!submitting) {
        window.location.assign("/");
      }
    });
  };
  const pause = () => {
    if (events) {
      events.close();
      events = null;
    }
  };

  if (document.body.dataset.live === "on" && "EventSource" in window) {
    listen();
    document.addEventListener("visibilitychange", async () => {
      if (document.visibilityState !== "visible") {
        pause();
        return;
      }
      const me = await fetch("/api/v1/me", { credentials: "same-origin" }).catch(() => null);
      if (me && me.status === 401) {
        toLogin("session_revoked");
        return;
      }
      listen();
    });
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
