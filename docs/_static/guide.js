/*
 * Keyboard use of Furo's drawers, and Korean emphasis.
 *
 * On narrow screens Furo opens the navigation and "On this page" drawers with
 * <label>s for hidden checkboxes, which a keyboard cannot reach. The icon in
 * each label becomes a button (a <label> may not take that role): Tab reaches
 * it, Enter or Space opens the drawer and moves into it, Escape closes it and
 * comes back. guide.css hides a closed drawer, so that Tab does not walk into
 * it off screen.
 */
document.addEventListener("DOMContentLoaded", function () {
  var drawers = {__navigation: ".sidebar-drawer", __toc: ".toc-drawer"};
  var buttons = [];

  function sync() {
    buttons.forEach(function (button) {
      button.setAttribute("aria-expanded", document.getElementById(button.dataset.drawer).checked);
    });
  }

  document.querySelectorAll(".nav-overlay-icon, .toc-overlay-icon").forEach(function (label) {
    var button = label.querySelector(".icon"), box = document.getElementById(label.htmlFor);
    if (!button || !box) return;
    button.tabIndex = 0;
    button.setAttribute("role", "button");
    button.setAttribute("aria-label", box.getAttribute("aria-label"));
    button.dataset.drawer = box.id;
    button.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      box.checked = !box.checked;
      sync();
      if (!box.checked) return;
      var inside = drawers[box.id] + " ";
      var targets = document.querySelectorAll(inside + "a[href], " + inside + "input:not([type=hidden])");
      Array.prototype.some.call(targets, function (target) {  // the first that can take focus
        target.focus();
        return document.activeElement === target;
      });
    });
    buttons.push(button);
  });
  document.querySelectorAll(".sidebar-toggle").forEach(function (box) {
    box.addEventListener("change", sync);  // a click on the label
  });

  document.addEventListener("keydown", function (event) {
    var open = document.querySelector(".sidebar-toggle:checked");
    if (event.key !== "Escape" || !open) return;
    open.checked = false;
    sync();
    var back = buttons.find(function (button) {
      return button.dataset.drawer === open.id && button.offsetParent !== null;
    });
    if (back) back.focus();
  });
  sync();

  /* Emphasis dots (korean.css) belong to Hangul: a run of Latin letters or digits
     in Korean emphasis goes into a <span class="latin">, which has none. */
  var latin = /([A-Za-z0-9](?:[A-Za-z0-9 .,:;'’_-]*[A-Za-z0-9])?)/;
  document.querySelectorAll("article :is(em:not(.sig-param), i, cite, dfn):lang(ko)").forEach(function (em) {
    var walker = document.createTreeWalker(em, NodeFilter.SHOW_TEXT), texts = [];
    while (walker.nextNode()) texts.push(walker.currentNode);
    texts.forEach(function (text) {
      var parts = text.data.split(latin);  // odd items are the Latin runs
      if (parts.length === 1 || text.parentNode.closest(".latin")) return;
      text.replaceWith.apply(text, parts.map(function (part, i) {
        if (i % 2 === 0) return part;
        var span = document.createElement("span");
        span.className = "latin";
        span.textContent = part;
        return span;
      }));
    });
  });
});
