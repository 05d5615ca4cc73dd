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
  // Filter boxes suggest names as you type (any alias, any language): the last of the
  // comma-separated values is looked up in /api/suggest and offered in the box's datalist.
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list || !window.fetch) return;
    var timer = null, asked = "";
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var parts = input.value.split(",");
        var typed = parts.pop().trim();
        var before = parts.map(function (p) { return p.trim(); }).filter(Boolean);
        if (typed === asked) return;
        asked = typed;
        if (!typed) { list.replaceChildren(); return; }
        var url = "/api/suggest?field=" + encodeURIComponent(input.getAttribute("data-suggest")) +
                  "&q=" + encodeURIComponent(typed);
        fetch(url, {headers: {"Accept": "application/json"}}).then(function (response) {
          return response.ok ? response.json() : {suggestions: []};
        }).then(function (body) {
          if (asked !== typed) return;  // a later keystroke asked again
          list.replaceChildren.apply(list, body.suggestions.map(function (s) {
            var option = document.createElement("option");
            option.value = before.concat([s.value]).join(", ");
            option.label = s.label === s.value ? (s.count ? s.count + " articles" : "") :
                           s.label + (s.count ? " · " + s.count + " articles" : "");
            return option;
          }));
        }).catch(function () { list.replaceChildren(); });
      }, 150);
    });
  });
  // Ask before destructive actions.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
});
