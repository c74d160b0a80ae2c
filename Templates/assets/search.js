// kb site search: the tokenizer and ranking of docs/search.md (the same as `kb search`), over an
// index of plain .js files loaded with <script> tags, so it works from file:// with no server.
// No framework, no fetch, no modules, no WASM.
(function () {
  "use strict";
  var api = window.kbSearch = window.kbSearch || {};
  if (api.ready) { return; }
  api.ready = true;

  // ---- Tokenizer (docs/search.md §Tokenizer; Swift: Sources/KBSearch/Tokenizer.swift) ----

  var MAX_WORD = 40;
  var WORD_RE = /[\p{L}\p{M}\p{N}_]/u;

  function isCJK(c) {
    return (c >= 0x1100 && c <= 0x11FF) || (c >= 0x2E80 && c <= 0x2FDF) || (c >= 0x3005 && c <= 0x3007) ||
      (c >= 0x3021 && c <= 0x3029) || (c >= 0x3038 && c <= 0x303B) || (c >= 0x3040 && c <= 0x30FF) ||
      (c >= 0x3130 && c <= 0x318F) || (c >= 0x31F0 && c <= 0x31FF) || (c >= 0x3400 && c <= 0x4DBF) ||
      (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA960 && c <= 0xA97F) || (c >= 0xAC00 && c <= 0xD7FF) ||
      (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF66 && c <= 0xFF9F) || (c >= 0x20000 && c <= 0x323AF);
  }

  function isWord(c, ch) {
    if (c < 0x80) {
      return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c === 0x5F;
    }
    return WORD_RE.test(ch);
  }

  function fold(word) { return word.toLowerCase().replace(/ς/g, "σ"); }

  function codePoints(s) { var n = 0; for (var i = 0; i < s.length; i++) { var c = s.charCodeAt(i); if (c < 0xD800 || c > 0xDBFF) { n++; } } return n; }

  // Tokens of NFKC text: {term, start, end, cjk}, offsets in UTF-16 units.
  function tokensOf(text, mode) {
    var out = [], word = "", wordStart = 0, cjk = [], i = 0;
    function flushWord(end) {
      if (!word) { return; }
      var raw = word; word = "";
      if (codePoints(raw) > MAX_WORD) { return; }
      var term = fold(raw);
      out.push({ term: term, start: wordStart, end: end, cjk: false });
      if (term.indexOf("_") >= 0) {
        var parts = raw.split("_"), at = wordStart;
        for (var p = 0; p < parts.length; p++) {
          if (parts[p] && parts[p] !== raw) { out.push({ term: fold(parts[p]), start: at, end: at + parts[p].length, cjk: false }); }
          at += parts[p].length + 1;
        }
      }
    }
    function flushCJK() {
      if (!cjk.length) { return; }
      var k;
      if (mode === "index" || cjk.length === 1) {
        for (k = 0; k < cjk.length; k++) { out.push({ term: cjk[k].ch, start: cjk[k].at, end: cjk[k].at + cjk[k].ch.length, cjk: true }); }
      }
      for (k = 0; k + 1 < cjk.length; k++) {
        out.push({ term: cjk[k].ch + cjk[k + 1].ch, start: cjk[k].at, end: cjk[k + 1].at + cjk[k + 1].ch.length, cjk: true });
      }
      cjk = [];
    }
    while (i < text.length) {
      var c = text.codePointAt(i), w = c > 0xFFFF ? 2 : 1, ch = text.substr(i, w);
      if (isCJK(c)) { flushWord(i); cjk.push({ ch: ch, at: i }); }
      else if (isWord(c, ch)) { flushCJK(); if (!word) { wordStart = i; } word += ch; }
      else { flushWord(i); flushCJK(); }
      i += w;
    }
    flushWord(i); flushCJK();
    return out;
  }

  function normalize(text) { return String(text).normalize("NFKC"); }
  function tokenize(text, mode) { return tokensOf(normalize(text), mode || "index"); }
  function hasCJK(text) { for (var i = 0; i < text.length; i++) { var c = text.codePointAt(i); if (isCJK(c)) { return true; } if (c > 0xFFFF) { i++; } } return false; }

  var encoder = new TextEncoder();
  function signatureHash(terms, from, to) {
    var h = 0x811C9DC5;
    for (var t = from; t < to; t++) {
      if (t > from) { h = Math.imul(h ^ 0x20, 0x01000193) >>> 0; }
      var bytes = encoder.encode(terms[t]);
      for (var b = 0; b < bytes.length; b++) { h = Math.imul(h ^ bytes[b], 0x01000193) >>> 0; }
    }
    return h >>> 0;
  }

  function parseQuery(text, prefix) {
    var norm = normalize(text), toks = tokensOf(norm, "query");
    var seq = toks.map(function (t) { return t.term; }), seen = {}, terms = [];
    seq.forEach(function (t) { if (!seen["$" + t]) { seen["$" + t] = true; terms.push(t); } });
    var last = toks[toks.length - 1], prefixTerm = null;
    if (prefix && last && !last.cjk && last.end === norm.length && codePoints(last.term) >= 3) { prefixTerm = last.term; }
    return { sequence: seq, terms: terms, prefixTerm: prefixTerm };
  }

  // ---- Index files ----

  var ALPHA = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", VAL = {};
  for (var a = 0; a < ALPHA.length; a++) { VAL[ALPHA.charAt(a)] = a; }
  function numbers(s) {
    var out = [], value = 0, shift = 0;
    for (var i = 0; i < s.length; i++) {
      var v = VAL[s.charAt(i)];
      if (v === undefined) { continue; }
      if (v >= 32) { value += (v - 32) * Math.pow(2, shift); shift += 5; }
      else { value += v * Math.pow(2, shift); out.push(value); value = 0; shift = 0; }
    }
    return out;
  }
  function decodePostings(s) {
    var n = numbers(s), out = [], prev = -1;
    for (var i = 0; i + 1 < n.length; i += 2) { prev = prev + 1 + n[i]; out.push(prev, n[i + 1]); }
    return out; // flat: doc, impact, doc, impact…
  }
  function decodeDocs(s) { var prev = -1; return numbers(s).map(function (d) { prev = prev + 1 + d; return prev; }); }

  var script = document.currentScript;
  var root = (script && script.getAttribute("data-kb-root")) || "";
  var pageLang = (script && script.getAttribute("data-kb-lang")) || document.documentElement.lang || "en";
  var data = { meta: {}, shard: {}, doc: {} };
  var loading = {};
  api.loaded = function () { return Object.keys(loading); };

  api.add = function (o) {
    if (!o || !o.type) { return; }
    if (o.type === "meta") { data.meta[o.lang] = o; }
    else if (o.type === "shard") {
      var map = new Map();
      for (var i = 0; i < o.terms.length; i++) { map.set(o.terms[i], o.postings[i]); }
      data.shard[o.lang + "/" + o.n] = map;
    } else if (o.type === "doc") {
      // One-letter keys on disk (SiteIndex.Doc).
      data.doc[o.l + "/" + o.n] = { lang: o.l, n: o.n, id: o.i, title: o.h, url: o.u, kind: o.k, summary: o.s || "", text: o.x || "",
                                    platforms: o.p || [], tools: o.o || [], tags: o.g || [] };
    }
  };

  function load(path) {
    if (loading[path]) { return loading[path]; }
    loading[path] = new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = root + path;
      s.async = true;
      s.onload = function () { resolve(); };
      s.onerror = function () { delete loading[path]; reject(new Error("cannot load " + path)); };
      document.head.appendChild(s);
    });
    return loading[path];
  }

  function meta(lang) { return load("search/" + lang + "/meta.js").then(function () { return data.meta[lang]; }); }

  function shardFor(m, term) {
    var lo = 0, hi = m.shards.length - 1, found = -1;
    while (lo <= hi) { var mid = (lo + hi) >> 1; if (!(term < m.shards[mid])) { found = mid; lo = mid + 1; } else { hi = mid - 1; } }
    return found;
  }

  function shards(lang, m, list) {
    var uniq = [];
    list.forEach(function (k) { if (k >= 0 && uniq.indexOf(k) < 0) { uniq.push(k); } });
    return Promise.all(uniq.map(function (k) { return load("search/" + lang + "/t" + k + ".js"); }));
  }

  function postings(lang, m, term) {
    var k = shardFor(m, term);
    if (k < 0) { return []; }
    var s = data.shard[lang + "/" + k], p = s && s.get(term);
    return p ? decodePostings(p) : [];
  }

  function prefixShards(m, prefix) {
    var k = shardFor(m, prefix), out = [];
    if (k < 0) { k = 0; }
    out.push(k);
    for (var j = k + 1; j < m.shards.length && m.shards[j].indexOf(prefix) === 0; j++) { out.push(j); }
    return out;
  }

  function expansions(lang, m, prefix) {
    var all = [];
    prefixShards(m, prefix).forEach(function (k) {
      var s = data.shard[lang + "/" + k];
      if (s) { s.forEach(function (_, t) { if (t !== prefix && t.indexOf(prefix) === 0) { all.push(t); } }); }
    });
    all.sort(function (x, y) { return x < y ? -1 : x > y ? 1 : 0; });
    return all.slice(0, 64);
  }

  // ---- Ranking (docs/search.md §Ranking; Swift: Sources/KBSearch/Ranker.swift) ----

  function rank(lang, m, q, filters) {
    var matched = new Map(), score = new Map(), order = [];
    q.terms.forEach(function (term) {
      var best = new Map(), p = postings(lang, m, term), i;
      for (i = 0; i < p.length; i += 2) { best.set(p[i], p[i + 1]); }
      if (term === q.prefixTerm) {
        expansions(lang, m, term).forEach(function (other) {
          var e = postings(lang, m, other);
          for (var j = 0; j < e.length; j += 2) {
            var half = Math.floor(e[j + 1] / 2);
            if ((best.get(e[j]) || 0) < half) { best.set(e[j], half); }
          }
        });
      }
      best.forEach(function (impact, doc) {
        if (doc >= m.count) { return; }
        if (!matched.has(doc)) { matched.set(doc, 0); score.set(doc, 0); order.push(doc); }
        matched.set(doc, matched.get(doc) + 1);
        score.set(doc, score.get(doc) + impact);
      });
    });
    var tiers = new Map(), seq = q.sequence;
    if (m.errors.length) {
      var windows = {}, whole = signatureHash(seq, 0, seq.length);
      m.errors.forEach(function (e) {
        var len = e[0];
        if (len <= 0 || len > seq.length || windows[len]) { return; }
        var set = new Set();
        for (var s = 0; s + len <= seq.length; s++) { set.add(signatureHash(seq, s, s + len)); }
        windows[len] = set;
      });
      m.errors.forEach(function (e) {
        var tier = (e[0] === seq.length && e[1] === whole) ? 2 : (windows[e[0]] && windows[e[0]].has(e[1]) ? 1 : 0);
        if (tier > (tiers.get(e[2]) || 0)) { tiers.set(e[2], tier); }
      });
    }
    var allowed = null;
    Object.keys(filters || {}).forEach(function (facet) {
      var values = filters[facet];
      if (!values || !values.length || facet === "lang") { return; }
      var set = new Set();
      values.forEach(function (v) {
        var enc = m.facets[facet] && m.facets[facet][v];
        if (enc) { decodeDocs(enc).forEach(function (d) { set.add(d); }); }
      });
      if (allowed) { var both = new Set(); allowed.forEach(function (d) { if (set.has(d)) { both.add(d); } }); allowed = both; }
      else { allowed = set; }
    });
    var hits = [];
    order.forEach(function (doc) {
      if (allowed && !allowed.has(doc)) { return; }
      hits.push({ doc: doc, tier: tiers.get(doc) || 0, matched: matched.get(doc), score: score.get(doc) });
    });
    hits.sort(function (x, y) {
      return (y.tier - x.tier) || (y.matched - x.matched) || (y.score - x.score) || (x.doc - y.doc);
    });
    return hits;
  }

  // Ranked hits for `text` in `lang`'s index: loads meta, then only the shards the terms need.
  api.search = function (text, options) {
    options = options || {};
    var lang = options.lang || pageLang, prefix = options.prefix !== false;
    var q = parseQuery(text, prefix);
    if (!q.terms.length) { return Promise.resolve({ query: q, hits: [], lang: lang }); }
    return meta(lang).then(function (m) {
      var need = q.terms.map(function (t) { return shardFor(m, t); });
      if (q.prefixTerm) { need = need.concat(prefixShards(m, q.prefixTerm)); }
      return shards(lang, m, need).then(function () {
        var hits = rank(lang, m, q, options.filters || {});
        var terms = q.terms.slice();
        if (q.prefixTerm) { terms = terms.concat(expansions(lang, m, q.prefixTerm)); }
        return { query: q, hits: hits, lang: lang, meta: m, highlight: terms };
      });
    });
  };

  api.doc = function (lang, n) {
    return load("search/" + lang + "/d/" + n + ".js").then(function () { return data.doc[lang + "/" + n]; });
  };

  // Top `limit` hits with their documents.
  api.results = function (text, options) {
    var limit = (options && options.limit) || 10;
    return api.search(text, options).then(function (r) {
      var top = r.hits.slice(0, limit);
      return Promise.all(top.map(function (h) { return api.doc(r.lang, h.doc); })).then(function (docs) {
        r.docs = docs;
        return r;
      });
    });
  };

  api.tokenize = function (text, mode) { return tokenize(text, mode).map(function (t) { return t.term; }); };
  api.tokens = tokenize;
  api.parseQuery = parseQuery;
  api.signatureHash = function (terms) { return signatureHash(terms, 0, terms.length); };

  // ---- Snippets ----

  function snippet(doc, terms) {
    var set = new Set(terms);
    var sources = [doc.text || "", doc.summary || ""];
    for (var s = 0; s < sources.length; s++) {
      var text = normalize(sources[s]).replace(/\n/g, " ");
      var toks = tokensOf(text, "index").filter(function (t) { return set.has(t.term); });
      if (!toks.length) { continue; }
      var best = 0, bestCount = 0, W = 160;
      for (var i = 0; i < toks.length; i++) {
        var seen = new Set();
        for (var j = i; j < toks.length && toks[j].end <= toks[i].start + W; j++) { seen.add(toks[j].term); }
        if (seen.size > bestCount) { bestCount = seen.size; best = i; }
      }
      var start = Math.max(0, toks[best].start - 30);
      while (start > 0 && start < toks[best].start && text.charAt(start - 1) !== " ") { start++; }
      var end = Math.min(text.length, start + W), ranges = [];
      toks.forEach(function (t) {
        if (t.start < start || t.end > end) { return; }
        var last = ranges[ranges.length - 1];
        if (last && t.start <= last[1]) { last[1] = Math.max(last[1], t.end); } else { ranges.push([t.start, t.end]); }
      });
      return { text: text, start: start, end: end, ranges: ranges };
    }
    var plain = doc.summary || doc.text || "";
    return { text: plain, start: 0, end: Math.min(plain.length, 160), ranges: [] };
  }

  function renderSnippet(el, sn) {
    el.textContent = "";
    if (sn.start > 0) { el.appendChild(document.createTextNode("…")); }
    var at = sn.start;
    sn.ranges.forEach(function (r) {
      el.appendChild(document.createTextNode(sn.text.slice(at, r[0])));
      var mark = document.createElement("mark");
      mark.textContent = sn.text.slice(r[0], r[1]);
      el.appendChild(mark);
      at = r[1];
    });
    el.appendChild(document.createTextNode(sn.text.slice(at, sn.end)));
    if (sn.end < sn.text.length) { el.appendChild(document.createTextNode("…")); }
  }
  api.snippet = snippet;

  // ---- Interface ----

  var STRINGS = {
    en: { results: "results", result: "result", none: "No results for", searching: "Searching…", empty: "Type a few words or paste an error message.",
          failed: "The search index could not be loaded.", all: "See all results", more: "More results", kind: "Kind", platform: "Platform", tool: "Tool", tag: "Tag",
          k: { symptom: "Symptom", cause: "Cause", fix: "Fix", concept: "Concept", runbook: "Runbook", reference: "Reference" } },
    zh: { results: "条结果", result: "条结果", none: "没有找到结果：", searching: "正在搜索…", empty: "输入几个词，或粘贴报错信息。",
          failed: "无法加载搜索索引。", all: "查看全部结果", more: "更多结果", kind: "类型", platform: "平台", tool: "工具", tag: "标签",
          k: { symptom: "症状", cause: "原因", fix: "修复", concept: "概念", runbook: "运维手册", reference: "参考" } }
  };
  var T = STRINGS[pageLang] || STRINGS.en;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function resultItem(doc, terms, tag) {
    var li = el(tag || "li", "kb-result");
    li.setAttribute("data-kb-id", doc.id);
    var a = el("a", "kb-result-title", doc.title);
    a.href = root + doc.url;
    li.appendChild(a);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(el("span", "badge kind kind-" + doc.kind, T.k[doc.kind] || doc.kind));
    var p = el("p", "kb-snippet");
    renderSnippet(p, snippet(doc, terms));
    li.appendChild(p);
    return li;
  }

  // Results as you type, under every search box.
  function attachBox(form) {
    var input = form.querySelector("input[name=q]");
    if (!input) { return; }
    var popup = form.querySelector(".kb-search-popup");
    if (!popup) { popup = el("div", "kb-search-popup"); popup.hidden = true; form.appendChild(popup); }
    popup.id = popup.id || "kb-search-popup-" + Math.random().toString(36).slice(2, 8);
    popup.setAttribute("role", "listbox");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", popup.id);
    input.setAttribute("aria-expanded", "false");
    var timer = null, active = -1, serial = 0;
    function items() { return popup.querySelectorAll(".kb-result"); }
    function select(i) {
      var list = items();
      if (!list.length) { active = -1; return; }
      active = (i + list.length) % list.length;
      for (var k = 0; k < list.length; k++) { list[k].setAttribute("aria-selected", k === active ? "true" : "false"); }
      input.setAttribute("aria-activedescendant", list[active].id);
      list[active].scrollIntoView({ block: "nearest" });
    }
    function close() { popup.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; input.removeAttribute("aria-activedescendant"); }
    function run() {
      var text = input.value, mine = ++serial;
      if (!text.trim()) { close(); return; }
      api.results(text, { limit: 8 }).then(function (r) {
        if (mine !== serial) { return; }
        popup.textContent = "";
        if (!r.hits.length) { popup.appendChild(el("p", "kb-search-empty", T.none + " " + text)); }
        r.docs.forEach(function (d, i) {
          var item = resultItem(d, r.highlight, "div");
          item.id = popup.id + "-" + i;
          item.setAttribute("role", "option");
          item.setAttribute("aria-selected", "false");
          popup.appendChild(item);
        });
        if (r.hits.length > r.docs.length) {
          var more = el("a", "kb-search-more", T.all + " (" + r.hits.length + ")");
          more.href = form.getAttribute("action") + "?q=" + encodeURIComponent(text);
          popup.appendChild(more);
        }
        popup.hidden = false;
        input.setAttribute("aria-expanded", "true");
        active = -1;
      }, function () { if (mine === serial) { popup.textContent = T.failed; popup.hidden = false; } });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 60); });
    input.addEventListener("focus", function () { meta(pageLang).catch(function () {}); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); if (popup.hidden) { run(); } else { select(active + 1); } }
      else if (e.key === "ArrowUp") { e.preventDefault(); select(active - 1); }
      else if (e.key === "Escape") { close(); }
      else if (e.key === "Enter" && active >= 0) {
        e.preventDefault();
        var link = items()[active].querySelector("a");
        if (link) { window.location.href = link.href; }
      }
    });
    document.addEventListener("click", function (e) { if (!form.contains(e.target)) { close(); } });
  }

  // search.html?q=…: the full result list with facet filters.
  var PAGE = 20;
  function searchPage(page) {
    var params = new URLSearchParams(window.location.search);
    var text = params.get("q") || "";
    var list = page.querySelector("#kb-search-results"), status = page.querySelector("#kb-search-status");
    var facetBox = page.querySelector("#kb-search-facets");
    var input = page.querySelector("input[name=q]");
    if (input) { input.value = text; }
    var filters = {};
    ["kind", "platform", "tool", "tag"].forEach(function (f) { var v = params.getAll(f); if (v.length) { filters[f] = v; } });
    function show() {
      if (!text.trim()) { status.textContent = T.empty; list.textContent = ""; return; }
      status.textContent = T.searching;
      var started = performance.now();
      api.search(text, { filters: filters }).then(function (r) {
        var top = r.hits.slice(0, PAGE);
        return Promise.all(top.map(function (h) { return api.doc(r.lang, h.doc); })).then(function (docs) {
          list.textContent = "";
          docs.forEach(function (d) { list.appendChild(resultItem(d, r.highlight)); });
          more(r, PAGE);
          status.textContent = r.hits.length ? r.hits.length + " " + (r.hits.length === 1 ? T.result : T.results) : T.none + " " + text;
          page.setAttribute("data-kb-query-ms", String(Math.round(performance.now() - started)));
          page.setAttribute("data-kb-ready-ms", String(Math.round(performance.now())));
          page.setAttribute("data-kb-loaded", Object.keys(loading).join(" "));
          page.setAttribute("data-kb-state", "done");
          facets(r);
        });
      }).catch(function () { status.textContent = T.failed; page.setAttribute("data-kb-state", "failed"); });
    }
    // Further results, PAGE at a time: each shown result loads its own small file.
    function more(r, shown) {
      var old = page.querySelector(".kb-search-more");
      if (old) { old.parentNode.removeChild(old); }
      if (r.hits.length <= shown) { return; }
      var button = el("button", "kb-search-more", T.more + " (" + (r.hits.length - shown) + ")");
      button.type = "button";
      button.addEventListener("click", function () {
        var next = r.hits.slice(shown, shown + PAGE);
        Promise.all(next.map(function (h) { return api.doc(r.lang, h.doc); })).then(function (docs) {
          docs.forEach(function (d) { list.appendChild(resultItem(d, r.highlight)); });
          more(r, shown + next.length);
        });
      });
      list.parentNode.insertBefore(button, list.nextSibling);
    }
    function facets(r) {
      facetBox.textContent = "";
      var unfiltered = rank(r.lang, r.meta, r.query, {});
      var inHits = new Set(unfiltered.map(function (h) { return h.doc; }));
      ["kind", "platform", "tool", "tag"].forEach(function (f) {
        var values = r.meta.facets[f];
        if (!values) { return; }
        var rows = [];
        Object.keys(values).sort().forEach(function (v) {
          var n = decodeDocs(values[v]).filter(function (d) { return inHits.has(d); }).length;
          if (n) { rows.push([v, n]); }
        });
        if (rows.length < 2 && !(filters[f] && filters[f].length)) { return; }
        var fs = el("fieldset", "kb-facet kb-facet-" + f);
        fs.appendChild(el("legend", "", T[f]));
        rows.forEach(function (row) {
          var label = el("label"), box = el("input");
          box.type = "checkbox";
          box.name = f;
          box.value = row[0];
          box.checked = !!(filters[f] && filters[f].indexOf(row[0]) >= 0);
          box.addEventListener("change", function () {
            var cur = filters[f] || [];
            cur = box.checked ? cur.concat([row[0]]) : cur.filter(function (x) { return x !== row[0]; });
            if (cur.length) { filters[f] = cur; } else { delete filters[f]; }
            var next = new URLSearchParams();
            next.set("q", text);
            Object.keys(filters).forEach(function (k) { filters[k].forEach(function (v) { next.append(k, v); }); });
            try { history.replaceState(null, "", "?" + next.toString()); } catch (e) { /* file:// may refuse */ }
            show();
          });
          label.appendChild(box);
          label.appendChild(document.createTextNode(" " + (f === "kind" ? (T.k[row[0]] || row[0]) : row[0]) + " "));
          label.appendChild(el("span", "count", String(row[1])));
          fs.appendChild(label);
        });
        facetBox.appendChild(fs);
      });
    }
    show();
  }

  function start() {
    var forms = document.querySelectorAll("form.kb-search");
    for (var i = 0; i < forms.length; i++) { attachBox(forms[i]); }
    var page = document.querySelector("[data-kb-search-page]");
    if (page) { searchPage(page); }
    document.addEventListener("keydown", function (e) {
      if (e.key === "/" && !/^(INPUT|TEXTAREA|SELECT)$/.test((e.target && e.target.tagName) || "")) {
        var box = document.querySelector("form.kb-search input[name=q]");
        if (box) { e.preventDefault(); box.focus(); }
      }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
