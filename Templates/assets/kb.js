// kb default theme script: small, dependency-free, works from file://.
(function () {
  "use strict";
  var stored = null;
  try { stored = window.localStorage.getItem("kb-theme"); } catch (e) { /* storage may be off for file:// */ }
  if (stored === "dark" || stored === "light") { document.documentElement.setAttribute("data-theme", stored); }
})();
