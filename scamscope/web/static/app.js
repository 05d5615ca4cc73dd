// The only script: small conveniences; every page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Keep shared search URLs short: empty filter fields are not submitted.
  document.querySelectorAll("form.searchform").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input, select").forEach(function (field) {
        if (field.name && field.value === "") field.disabled = true;
      });
    });
  });
  // Ask before destructive actions.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
});
