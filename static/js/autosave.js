// Saves the survey answer as people type, and when they leave the page.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch) { return; }
  var status = document.getElementById("autosave-status");
  var version = form.querySelector("input[name=version]");
  var timer = null;
  var dirty = false;

  function say(text) { if (status) { status.textContent = text; } }

  function save(keepalive) {
    if (!dirty) { return; }
    dirty = false;
    var data = new FormData(form);
    data.set("action", "autosave");
    // form.action would be the buttons named "action"; read the attribute itself.
    fetch(form.getAttribute("action"), {
      method: "POST", body: data, credentials: "same-origin", keepalive: !!keepalive,
      headers: { "X-Autosave": "1", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, status: response.status, body: body }; });
    }).then(function (result) {
      if (result.ok) {
        version.value = result.body.version;
        say(form.dataset.savedText.replace("%s", result.body.saved_at));
      } else if (result.status === 409) {
        say(form.dataset.conflictText);
      } else {
        dirty = true;
        say(form.dataset.errorText);
      }
    }).catch(function () {
      dirty = true;
      say(form.dataset.errorText);
    });
  }

  function changed() {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(function () { save(false); }, 1500);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { save(true); }
  });
  form.addEventListener("submit", function () { clearTimeout(timer); dirty = false; });
})();
