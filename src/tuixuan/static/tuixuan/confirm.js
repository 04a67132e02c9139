// The dialog before an irreversible step. A form with data-confirm="…" first asks the server
// whether the step would succeed (the same POST with the X-Tuixuan-Rehearse header; the
// server runs the step and rolls it back). Only when it would does the dialog show; its 确认
// button sends the form with confirm=1. When the rules refuse the step, the form is sent as it
// is and the page shows why, beside the fields. Without this script the server answers the
// step with a page that asks the same question after the same check.
(function () {
  "use strict";
  function ask(form, submitter) {
    var dialog = document.createElement("dialog");
    dialog.className = "confirm";
    dialog.setAttribute("role", "alertdialog");
    var p = document.createElement("p");
    p.textContent = form.dataset.confirm;
    var note = document.createElement("p");
    note.className = "muted small";
    note.textContent = "此操作不能撤回，只能另行记录更正。";
    var yes = document.createElement("button");
    yes.type = "button";
    yes.className = "primary";
    yes.textContent = "确认";
    yes.dataset.role = "confirm-yes";
    var no = document.createElement("button");
    no.type = "button";
    no.textContent = "取消";
    no.dataset.role = "confirm-no";
    dialog.append(p, note, yes, " ", no);
    document.body.appendChild(dialog);
    no.addEventListener("click", function () { dialog.close(); dialog.remove(); });
    yes.addEventListener("click", function () {
      var flag = document.createElement("input");
      flag.type = "hidden";
      flag.name = "confirm";
      flag.value = "1";
      form.appendChild(flag);
      dialog.close();
      send(form, submitter);
    });
    dialog.showModal();
    no.focus();
  }
  function send(form, submitter) {
    form.dataset.asked = "1";
    if (form.requestSubmit) { form.requestSubmit(submitter || undefined); } else { form.submit(); }
  }
  function rehearse(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    var action = (submitter && submitter.getAttribute("formaction")) || form.getAttribute("action") || window.location.href;
    fetch(action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Tuixuan-Rehearse": "1" },
      redirect: "manual"
    }).then(function (response) {
      if (response.headers.get("X-Tuixuan-Confirm") === "1") {
        ask(form, submitter);
      } else {
        send(form, submitter); // refused (or no answer): the page says why
      }
    }, function () { send(form, submitter); });
  }
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.dataset || !form.dataset.confirm) return;
    if (form.dataset.asked === "1") { delete form.dataset.asked; return; }
    if (form.querySelector("input[name=confirm][value='1']")) return;
    e.preventDefault();
    rehearse(form, e.submitter);
  });
})();
