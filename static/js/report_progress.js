// Follows a report being built and reloads the page when it is done or has failed.
(function () {
  "use strict";
  var box = document.getElementById("report-progress");
  if (!box || box.dataset.refresh !== "1" || !window.fetch) { return; }
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (report) {
        document.getElementById("report-bar").value = report.progress;
        document.getElementById("report-state").textContent = report.label;
        if (report.status === "done" || report.status === "failed") { window.location.reload(); }
        else { setTimeout(poll, 1500); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
