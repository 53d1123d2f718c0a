// Polls an export job until its file is ready (or it failed), then shows the download link.
(function () {
  "use strict";
  var box = document.getElementById("export-status");
  if (!box) { return; }
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (s) {
      document.getElementById("export-label").textContent = s.label;
      if (s.download) {
        var link = document.getElementById("export-download");
        link.href = s.download; link.hidden = false;
      } else if (s.status === "failed") {
        var err = document.getElementById("export-error");
        err.textContent = s.error; err.hidden = false;
      } else { setTimeout(poll, 1500); }
    }).catch(function () { setTimeout(poll, 5000); });
  }
  poll();
})();
