// Shows and hides the questions and sections that depend on an earlier choice, as the server
// decides on save, and counts the characters of text answers that have a limit. A hidden part
// is out of the tab order and its inputs are disabled, so they are neither focused nor sent.
(function () {
  "use strict";
  // Every answer form, also the one staff fill in on a municipality's behalf (not autosaved).
  var form = document.querySelector("form[data-answer-form]");
  if (!form) { return; }
  var parts = Array.prototype.slice.call(form.querySelectorAll("[data-condition]"));

  function chosen(key) {
    var values = [];
    Array.prototype.forEach.call(form.querySelectorAll('[name="' + key + '"]'), function (el) {
      if (el.disabled) { return; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      if (el.value) { values.push(el.value); }
    });
    return values;
  }
  function setShown(part, shown) {
    if (part.hidden === !shown) { return; }
    part.hidden = !shown;
    Array.prototype.forEach.call(part.querySelectorAll("input, textarea, select, button"), function (el) {
      el.disabled = !shown;
    });
  }
  function update() {
    // In page order: a part that depends on a hidden question is hidden too.
    parts.forEach(function (part) {
      var condition;
      try { condition = JSON.parse(part.dataset.condition); } catch (e) { return; }
      var inside = part.parentNode.closest ? part.parentNode.closest("[data-condition]") : null;
      var holds = !(inside && inside.hidden) && chosen(condition.key).some(function (value) {
        return condition.values.indexOf(value) >= 0;
      });
      setShown(part, holds);
    });
  }
  parts.forEach(function (part) {
    if (part.hidden) {
      Array.prototype.forEach.call(part.querySelectorAll("input, textarea, select, button"), function (el) { el.disabled = true; });
    }
  });
  form.addEventListener("change", update);
  update();

  // Character counters: "12 / 200 文字", updated as people type.
  Array.prototype.forEach.call(form.querySelectorAll("[data-limit]"), function (el) {
    var counter = document.createElement("p");
    counter.className = "char-count";
    counter.id = el.id + "_count";
    el.parentNode.insertBefore(counter, el.nextSibling);
    function count() {
      var length = Array.from(el.value).length;
      counter.textContent = el.dataset.counterText.replace("{count}", length);
      counter.classList.toggle("char-count--over", length > Number(el.dataset.limit));
    }
    el.addEventListener("input", count);
    count();
  });
})();
