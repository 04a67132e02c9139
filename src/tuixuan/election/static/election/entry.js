/* Keyboard-only entry of one paper ballot after another. No libraries. */
(function () {
  "use strict";
  var root = document.getElementById("entry");
  if (!root) { return; }
  var LABELS = { "1": "赞成", "2": "不赞成", "0": "弃权" };
  var rows = Array.prototype.slice.call(root.querySelectorAll("#rows tbody tr"));
  var seqInput = document.getElementById("seq");
  var doubtful = document.getElementById("doubtful");
  var status = document.getElementById("status");
  var progress = document.getElementById("progress");
  var count = parseInt(root.getAttribute("data-count"), 10);
  var saved = JSON.parse(document.getElementById("readings").textContent || "{}");
  var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  var marks = [];
  var current = 0;
  var pending = {};
  var queue = [];
  var sending = false;

  function setMark(i, mark) {
    marks[i] = mark;
    var row = rows[i];
    row.querySelector(".mark").textContent = LABELS[mark];
    row.className = "m" + mark + (i === current ? " current" : "");
    var input = row.querySelector(".writein");
    input.hidden = mark !== "2";
    if (mark !== "2") { input.value = ""; }
  }

  function focusRow(i) {
    if (i < 0 || i >= rows.length) { return; }
    rows[current].classList.remove("current");
    current = i;
    rows[current].classList.add("current");
    rows[current].scrollIntoView({ block: "nearest" });
  }

  function load(seq) {
    var reading = saved[String(seq)] || pending[String(seq)];
    seqInput.value = seq;
    for (var i = 0; i < rows.length; i++) {
      setMark(i, reading ? reading.marks.charAt(i) : "0");
      rows[i].querySelector(".writein").value =
        reading && reading.write_ins[String(i)] ? reading.write_ins[String(i)] : "";
    }
    doubtful.checked = !!(reading && reading.doubtful);
    focusRow(0);
    showProgress();
  }

  function showProgress() {
    progress.textContent = "已录入 " + Object.keys(saved).length + " / " + count + " 张";
  }

  function nextUnsaved(from) {
    for (var k = 1; k <= count; k++) {
      var n = ((from - 1 + k) % count) + 1;
      if (!saved[String(n)] && !pending[String(n)]) { return n; }
    }
    return null;
  }

  function say(text, isError) {
    status.textContent = text;
    status.className = isError ? "error" : "";
  }

  /* Enter moves on to the next ballot at once and the save goes out behind it, one
     request at a time in order, so a fast typist never waits for the server and never
     loses a keystroke to a ballot still being saved. A save the server refuses brings
     that ballot back, as typed, with the reason. */
  function save() {
    var seq = parseInt(seqInput.value, 10);
    if (!(seq >= 1 && seq <= count)) { say("选票序号应在 1 到 " + count + " 之间。", true); return; }
    var writeIns = {};
    rows.forEach(function (row, i) {
      var value = row.querySelector(".writein").value.trim();
      if (marks[i] === "2" && value) { writeIns[String(i)] = value; }
    });
    var reading = { marks: marks.join(""), write_ins: writeIns, doubtful: doubtful.checked };
    pending[String(seq)] = reading;
    queue.push({ seq: seq, reading: reading });
    say("第 " + seq + " 张保存中…", false);
    var next = nextUnsaved(seq);
    if (next !== null) { load(next); }
    pump();
  }

  function pump() {
    if (sending || !queue.length) { return; }
    sending = true;
    var item = queue.shift();
    var key = String(item.seq);
    var body = new URLSearchParams();
    body.set("seq", key);
    body.set("marks", item.reading.marks);
    body.set("write_ins", JSON.stringify(item.reading.write_ins));
    body.set("doubtful", item.reading.doubtful ? "1" : "0");
    fetch(root.getAttribute("data-save"), {
      method: "POST",
      headers: { "X-CSRFToken": csrf },
      body: body,
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (pending[key] === item.reading) { delete pending[key]; }
      if (!result.ok) {
        failed(item, result.data.error || "保存失败");
      } else {
        saved[key] = item.reading;
        var done = Object.keys(saved).length === count && !Object.keys(pending).length;
        say("第 " + item.seq + " 张已保存" + (done ? "；本批已全部录入，请核对后提交。" : ""), false);
        showProgress();
      }
      sending = false;
      pump();
    }).catch(function () {
      if (pending[key] === item.reading) { delete pending[key]; }
      failed(item, "网络错误");
      sending = false;
      pump();
    });
  }

  function failed(item, reason) {
    pending[String(item.seq)] = item.reading;
    load(item.seq);
    delete pending[String(item.seq)];
    say("第 " + item.seq + " 张未保存：" + reason + "。请改正后按 Enter 重新保存。", true);
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target.classList && target.classList.contains("writein")) {
      if (event.key === "Enter" || event.key === "Escape") {
        event.preventDefault();
        target.blur();
        if (event.key === "Enter") { save(); }
      }
      return;
    }
    if (target === seqInput) {
      if (event.key === "Enter") {
        event.preventDefault();
        var n = parseInt(seqInput.value, 10);
        if (n >= 1 && n <= count) { load(n); seqInput.blur(); }
      }
      return;
    }
    if (event.ctrlKey || event.altKey || event.metaKey) { return; }
    var key = event.key;
    if (key === "1" || key === "2" || key === "0" || key === " ") {
      event.preventDefault();
      var mark = key === " " ? "0" : key;
      setMark(current, mark);
      rows[current].classList.add("current");
      if (mark === "2") {
        rows[current].querySelector(".writein").hidden = false;
      }
      focusRow(Math.min(current + 1, rows.length - 1));
    } else if (key === "ArrowDown") {
      event.preventDefault(); focusRow(current + 1);
    } else if (key === "ArrowUp") {
      event.preventDefault(); focusRow(current - 1);
    } else if (key === "w" || key === "W") {
      var row = current;
      if (marks[row] !== "2" && row > 0 && marks[row - 1] === "2") { row -= 1; }
      if (marks[row] === "2") {
        event.preventDefault();
        rows[row].querySelector(".writein").focus();
      }
    } else if (key === "d" || key === "D") {
      event.preventDefault(); doubtful.checked = !doubtful.checked;
    } else if (key === "Enter") {
      event.preventDefault(); save();
    }
  });

  rows.forEach(function (row, i) {
    row.addEventListener("click", function () { focusRow(i); });
  });
  load(nextUnsaved(0) || 1);
})();
