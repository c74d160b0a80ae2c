// kb default theme script: small, dependency-free, works from file:// (no modules, no fetch).
// Loaded in <head> without defer so the stored colour theme applies before the first paint.
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "kb-theme";

  function stored() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; } // storage may be off for file://
  }
  function store(mode) {
    try {
      if (mode === "auto") { window.localStorage.removeItem(KEY); } else { window.localStorage.setItem(KEY, mode); }
    } catch (e) { /* the choice then lasts for this page only */ }
  }
  function apply(mode) {
    if (mode === "light" || mode === "dark") { root.setAttribute("data-theme", mode); } else { root.removeAttribute("data-theme"); }
  }
  apply(stored());

  function systemDark() {
    return !!(window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches);
  }

  function setUpThemeToggle() {
    var button = document.getElementById("theme-toggle");
    if (!button) { return; }
    var label = button.querySelector(".theme-label");
    var name = button.getAttribute("aria-label");
    function show(mode) {
      var text = button.getAttribute("data-" + mode) || mode;
      button.setAttribute("data-mode", mode);
      button.setAttribute("aria-label", name + ": " + text);
      button.setAttribute("title", name + ": " + text);
      if (label) { label.textContent = text; }
    }
    show(stored() === "light" || stored() === "dark" ? stored() : "auto");
    button.addEventListener("click", function () {
      // The first press always changes what you see: to the opposite of the system's scheme.
      var order = systemDark() ? ["auto", "light", "dark"] : ["auto", "dark", "light"];
      var next = order[(order.indexOf(button.getAttribute("data-mode")) + 1) % order.length];
      store(next);
      apply(next);
      show(next);
    });
  }

  function copyWithSelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "copy-buffer";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function copy(text, done) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(copyWithSelection(text)); });
    } else {
      done(copyWithSelection(text));
    }
  }

  function setUpCopyButtons() {
    var body = document.body;
    var texts = {
      copy: body.getAttribute("data-copy") || "Copy",
      copied: body.getAttribute("data-copied") || "Copied",
      failed: body.getAttribute("data-copy-failed") || "Press Ctrl+C",
      label: body.getAttribute("data-copy-label") || "Copy to clipboard"
    };
    var blocks = document.querySelectorAll("main pre");
    for (var i = 0; i < blocks.length; i++) {
      var pre = blocks[i];
      if (pre.parentNode && pre.parentNode.classList && pre.parentNode.classList.contains("copyable")) { continue; }
      var wrap = document.createElement("div");
      wrap.className = "copyable";
      pre.parentNode.insertBefore(wrap, pre);
      wrap.appendChild(pre);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = texts.copy;
      button.setAttribute("aria-label", texts.label);
      wrap.appendChild(button);
      button.addEventListener("click", onCopy(pre, button, texts));
    }
  }

  function onCopy(pre, button, texts) {
    var timer = null;
    return function () {
      var code = pre.querySelector("code") || pre;
      var text = code.textContent.replace(/\n$/, "");
      copy(text, function (ok) {
        button.textContent = ok ? texts.copied : texts.failed;
        button.setAttribute("data-state", ok ? "copied" : "failed");
        if (!ok) {
          var range = document.createRange();
          range.selectNodeContents(code);
          var sel = window.getSelection();
          sel.removeAllRanges();
          sel.addRange(range);
        }
        if (timer) { window.clearTimeout(timer); }
        timer = window.setTimeout(function () {
          button.textContent = texts.copy;
          button.removeAttribute("data-state");
        }, 2000);
      });
    };
  }

  function visible(el) { return !!(el && (el.offsetWidth || el.offsetHeight || el.getClientRects().length)); }

  // "/" focuses the first search box you can see (the hero box on the home page).
  function setUpSlash() {
    document.addEventListener("keydown", function (e) {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) { return; }
      var t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) { return; }
      var boxes = document.querySelectorAll("form[role=search] input[type=search]");
      for (var i = 0; i < boxes.length; i++) {
        if (visible(boxes[i])) {
          e.preventDefault();
          boxes[i].focus();
          boxes[i].select();
          return;
        }
      }
    });
  }

  // The table of contents marks the section being read.
  function setUpTOC() {
    var links = document.querySelectorAll(".toc a[href^='#']");
    if (!links.length || !("IntersectionObserver" in window)) { return; }
    var byId = {};
    var targets = [];
    for (var i = 0; i < links.length; i++) {
      var id = decodeURIComponent(links[i].getAttribute("href").slice(1));
      var target = document.getElementById(id);
      if (target) { byId[id] = links[i]; targets.push(target); }
    }
    var observer = new IntersectionObserver(function (entries) {
      for (var j = 0; j < entries.length; j++) {
        if (!entries[j].isIntersecting) { continue; }
        for (var k = 0; k < links.length; k++) { links[k].removeAttribute("aria-current"); }
        var link = byId[entries[j].target.id];
        if (link) { link.setAttribute("aria-current", "location"); }
      }
    }, { rootMargin: "0px 0px -70% 0px" });
    for (var n = 0; n < targets.length; n++) { observer.observe(targets[n]); }
  }

  function init() {
    setUpThemeToggle();
    setUpCopyButtons();
    setUpSlash();
    setUpTOC();
    root.setAttribute("data-kb-ready", "");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
