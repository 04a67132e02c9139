// Fast entry of recommendation forms: type pinyin initials or a name, Enter takes the first
// match, Enter on an empty box saves the form; picked names are hidden inputs of the form.
(function () {
  function searchBox(form) {
    for (var i = 0; i < form.elements.length; i++) {
      if (form.elements[i].classList.contains("search")) return form.elements[i];
    }
    return null;
  }
  function chips(form) { return form.querySelectorAll("input[name=candidate]"); }
  function add(form, pk, name) {
    var limit = parseInt(form.dataset.limit || "0", 10);
    var list = form.querySelector(".picked");
    var note = form.querySelector(".entry-note");
    for (var i = 0; i < chips(form).length; i++) { if (chips(form)[i].value === pk) { note.textContent = name + " 已在本表中"; return; } }
    if (limit && chips(form).length >= limit) { note.textContent = "每张推荐表最多 " + limit + " 人"; return; }
    var li = document.createElement("li");
    li.textContent = name + " ";
    var input = document.createElement("input");
    input.type = "hidden"; input.name = "candidate"; input.value = pk;
    var x = document.createElement("button");
    x.type = "button"; x.textContent = "×"; x.className = "link";
    x.addEventListener("click", function () { li.remove(); });
    li.appendChild(input); li.appendChild(x); list.appendChild(li);
    note.textContent = "已选 " + chips(form).length + " 人";
  }
  document.addEventListener("click", function (e) {
    var u = e.target.closest && e.target.closest("button.unpick");
    if (u) { u.closest("li").remove(); }
  });
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("button.pick");
    if (!b) return;
    var form = document.getElementById(b.dataset.target || "entry-form");
    if (!form) return;
    if (form.dataset.single) {
      form.querySelector("input[name=candidate]").value = b.dataset.pk;
      form.querySelector(".picked").textContent = b.dataset.name;
    } else {
      add(form, b.dataset.pk, b.dataset.name);
    }
    var box = searchBox(form);
    document.getElementById(form.dataset.results).innerHTML = "";
    if (box) { box.value = ""; box.focus(); }
  });
  // 全部设为现场: set every participation choice on the page, leave saving to the user.
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("button[data-set-all]");
    if (!b || !b.form) return;
    e.preventDefault();
    b.form.querySelectorAll("select[name^=mode_]:not([disabled])").forEach(function (s) {
      s.value = b.dataset.setAll;
    });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" || !e.target.classList || !e.target.classList.contains("search")) return;
    e.preventDefault();
    var form = e.target.form;
    var first = document.querySelector("#" + form.dataset.results + " button.pick");
    if (e.target.value.trim() && first) { first.click(); }
    else if (!e.target.value.trim() && !form.dataset.single && chips(form).length) { form.submit(); }
  });
})();
