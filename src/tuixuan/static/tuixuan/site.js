// Behaviour that would otherwise sit in inline attributes, which the Content-Security-Policy
// forbids: helper forms that never submit. Forms that ask before they submit (data-confirm)
// are handled by confirm.js alone.
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (!(form instanceof HTMLFormElement)) return;
  if (form.hasAttribute("data-no-submit")) e.preventDefault();
});
