// PrivacyNode console: follows a running job or chain check. An element with data-poll names a URL answering
// {"progress": 0..1, "text": "...", "done": bool}; its bar and text are updated every second, and the page is
// reloaded once the work is done, so the server renders the final state. Without script the page still works.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const box of document.querySelectorAll("[data-poll]")) {
    if (box.dataset.done === "true") continue;
    const bar = box.querySelector("progress");
    const text = box.querySelector(".progress-text");
    const poll = async () => {
      try {
        const response = await fetch(box.dataset.poll, { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (response.redirected || !response.ok) { location.reload(); return; }
        const status = await response.json();
        bar.value = status.progress;
        text.textContent = status.text;
        if (status.done) { location.reload(); return; }
      } catch (_) { /* the node may be restarting: try again */ }
      setTimeout(poll, 1000);
    };
    setTimeout(poll, 1000);
  }
});
