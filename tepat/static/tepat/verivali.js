// Verivali visit form: a draft kept in localStorage (restored after a dropped connection, with the same
// submission_key so a resent form is recognised), GPS into hidden fields, member rows, double-tap safety.
(function () {
  "use strict";

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "file" && el.name !== "csrfmiddlewaretoken" && el.type !== "submit" && el.type !== "button";
    });
  }

  function snapshot(form) {
    var data = { newMembers: form.querySelectorAll("#vv-new-members .vv-new").length, values: {} };
    fields(form).forEach(function (el) {
      var list = data.values[el.name] || (data.values[el.name] = []);
      if (el.type === "radio" || el.type === "checkbox") { list.push(el.checked ? el.value : null); } else { list.push(el.value); }
    });
    return data;
  }

  function restore(form, data) {
    var rows = form.querySelectorAll("#vv-new-members .vv-new").length;
    for (var i = rows; i < (data.newMembers || 0); i++) { addMember(form); }
    var seen = {};
    fields(form).forEach(function (el) {
      var list = data.values[el.name];
      if (!list) { return; }
      var index = seen[el.name] = (seen[el.name] === undefined ? 0 : seen[el.name] + 1);
      var value = list[index];
      if (el.type === "radio" || el.type === "checkbox") { el.checked = value !== null && value !== undefined; }
      else if (value !== undefined) { el.value = value; }
    });
  }

  function addMember(form) {
    var template = document.getElementById("vv-new-member");
    var box = form.querySelector("#vv-new-members");
    if (!template || !box) { return; }
    box.appendChild(template.content.cloneNode(true));
  }

  function draftKey(form) { return form.getAttribute("data-draft-key"); }

  function save(form) {
    try { localStorage.setItem(draftKey(form), JSON.stringify(snapshot(form))); } catch (e) { /* storage full or disabled: the form still works */ }
  }

  function locate(form, button) {
    var status = form.querySelector("[data-gps-status]");
    if (!navigator.geolocation) { status.textContent = status.getAttribute("data-msg-fail"); return; }
    status.textContent = status.getAttribute("data-msg-wait");
    navigator.geolocation.getCurrentPosition(function (position) {
      form.elements.gps_lat.value = position.coords.latitude.toFixed(6);
      form.elements.gps_lon.value = position.coords.longitude.toFixed(6);
      form.elements.gps_accuracy.value = Math.round(position.coords.accuracy);
      status.textContent = form.elements.gps_lat.value + ", " + form.elements.gps_lon.value + " (±" + form.elements.gps_accuracy.value + " m)";
      save(form);
    }, function () { status.textContent = status.getAttribute("data-msg-fail"); },
    { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  }

  function setUpVisitForm(form) {
    var stored = null;
    try { stored = JSON.parse(localStorage.getItem(draftKey(form)) || "null"); } catch (e) { stored = null; }
    if (stored) {
      restore(form, stored);
      var note = document.querySelector(".vv-draft-note");
      if (note) { note.hidden = false; }
    }
    var timer = null;
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(function () { save(form); }, 300); });
    form.addEventListener("change", function () { save(form); });
    form.addEventListener("click", function (event) {
      var target = event.target;
      if (target.hasAttribute("data-add-member")) { addMember(form); save(form); }
      if (target.hasAttribute("data-remove-member")) { target.closest(".vv-new").remove(); save(form); }
      if (target.hasAttribute("data-gps")) { locate(form, target); }
    });
    form.addEventListener("submit", function (event) {
      var button = form.querySelector("[type=submit]");
      if (form.getAttribute("data-sending")) { event.preventDefault(); return; }  // a second tap
      save(form);
      form.setAttribute("data-sending", "1");
      if (button) { button.disabled = true; button.textContent = button.getAttribute("data-msg-sending"); }
      // If the connection drops the page stays; let the enumerator try again after a while.
      setTimeout(function () {
        form.removeAttribute("data-sending");
        if (button) { button.disabled = false; }
      }, 15000);
    });
  }

  function setUpCheckAll() {
    var all = document.querySelector("[data-check-all]");
    if (!all) { return; }
    all.addEventListener("change", function () {
      document.querySelectorAll("input[name=ids][form=vv-bulk]").forEach(function (box) { box.checked = all.checked; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var done = document.querySelector("[data-clear-draft]");
    if (done) { try { localStorage.removeItem(done.getAttribute("data-clear-draft")); } catch (e) { /* nothing stored */ } }
    var form = document.getElementById("vv-visit");
    if (form) { setUpVisitForm(form); }
    setUpCheckAll();
  });
})();
