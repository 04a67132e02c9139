// Behaviour that would otherwise sit in inline attributes, which the Content-Security-Policy
// forbids: forms that ask before they submit, and helper forms that never submit.
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (!(form instanceof HTMLFormElement)) return;
  if (form.hasAttribute("data-no-submit")) {
    e.preventDefault();
    return;
  }
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) e.preventDefault();
});
