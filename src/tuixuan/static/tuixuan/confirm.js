// The dialog before an irreversible step. A form with data-confirm="…" is sent only after
// the dialog's 确认 button; the server refuses the step without confirm=1 and, when this
// script does not run, answers with a page that asks the same question.
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
      if (form.requestSubmit) { form.requestSubmit(submitter || undefined); } else { form.submit(); }
    });
    dialog.showModal();
    no.focus();
  }
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.dataset || !form.dataset.confirm) return;
    if (form.querySelector("input[name=confirm][value='1']")) return;
    e.preventDefault();
    ask(form, e.submitter);
  });
})();
