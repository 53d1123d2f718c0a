// Review page of a plan import: mark a row whose fields were changed but not saved, and warn before
// leaving the page (or confirming) with such rows.
(function () {
  "use strict";
  var changed = new Set();
  function rowOf(field) {
    return field.closest("[data-import-row]");
  }
  document.addEventListener("input", function (event) {
    var row = rowOf(event.target);
    if (row) {
      row.classList.add("unsaved");
      changed.add(row);
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id === "import-confirm-form") {
      if (changed.size && !window.confirm(form.dataset.unsaved)) {
        event.preventDefault();
      }
      return;
    }
    changed.clear();
  });
  window.addEventListener("beforeunload", function (event) {
    if (changed.size) {
      event.preventDefault();
    }
  });
}());
