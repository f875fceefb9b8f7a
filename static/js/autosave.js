// Saves the survey answer as people type, and when they leave the page. Each save carries the
// version and, per question, the digest of the value the page was based on; the server merges
// question by question. Where someone else changed the same question, both versions are shown
// side by side and the person chooses. Until a question is saved, what was typed is also kept
// in the browser's storage (by survey, municipality and question), so a reload restores it.
(function () {
  "use strict";
  var storage = null;
  try { storage = window.localStorage; } catch (e) { storage = null; }

  // After submitting, nothing typed on this answer is waiting any more.
  var done = document.querySelector("[data-draft-done]");
  if (done) { forget(done.dataset.draftDone + ":"); return; }

  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch) { return; }
  var status = document.getElementById("autosave-status");
  var version = form.querySelector("input[name=version]");
  var baseInput = form.querySelector("input[name=base]");
  var template = document.getElementById("conflict-template");
  var emptyText = (document.getElementById("conflict-empty") || {}).textContent || "";
  var prefix = form.dataset.draftKey + ":";
  var base = parse(baseInput && baseInput.value) || {};
  var conflicts = {};   // question -> {digest, values, base}
  var edits = {};       // question -> number of the last edit
  var editCount = 0;
  var timer = null;
  var dirty = false;
  var saving = false;

  function parse(text) { try { return JSON.parse(text); } catch (e) { return null; } }
  function say(text) { if (status) { status.textContent = text; } }
  function forget(start) {
    if (!storage) { return; }
    for (var i = storage.length - 1; i >= 0; i--) {
      var key = storage.key(i);
      if (key && key.indexOf(start) === 0) { storage.removeItem(key); }
    }
  }
  function questionOf(element) { return element.closest ? element.closest("[data-question]") : null; }
  function box(key) { return form.querySelector('[data-question="' + key + '"]'); }
  function inputs(div) {
    return Array.prototype.filter.call(div.querySelectorAll("input[name], textarea[name], select[name]"),
      function (el) { return !el.closest(".conflict") && el.type !== "file"; });
  }

  // The question's values as the server stores them: a list for check boxes, else a string.
  function valuesOf(div) {
    var values = {};
    inputs(div).forEach(function (el) {
      if (el.type === "checkbox") {
        values[el.name] = values[el.name] || [];
        if (el.checked) { values[el.name].push(el.value); }
      } else if (el.type === "radio") {
        if (el.checked) { values[el.name] = el.value; }
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }
  function setValues(div, values) {
    inputs(div).forEach(function (el) {
      var value = values[el.name];
      if (el.type === "checkbox") { el.checked = Array.isArray(value) && value.indexOf(el.value) >= 0; }
      else if (el.type === "radio") { el.checked = value === el.value; }
      else { el.value = value === undefined || value === null ? "" : value; }
    });
  }
  function canonical(values) {
    var out = {};
    Object.keys(values).sort().forEach(function (name) {
      var value = values[name];
      if (Array.isArray(value)) { value = value.slice().sort(); if (!value.length) { return; } }
      else if (value === null || value === undefined || value === "") { return; }
      else { value = String(value).replace(/\r\n/g, "\n"); }
      out[name] = value;
    });
    return JSON.stringify(out);
  }
  function same(a, b) { return canonical(a) === canonical(b); }

  // How values read for a person: the label of each chosen option, the text as typed.
  function lines(div, values) {
    var out = [];
    inputs(div).forEach(function (el) {
      var value = values[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        var chosen = Array.isArray(value) ? value.indexOf(el.value) >= 0 : value === el.value;
        if (chosen) { out.push(((el.closest("label") || {}).textContent || el.value).trim()); }
      } else if (el.tagName === "SELECT") {
        var option = Array.prototype.find.call(el.options, function (o) { return o.value === value && value; });
        if (option) { out.push(option.textContent.trim()); }
      } else if (value) {
        out.push(String(value));
      }
    });
    return out;
  }
  function show(container, textLines) {
    container.textContent = "";
    (textLines.length ? textLines : [emptyText]).forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      container.appendChild(p);
    });
  }
  function isText(div) {
    var fields = inputs(div);
    return fields.length === 1 && (fields[0].tagName === "TEXTAREA" || fields[0].type === "text");
  }

  // --- the browser's copy of what is typed and not yet saved ---
  function remember(key) {
    if (!storage) { return; }
    var div = box(key);
    var entry = { values: valuesOf(div), base: conflicts[key] ? conflicts[key].base : base[key], at: Date.now() };
    if (conflicts[key]) { entry.theirs = conflicts[key].values; }
    try { storage.setItem(prefix + key, JSON.stringify(entry)); } catch (e) { /* full: the page still has it */ }
  }
  function release(key) { if (storage) { storage.removeItem(prefix + key); } }

  // --- conflicts ---
  function showConflict(key, theirs) {
    var div = box(key);
    var panel = div.querySelector(".conflict");
    if (!panel) {
      panel = template.content.firstElementChild.cloneNode(true);
      var title = panel.querySelector(".conflict__title");
      title.id = "conflict-" + key;
      panel.setAttribute("aria-labelledby", title.id);
      div.appendChild(panel);
      div.classList.add("question--conflict");
    }
    var who = panel.querySelector("[data-who]");
    if (who && who.dataset.whoText && theirs.by) {
      who.textContent = who.dataset.whoText.replace("%(name)s", theirs.by).replace("%(when)s", theirs.at || "");
    }
    show(panel.querySelector("[data-mine]"), lines(div, valuesOf(div)));
    show(panel.querySelector("[data-theirs]"), theirs.lines || lines(div, theirs.values));
    panel.querySelector("[data-combine]").hidden = !isText(div);
    conflicts[key] = { digest: theirs.digest, values: theirs.values, base: base[key] };
    remember(key);
  }
  function settle(key) {
    var div = box(key);
    var panel = div.querySelector(".conflict");
    if (panel) { panel.parentNode.removeChild(panel); }
    div.classList.remove("question--conflict");
    base[key] = conflicts[key].digest;
    delete conflicts[key];
    if (!form.querySelector(".conflict")) {
      var summary = document.querySelector("[data-conflict-summary]");
      if (summary) { summary.parentNode.removeChild(summary); }
    }
  }
  form.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-keep], [data-combine]") : null;
    if (!button) { return; }
    var div = questionOf(button);
    var key = div && div.dataset.question;
    if (!key || !conflicts[key]) { return; }
    event.preventDefault();
    var theirs = conflicts[key].values;
    var field = inputs(div)[0];
    if (button.dataset.keep === "theirs") {
      setValues(div, theirs);
      settle(key);
      release(key);
      say("");
    } else if (button.dataset.keep === "mine") {
      settle(key);
      touched(key);
    } else {
      var mine = field.value;
      var other = theirs[field.name] || "";
      settle(key);
      field.value = mine && other ? mine + "\n" + other : mine || other;
      touched(key);
      field.focus();
      say(form.dataset.combinedText);
    }
  });

  // --- saving ---
  function retryLater() { clearTimeout(timer); timer = setTimeout(function () { save(false); }, 30000); }

  // The token in the cookie, which stays current when the person logs in again elsewhere.
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : form.querySelector("input[name=csrfmiddlewaretoken]").value;
  }

  function adopt(body, sent, sentAt) {
    if (body.version !== undefined) { version.value = body.version; }
    var clashing = {};
    (body.conflicts || []).forEach(function (conflict) { clashing[conflict.question] = conflict; });
    var others = body.values || {};
    Object.keys(body.base || {}).forEach(function (key) {
      var div = box(key);
      if (!div) { return; }
      var editedSince = (edits[key] || 0) > sentAt;
      if (clashing[key]) {
        showConflict(key, clashing[key]);
        return;
      }
      if (conflicts[key]) { return; }  // still waiting for the person's choice
      if (others[key]) {
        if (editedSince) { return; }  // typed meanwhile: the next save decides against the old base
        setValues(div, others[key]);
      }
      base[key] = body.base[key];  // what is stored now, which is what was sent or theirs
      if (!editedSince || same(sent[key] || {}, valuesOf(div))) { release(key); } else { remember(key); }
    });
    baseInput.value = JSON.stringify(base);
    return Object.keys(others).length > 0;
  }

  function save(keepalive) {
    if (!dirty) { return; }
    if (saving) { clearTimeout(timer); timer = setTimeout(function () { save(false); }, 500); return; }
    dirty = false;
    saving = true;
    baseInput.value = JSON.stringify(base);
    var data = new FormData(form);
    data.set("action", "autosave");
    data.delete("csrfmiddlewaretoken");
    // Files go with “Save draft” and “Submit”, not with every keystroke.
    Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (el) { data.delete(el.name); });
    var sent = {};
    Array.prototype.forEach.call(form.querySelectorAll("[data-question]"), function (div) {
      sent[div.dataset.question] = valuesOf(div);
    });
    var sentAt = editCount;
    // form.action would be the buttons named "action"; read the attribute itself.
    fetch(form.getAttribute("action"), {
      method: "POST", body: data, credentials: "same-origin", keepalive: !!keepalive,
      headers: { "X-Autosave": "1", "Accept": "application/json", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      if (response.redirected) {  // the session has expired: keep the text, try again later
        return { ok: false, status: 401, body: {} };
      }
      return response.json().then(function (body) { return { ok: response.ok, status: response.status, body: body }; });
    }).then(function (result) {
      saving = false;
      if (result.status === 401) {
        dirty = true;
        say(form.dataset.expiredText);
        retryLater();
      } else if (result.ok || (result.status === 409 && result.body.conflicts)) {
        var merged = adopt(result.body, sent, sentAt);
        var text = result.ok ? (merged ? form.dataset.mergedText : form.dataset.savedText) : form.dataset.conflictText;
        say(text.replace("%s", result.body.saved_at));
      } else if (result.status === 409) {
        say(form.dataset.submittedText);  // submitted meanwhile: the text stays here and in storage
      } else {
        dirty = true;
        say(form.dataset.errorText);
        retryLater();
      }
    }).catch(function () {
      saving = false;
      dirty = true;
      say(form.dataset.errorText);
      retryLater();
    });
  }

  function touched(key) {
    edits[key] = ++editCount;
    remember(key);
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(function () { save(false); }, 1500);
  }
  function changed(event) {
    var div = questionOf(event.target);
    if (!div || event.target.closest(".conflict")) { return; }
    touched(div.dataset.question);
  }

  // --- on opening the page: conflicts the server showed, and typing kept in storage ---
  Array.prototype.forEach.call(form.querySelectorAll("[data-question] .conflict"), function (panel) {
    var key = questionOf(panel).dataset.question;
    conflicts[key] = { digest: panel.dataset.theirsDigest, values: parse(panel.dataset.theirsValues) || {}, base: base[key] };
    panel.querySelector("[data-combine]").hidden = !isText(questionOf(panel));
    remember(key);
  });
  var restored = false;
  Array.prototype.forEach.call(form.querySelectorAll("[data-question]"), function (div) {
    var key = div.dataset.question;
    var entry = storage && parse(storage.getItem(prefix + key));
    if (!entry || !entry.values || conflicts[key]) { return; }
    var stored = valuesOf(div);
    if (same(entry.values, stored)) { release(key); return; }
    restored = true;
    setValues(div, entry.values);
    edits[key] = ++editCount;
    if (entry.base === base[key]) { dirty = true; return; }  // nobody saved it since: save ours
    // Someone saved this question after the text was typed: show both and let the person choose.
    var storedDigest = base[key];
    base[key] = entry.base;
    showConflict(key, { digest: storedDigest, values: stored, by: div.dataset.savedBy, at: div.dataset.savedAt });
  });
  if (restored) {
    baseInput.value = JSON.stringify(base);
    if (dirty) { timer = setTimeout(function () { save(false); }, 500); }
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { save(true); }
  });
  form.addEventListener("submit", function () { clearTimeout(timer); dirty = false; baseInput.value = JSON.stringify(base); });
})();
