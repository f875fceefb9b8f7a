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

  function retryLater() { clearTimeout(timer); timer = setTimeout(function () { save(false); }, 30000); }

  // The token in the cookie, which stays current when the person logs in again elsewhere.
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : form.querySelector("input[name=csrfmiddlewaretoken]").value;
  }

  function save(keepalive) {
    if (!dirty) { return; }
    dirty = false;
    var data = new FormData(form);
    data.set("action", "autosave");
    data.delete("csrfmiddlewaretoken");
    // form.action would be the buttons named "action"; read the attribute itself.
    fetch(form.getAttribute("action"), {
      method: "POST", body: data, credentials: "same-origin", keepalive: !!keepalive,
      headers: { "X-Autosave": "1", "Accept": "application/json", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      if (response.redirected) {  // the session has expired: keep the text, try again later
        dirty = true;
        say(form.dataset.expiredText);
        retryLater();
        return { ok: false, status: 401, body: {} };
      }
      return response.json().then(function (body) { return { ok: response.ok, status: response.status, body: body }; });
    }).then(function (result) {
      if (result.ok) {
        version.value = result.body.version;
        say(form.dataset.savedText.replace("%s", result.body.saved_at));
      } else if (result.status === 409) {
        say(form.dataset.conflictText);
      } else if (result.status !== 401) {
        dirty = true;
        say(form.dataset.errorText);
        retryLater();
      }
    }).catch(function () {
      dirty = true;
      say(form.dataset.errorText);
      retryLater();
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
