// kb site search: the tokenizer and ranking of docs/search.md (the same as `kb search`), over an
// index of plain .js files loaded with <script> tags, so it works from file:// with no server.
// No framework, no fetch, no modules, no WASM.
(function () {
  "use strict";
  var api = window.kbSearch = window.kbSearch || {};
  if (api.ready) { return; }
  api.ready = true;

  // ---- Tokenizer (docs/search.md §Tokenizer; Swift: Sources/KBSearch/Tokenizer.swift) ----

  var MAX_WORD = 40, MAX_IDENTIFIER = 100;
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
      var n = codePoints(raw), underscore = raw.indexOf("_") >= 0;
      if (n > MAX_WORD && !(underscore && n <= MAX_IDENTIFIER)) { return; }
      var term = fold(raw);
      out.push({ term: term, start: wordStart, end: end, cjk: false });
      if (underscore) {
        var parts = raw.split("_"), at = wordStart;
        for (var p = 0; p < parts.length; p++) {
          if (parts[p] && parts[p] !== raw && codePoints(parts[p]) <= MAX_WORD) { out.push({ term: fold(parts[p]), start: at, end: at + parts[p].length, cjk: false }); }
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
  // Spreads a signature hash over 32 bits (murmur3's finalizer; Swift: SiteIndex.mix).
  function mix(h) {
    h = (h ^ (h >>> 16)) >>> 0;
    h = Math.imul(h, 0x85EBCA6B) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
    h = Math.imul(h, 0xC2B2AE35) >>> 0;
    return (h ^ (h >>> 16)) >>> 0;
  }

  // ---- Query (docs/search.md §Query; Swift: Sources/KBSearch/QueryParser.swift) ----

  var NOISE = [
    /(?<![A-Za-z0-9_])PS(?: [A-Za-z]:\\[^<>|"\r\n]{0,400})?>/g,
    /(?<![A-Za-z0-9_])[A-Za-z]:\\(?:[^\\<>|" \t\r\n:]+(?: [^\\<>|" \t\r\n:]+)*\\)*(?:[^\\<>|" \t\r\n:]+(?: [^\\<>|" \t\r\n:]+)*)?>/g,
    /(?<![A-Za-z0-9_.-])[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+(?::[^ \t\r\n$#]*[$#]| [^ \t\r\n%]+ %)/g,
    /(?<![^ \t\r\n])\u279C(?:[ \t]+[^ \t\r\n]+[ \t]+git:\([^ \t\r\n()]{1,200}\)(?:[ \t]+\u2717)?|  [^ \t\r\n]+)/g,
    /(?<![0-9])[0-9]{4}[-/][0-9]{2}[-/][0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?/g,
    /(?<![A-Za-z0-9_:])[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?(?![A-Za-z0-9_])/g,
    /(?<![A-Za-z0-9_])(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4}/g,
    /(?<![^ \t\r\n])[+-][0-9]{4}(?![A-Za-z0-9_])/g,
    /(?<![A-Za-z0-9_])(?:[A-Za-z]:\\|\/)(?:[^\s"'<>|:\\/]+(?: [^\s"'<>|:\\/]+)*[\\/])*go-build[0-9]+[\\/][^\s"'<>|:]*/g,
    /(?<![A-Za-z0-9_])[IWEF][0-9]{4} [^\]\r\n]{0,80}\]/g,
    /"(?:level|ts|time|timestamp|caller|msg|logger|stacktrace)":/g,
    /(?<![A-Za-z0-9_])(?:level|ts|time|caller|msg|logger)=/g,
    /(?<![A-Za-z0-9_./-])[A-Za-z0-9_./-]+\.go:[0-9]+/g,
    /(?<![A-Za-z0-9_])At line:[0-9]+ char:[0-9]+/g
  ];
  function removeNoise(text) { for (var i = 0; i < NOISE.length; i++) { text = text.replace(NOISE[i], " "); } return text; }

  var STOP = {};
  ("a an the is are was were be been am i me my you your we our it its this that these those to of in on at by for with from into " +
   "and or but so if then than do does did how what which who why when where can could should would will just still also there here some " +
   "very please has have had as about t s don won doesn isn didn m ve ll re d").split(" ").forEach(function (w) { STOP["$" + w] = true; });
  var STOP_CHARS = "的了吗呢吧啊么我你它嘛呀";
  var STOP_BIGRAMS = {};
  "为什 一直 总是 还是 已经 可以 这个 那个 哪个 一个 请问 时候 但是 然后 为何 是不 不是".split(" ").forEach(function (w) { STOP_BIGRAMS["$" + w] = true; });
  function isStop(t) {
    if (t.cjk) {
      if (STOP_BIGRAMS["$" + t.term]) { return true; }
      for (var i = 0; i < t.term.length; i++) { if (STOP_CHARS.indexOf(t.term.charAt(i)) >= 0) { return true; } }
      return false;
    }
    return !!STOP["$" + t.term] || (t.term.length === 1 && t.term.charCodeAt(0) < 0x80);
  }
  function isStopTerm(term) { return isStop({ term: term, cjk: isCJK(term.codePointAt(0)) }); }
  var QUOTED = "\u0001q", PAIRS = { 0x27: 0x27, 0x22: 0x22, 0x60: 0x60, 0x201C: 0x201D, 0x2018: 0x2019 };
  function shapeOf(toks, text) {
    return toks.map(function (t) {
      if (t.cjk || t.start <= 0) { return t.term; }
      var close = PAIRS[text.charCodeAt(t.start - 1)];
      if (t.end < text.length && close !== undefined && text.charCodeAt(t.end) === close) { return QUOTED; }
      if (t.start >= 2 && text.charCodeAt(t.start - 2) === 0x3A && text.charCodeAt(t.start - 1) === 0x20 &&
          (t.end === text.length || text.charCodeAt(t.end) === 0x3A)) { return QUOTED; }
      return t.term;
    });
  }

  function parseQuery(text, prefix) {
    var norm = normalize(text), cleaned = removeNoise(norm), toks = tokensOf(cleaned, "query");
    var seq = toks.map(function (t) { return t.term; }), seen = {}, terms = [];
    toks.forEach(function (t) { if (!isStop(t) && !seen["$" + t.term]) { seen["$" + t.term] = true; terms.push(t.term); } });
    // A query of stop words only ranks by them all the same.
    if (!terms.length) { toks.forEach(function (t) { if (!seen["$" + t.term]) { seen["$" + t.term] = true; terms.push(t.term); } }); }
    var last = toks[toks.length - 1], prefixTerm = null;
    if (prefix && last && !last.cjk && last.end === cleaned.length && codePoints(last.term) >= 3 && seen["$" + last.term]) { prefixTerm = last.term; }
    return { sequence: seq, shape: shapeOf(toks, cleaned), terms: terms, prefixTerm: prefixTerm, cleaned: cleaned };
  }

  // ---- Typos (docs/search.md §Typos; Swift: Sources/KBSearch/Vocabulary.swift) ----

  function isCandidate(term) {
    if (term.length < 4) { return false; }
    var digits = 0;
    for (var i = 0; i < term.length; i++) {
      var u = term.charCodeAt(i);
      if (u >= 0x1100) { return false; }
      if (u >= 0x30 && u <= 0x39) { digits++; }
    }
    return digits * 3 < term.length;
  }
  function maxDistance(term) { return term.length >= 8 ? 2 : 1; }
  function distance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) { return limit + 1; }
    var m = a.length, n = b.length, j;
    if (m === 0) { return n; }
    var prev2 = new Array(n + 1).fill(0), prev = [], cur = new Array(n + 1).fill(0);
    for (j = 0; j <= n; j++) { prev.push(j); }
    for (var i = 1; i <= m; i++) {
      cur[0] = i;
      var rowMin = cur[0];
      for (j = 1; j <= n; j++) {
        var cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) { v = Math.min(v, prev2[j - 2] + 1); }
        cur[j] = v;
        if (v < rowMin) { rowMin = v; }
      }
      if (rowMin > limit) { return limit + 1; }
      var t = prev2; prev2 = prev; prev = cur; cur = t;
    }
    return prev[n];
  }
  api.distance = function (a, b, limit) { return distance(a, b, limit); };


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
  var data = { meta: {}, shard: {}, doc: {}, vocab: {}, errors: {}, efilter: {}, facet: {}, pinyin: {}, homophones: {} };
  var loading = {};
  api.loaded = function () { return Object.keys(loading); };

  api.add = function (o) {
    if (!o || !o.type) { return; }
    if (o.type === "meta") { data.meta[o.lang] = o; }
    else if (o.type === "shard") {
      var map = new Map();
      for (var i = 0; i < o.terms.length; i++) { map.set(o.terms[i], o.postings[i]); }
      data.shard[o.lang + "/" + o.n] = map;
    } else if (o.type === "vocab") {
      data.vocab[o.lang + "/" + o.n] = o.terms;
    } else if (o.type === "pinyin") {
      data.pinyin[o.lang + "/" + o.k] = o.r.split(" ");
    } else if (o.type === "homophones") {
      data.homophones[o.lang + "/" + o.k] = o.r;
    } else if (o.type === "errors") {
      data.errors[o.lang + "/" + o.n + "/" + o.k] = o.e; // hash, doc, kind per signature
    } else if (o.type === "efilter") {
      data.efilter[o.lang + "/" + o.n] = { r: o.r, set: new Set(decodeDocs(o.s)) };
    } else if (o.type === "facet") {
      data.facet[o.lang + "/" + o.facet] = o.values;
    } else if (o.type === "docs") {
      // A few documents a file (meta.js `per`), one-letter keys on disk (SiteIndex.Doc).
      for (var j = 0; j < o.d.length; j++) {
        var d = o.d[j];
        data.doc[d.l + "/" + d.n] = { lang: d.l, n: d.n, id: d.i, title: d.h, url: d.u, kind: d.k, summary: d.s || "", text: d.x || "",
                                      platforms: d.p || [], tools: d.o || [], tags: d.g || [], causes: d.c || [], errorWords: d.w || [] };
      }
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

  // Facet files (`f-<facet>.js`: value → documents), loaded for a filter, a `kind:` synonym
  // target or the facet box only.
  function facetFiles(lang, m, names) {
    var have = m.facets || [];
    return Promise.all(names.filter(function (f) { return have.indexOf(f) >= 0; })
      .map(function (f) { return load("search/" + lang + "/f-" + f + ".js"); }));
  }
  function facetValues(lang, f) { return data.facet[lang + "/" + f] || {}; }

  // Error files (Swift: SiteIndex.errorFiles): for every signature length L not longer than the
  // query, the hashes of its L-term windows (plain and shape) name the buckets `e<L>-<b>.js` that
  // can hold a matching signature. When those buckets would cost more bytes than the length's
  // filter `e<L>.js`, the filter is loaded first and only the hashes it may hold name buckets.
  function errorProbes(m, q) {
    var out = [], seq = q.sequence, shape = q.shape;
    (m.errors || []).forEach(function (e) {
      var len = e[0];
      if (len <= 0 || len > seq.length || e[1] <= 0) { return; }
      var hashes = new Set();
      for (var s = 0; s + len <= seq.length; s++) {
        hashes.add(signatureHash(seq, s, s + len));
        if (shape.length === seq.length) { hashes.add(signatureHash(shape, s, s + len)); }
      }
      out.push({ len: len, buckets: e[1], per: e[2] / e[1], filterBytes: e[3], hashes: Array.from(hashes) });
    });
    return out;
  }
  function bucketsOf(p, hashes) {
    var set = new Set();
    hashes.forEach(function (h) { set.add(mix(h) % p.buckets); });
    return Array.from(set);
  }
  function errorFiles(lang, m, q) {
    var probes = errorProbes(m, q);
    probes.forEach(function (p) {
      p.filter = p.filterBytes > 0 && (!!data.efilter[lang + "/" + p.len] || bucketsOf(p, p.hashes).length * p.per > p.filterBytes + p.per);
    });
    return Promise.all(probes.filter(function (p) { return p.filter; })
      .map(function (p) { return load("search/" + lang + "/e" + p.len + ".js"); })).then(function () {
      var files = [];
      probes.forEach(function (p) {
        var hashes = p.hashes, f = p.filter && data.efilter[lang + "/" + p.len];
        if (f) { hashes = hashes.filter(function (h) { return f.set.has(mix(h) % Math.max(1, f.r)); }); }
        bucketsOf(p, hashes).forEach(function (b) { files.push("search/" + lang + "/e" + p.len + "-" + b + ".js"); });
      });
      return Promise.all(files.map(load));
    });
  }

  // ---- Ranking (docs/search.md §Ranking; Swift: Sources/KBSearch/Ranker.swift) ----

  var EXACT = 4, PREFIX = 2, ONE_EDIT = 2, TWO_EDITS = 1, SYNONYM = 3, BANDS = 10, FULL_STRENGTH = 4;
  // A cause joins its symptom's tier (docs/search.md §Ranking, step 5; Swift: Ranker.liftWords, liftShare, liftRatio).
  var LIFT_WORDS = 2, LIFT_SHARE = 3, LIFT_RATIO = [5, 4];
  function informativeness(n, df) { return df > 0 ? Math.round(100 * Math.log(1 + n / df)) : 0; }
  function utf16Less(x, y) { return x < y ? -1 : x > y ? 1 : 0; }

  // The root inflected forms of an English word share (docs/search.md §Typos; Swift: Vocabulary.root). Not `root`: that is the site root path.
  function wordRoot(word) {
    if (word.length < 4 || !/^[a-z]+$/.test(word)) { return word; }
    var r = word, stripped = false;
    function ends(s) { return r.length >= s.length && r.slice(r.length - s.length) === s; }
    function vowel(s) { return /[aeiou]/.test(s); }
    if (ends("sses")) { r = r.slice(0, -2); }
    else if (ends("ies")) { r = r.slice(0, -3) + "y"; }
    else if (ends("ss") || ends("us") || ends("is")) { /* kept */ }
    else if (ends("s")) { r = r.slice(0, -1); }
    if (ends("eed")) { /* kept */ }
    else if (ends("ed") && vowel(r.slice(0, -2))) { r = r.slice(0, -2); stripped = true; }
    else if (ends("ing") && vowel(r.slice(0, -3))) { r = r.slice(0, -3); stripped = true; }
    if (stripped && r.length >= 2 && r.charAt(r.length - 1) === r.charAt(r.length - 2) && !/[lszaeiou]/.test(r.charAt(r.length - 1))) {
      r = r.slice(0, -1);
    }
    if (ends("e")) { r = r.slice(0, -1); }
    return r.length >= 3 ? r : word;
  }
  api.root = wordRoot;

  // Root matching and negated words (docs/search.md §Typos; Swift: Vocabulary.rootForMatching, negated).
  var MAX_SUFFIX = 5;
  function rootForMatching(word) {
    if (!/^[a-z]+$/.test(word)) { return null; }
    var r = wordRoot(word);
    return r.length >= 4 ? r : null;
  }
  function negated(word) {
    if (!/^un[a-z]+$/.test(word)) { return null; }
    var rest = word.slice(2);
    return rest.length >= 4 && /(ed|able|ible)$/.test(rest) ? rest : null;
  }
  function typoForms(term) { var n = negated(term); return n ? [term, n] : [term]; }
  // Vocabulary lengths the corrections of `term` read (Swift: Vocabulary.lengths).
  function typoLengths(term) {
    var out = [];
    function add(from, to) { for (var len = Math.max(4, from); len <= to; len++) { if (out.indexOf(len) < 0) { out.push(len); } } }
    typoForms(term).forEach(function (q) {
      var k = maxDistance(q);
      add(q.length - k, q.length + k);
      var r = rootForMatching(q);
      if (r) { var kr = maxDistance(r); add(r.length - kr, r.length + kr + MAX_SUFFIX); }
    });
    return out.sort(function (x, y) { return x - y; });
  }

  // Typo candidates of `term` from the loaded vocabulary files: words within the limit, words whose
  // root is within the limit of the term's root (one edit more than the roots' distance), the same for a negated word's rest; at least one
  // edit each; the nearest distance, and other forms of those words; by distance, then UTF-16 order, at most 8.
  function corrections(lang, m, term) {
    var dist = new Map(), best = Infinity;
    function note(w, d) { d = Math.max(1, d); if (!dist.has(w) || d < dist.get(w)) { dist.set(w, d); } if (d < best) { best = d; } }
    function words(len) { return data.vocab[lang + "/" + len] || []; }
    typoForms(term).forEach(function (q) {
      var k = maxDistance(q), len;
      for (len = Math.max(4, q.length - k); len <= q.length + k; len++) {
        words(len).forEach(function (w) { if (w === term) { return; } var d = distance(q, w, k); if (d <= k) { note(w, d); } });
      }
      var r = rootForMatching(q);
      if (!r) { return; }
      var kr = maxDistance(r);
      for (len = Math.max(4, r.length - kr); len <= r.length + kr + MAX_SUFFIX; len++) {
        words(len).forEach(function (w) {
          if (w === term) { return; }
          var wr = rootForMatching(w);
          if (!wr) { return; }
          var d = distance(r, wr, kr);
          if (d <= kr) { note(w, d + 1); }
        });
      }
    });
    var found = [], roots = {};
    dist.forEach(function (d, w) { found.push([w, d]); });
    found.forEach(function (c) { if (c[1] === best) { roots["$" + wordRoot(c[0])] = true; } });
    return found.filter(function (c) { return c[1] === best || roots["$" + wordRoot(c[0])]; })
      .sort(function (x, y) { return (x[1] - y[1]) || utf16Less(x[0], y[0]); }).slice(0, 8);
  }

  // Vocabulary files that the unknown terms of `q` need (their shards must be loaded already).
  function vocabNeeded(lang, m, q) {
    var out = [];
    q.terms.forEach(function (t) {
      if (t === q.prefixTerm && expansions(lang, m, t).length) { return; }
      if (!isCandidate(t) || postings(lang, m, t).length) { return; }
      typoLengths(t).forEach(function (len) {
        if ((m.vocab || []).indexOf(len) >= 0 && out.indexOf(len) < 0) { out.push(len); }
      });
    });
    return out;
  }

  // Chinese typos (docs/search.md §Typos; Swift: HanTypos): a character of the same toneless
  // reading picked by mistake from a pinyin IME (`阶断` for `截断`, both `jie duan`).
  var HAN_FIRST = 0x4E00, HAN_LAST = 0x9FFF, HAN_BLOCK = 512;
  function isChinese(lang) { return lang === "zh" || lang.indexOf("zh-") === 0; }
  function hanBlock(c) {
    var v = c.codePointAt(0);
    return v >= HAN_FIRST && v <= HAN_LAST ? Math.floor((v - HAN_FIRST) / HAN_BLOCK) : -1;
  }
  function hanPair(t) { var s = Array.from(t); return s.length === 2 && hanBlock(s[0]) >= 0 && hanBlock(s[1]) >= 0 ? s : null; }
  // A character's reading from its loaded `p<k>.js` file, or null.
  function pinyin(lang, c) {
    var k = hanBlock(c), list = k >= 0 && data.pinyin[lang + "/" + k];
    return (list && list[(c.codePointAt(0) - HAN_FIRST) % HAN_BLOCK]) || null;
  }
  function homophoneBucket(reading, count) { return mix(signatureHash([reading], 0, 1)) % count; }
  // Which characters of an unknown query bigram may be the wrong one (Swift: HanTypos.replaceable):
  // not one that a known neighbour on its side also holds.
  function replaceable(lang, m, seq, term) {
    var out = [false, false];
    if (!hanPair(term)) { return out; }
    for (var i = 0; i < seq.length; i++) {
      if (seq[i] !== term) { continue; }
      var left = false, right = false;
      neighbours(seq, i).forEach(function (j) {
        if (postings(lang, m, seq[j]).length) { if (j < i) { left = true; } else { right = true; } }
      });
      out[0] = out[0] || !left;
      out[1] = out[1] || !right;
    }
    return out;
  }
  // The characters of `term` that may be replaced, or null when it gets no Han typo candidates.
  function hanTypo(lang, m, q, term) {
    if (!isChinese(lang) || !hanPair(term) || postings(lang, m, term).length) { return null; }
    var wrong = replaceable(lang, m, q.sequence, term);
    return wrong[0] || wrong[1] ? wrong : null;
  }
  // The `p<k>.js` files the Han typos of `q` need (their shards must be loaded already).
  function readingsNeeded(lang, m, q) {
    var out = [];
    if (!m.han) { return out; }
    q.terms.forEach(function (t) {
      if (!hanTypo(lang, m, q, t)) { return; }
      hanPair(t).forEach(function (c) { var k = hanBlock(c); if (out.indexOf(k) < 0) { out.push(k); } });
    });
    return out;
  }
  // The `h<b>.js` buckets they need then (their readings loaded).
  function homophonesNeeded(lang, m, q) {
    var out = [];
    if (!m.han) { return out; }
    q.terms.forEach(function (t) {
      if (!hanTypo(lang, m, q, t)) { return; }
      var s = hanPair(t), ra = pinyin(lang, s[0]), rb = pinyin(lang, s[1]);
      if (!ra || !rb) { return; }
      var b = homophoneBucket(ra + " " + rb, m.han);
      if (out.indexOf(b) < 0) { out.push(b); }
    });
    return out;
  }
  // Typo candidates of an unknown Han bigram: the indexed bigrams of the same reading that keep one
  // of its characters in its place (no stop words), in UTF-16 order, at most 8.
  function hanCorrections(lang, m, term, wrong) {
    var s = hanPair(term);
    if (!isChinese(lang) || !s || !m.han || !(wrong[0] || wrong[1])) { return []; }
    var ra = pinyin(lang, s[0]), rb = pinyin(lang, s[1]);
    if (!ra || !rb) { return []; }
    var reading = ra + " " + rb, bucket = data.homophones[lang + "/" + homophoneBucket(reading, m.han)];
    var list = (bucket && bucket[reading]) || "", out = [];
    for (var i = 0; i + 1 < list.length; i += 2) {
      var c = list.slice(i, i + 2);
      if (c === term || isStopTerm(c) || out.indexOf(c) >= 0) { continue; }
      if (list[i] !== s[0] && list[i + 1] === s[1] && wrong[0] || list[i] === s[0] && list[i + 1] !== s[1] && wrong[1]) { out.push(c); }
    }
    return out.sort(utf16Less).slice(0, 8);
  }

  function slots(lang, m, q) {
    var out = [];
    q.terms.forEach(function (term) {
      var alts = [[term, EXACT]], expanded = false;
      if (term === q.prefixTerm) {
        var more = expansions(lang, m, term);
        more.forEach(function (t) { alts.push([t, PREFIX]); });
        expanded = more.length > 0;
      }
      var typos = 0, wrong;
      if (!expanded && isCandidate(term) && !postings(lang, m, term).length) {
        var found = corrections(lang, m, term);
        found.forEach(function (c) { alts.push([c[0], c[1] === 1 ? ONE_EDIT : TWO_EDITS]); });
        typos = found.length;
      } else if (!expanded && (wrong = hanTypo(lang, m, q, term))) {
        var han = hanCorrections(lang, m, term, wrong);
        han.forEach(function (c) { alts.push([c, ONE_EDIT]); });
        typos = han.length;
      }
      out.push({ term: term, alternatives: alts, typos: typos });
    });
    var seq = q.sequence;
    (m.synonyms || []).forEach(function (g) {
      var pairs = g.targets && g.targets.length
        ? g.phrases.map(function (p) { return [p, g.targets]; })
        : g.phrases.map(function (p) { return [p, g.phrases.filter(function (o) { return o.join(" ") !== p.join(" "); })]; });
      pairs.forEach(function (pair) {
        var from = pair[0];
        if (!from.length || from.length > seq.length) { return; }
        var found = false;
        for (var s = 0; s + from.length <= seq.length && !found; s++) {
          var same = true;
          for (var j = 0; j < from.length; j++) { if (seq[s + j] !== from[j]) { same = false; break; } }
          found = same;
        }
        if (!found) { return; }
        var held = out.filter(function (slot) { return from.indexOf(slot.term) >= 0; }), lastTerm = from[from.length - 1];
        if (!held.length) { held = [{ term: lastTerm, alternatives: [[lastTerm, EXACT]] }]; out.push(held[0]); }
        pair[1].forEach(function (target) {
          var phrase = target.filter(function (t) { return !isStopTerm(t); }).join(" ");
          if (!phrase) { return; }
          held.forEach(function (slot) {
            if (!slot.alternatives.some(function (a) { return a[0] === phrase; })) { slot.alternatives.push([phrase, SYNONYM]); }
          });
        });
      });
    });
    return out;
  }

  // Postings of a term, or of a phrase (terms joined by spaces): documents holding every term,
  // with the mean of their impacts.
  function phrasePostings(lang, m, phrase) {
    // A synonym target `kind:K`: every page of kind K, each holding it at full strength.
    if (phrase.indexOf("kind:") === 0) {
      var enc = facetValues(lang, "kind")[phrase.slice(5)], kinds = enc ? decodeDocs(enc) : [], list = [];
      var own = informativeness(m.count, kinds.length), impact = Math.floor((8 * FULL_STRENGTH * own + 99) / 100);
      kinds.sort(function (x, y) { return x - y; }).forEach(function (d) { list.push(d, impact); });
      return list;
    }
    var terms = phrase.split(" ");
    if (terms.length < 2) { return postings(lang, m, phrase); }
    var sums = null;
    for (var i = 0; i < terms.length; i++) {
      var p = postings(lang, m, terms[i]), next = new Map();
      for (var j = 0; j < p.length; j += 2) {
        if (sums === null) { next.set(p[j], p[j + 1]); }
        else if (sums.has(p[j])) { next.set(p[j], sums.get(p[j]) + p[j + 1]); }
      }
      sums = next;
      if (!sums.size) { return []; }
    }
    var docs = Array.from(sums.keys()).sort(function (x, y) { return x - y; }), out = [];
    docs.forEach(function (d) { out.push(d, Math.floor(sums.get(d) / terms.length)); });
    return out;
  }

  // Chinese query bigrams that overlap known bigrams are worth at most the least informative of
  // them (docs/search.md §Ranking, step 3): `装失` in 安装失败 straddles two words.
  function straddleCaps(lang, m, q) {
    var seq = q.sequence, caps = new Map(), known = new Map();
    for (var i = 0; i < seq.length; i++) {
      neighbours(seq, i).forEach(function (j) {
        if (!known.has(seq[j])) { known.set(seq[j], postings(lang, m, seq[j]).length / 2); }
        var df = known.get(seq[j]);
        if (df <= 0) { return; }
        var info = informativeness(m.count, df);
        caps.set(seq[i], caps.has(seq[i]) ? Math.min(caps.get(seq[i]), info) : info);
      });
    }
    return caps;
  }
  // When seq[i] is a Chinese bigram that ranks (no stop word), the positions of the bigrams of the
  // same kind next to it that overlap it (Swift: Ranker.neighbours).
  function neighbours(seq, i) {
    function bigram(t) {
      var s = Array.from(t);
      return s.length === 2 && isCJK(s[0].codePointAt(0)) && isCJK(s[1].codePointAt(0)) && !isStopTerm(t) ? s : null;
    }
    var ts = bigram(seq[i]), out = [];
    if (!ts) { return out; }
    for (var j = i - 1; j <= i + 1; j += 2) {
      if (j < 0 || j >= seq.length) { continue; }
      var ys = bigram(seq[j]);
      if (ys && (j < i ? ys[1] === ts[0] : ts[1] === ys[0])) { out.push(j); }
    }
    return out;
  }

  // The error signatures of the loaded bucket files of the lengths this query can match:
  // [length, hash, doc, kind]. Every signature one of its windows can match is among them.
  function signaturesFor(lang, m, q) {
    var out = [];
    (m.errors || []).forEach(function (e) {
      if (e[0] <= 0 || e[0] > q.sequence.length) { return; }
      for (var b = 0; b < e[1]; b++) {
        var list = data.errors[lang + "/" + e[0] + "/" + b];
        if (!list) { continue; }
        for (var i = 0; i + 2 < list.length; i += 3) { out.push([e[0], list[i], list[i + 1], list[i + 2]]); }
      }
    });
    return out;
  }

  // Per document its tier; `starts` (optional) gets where its first matched error text starts.
  function tiersOf(lang, m, q, starts) {
    var tiers = new Map(), errors = signaturesFor(lang, m, q);
    if (!errors.length) { return tiers; }
    // Per length, each window's hash with the first position it starts at.
    function windows(seq) {
      var w = {};
      errors.forEach(function (e) {
        var len = e[0];
        if (len <= 0 || len > seq.length || w[len]) { return; }
        var at = new Map();
        for (var s = 0; s + len <= seq.length; s++) {
          var h = signatureHash(seq, s, s + len);
          if (!at.has(h)) { at.set(h, s); }
        }
        w[len] = at;
      });
      return w;
    }
    var seq = q.sequence, plain = windows(seq), shaped = windows(q.shape), whole = signatureHash(seq, 0, seq.length);
    var contradicted = new Set(), named = new Set();
    errors.forEach(function (e) {
      var kind = e[3];
      if (kind === 2) { if (shaped[e[0]] && shaped[e[0]].has(e[1])) { contradicted.add(e[2]); } return; }
      var tier = 0, start = 0;
      if (e[0] === seq.length && e[1] === whole) { tier = 2; }
      else if (kind !== 0 && plain[e[0]] && plain[e[0]].has(e[1])) { tier = 1; start = plain[e[0]].get(e[1]); }
      if (tier <= 0) { return; }
      if (kind === 3) { named.add(e[2]); }
      if (tier > (tiers.get(e[2]) || 0)) { tiers.set(e[2], tier); }
      if (starts) { starts.set(e[2], starts.has(e[2]) ? Math.min(starts.get(e[2]), start) : start); }
    });
    contradicted.forEach(function (doc) { if (!named.has(doc) && (tiers.get(doc) || 0) < 2) { tiers.set(doc, -1); } });
    return tiers;
  }

  // The causes a query's own words point at (docs/search.md §Ranking, step 5; Swift:
  // Ranker.causesLifted): per lifted cause, the tier of the symptom it joins. Needs the document
  // files of the tier ≥ 1 documents (searchIn loads them).
  function causesLifted(lang, m, q, slotList, covers, totals, tiers, starts) {
    var lifts = new Map(), docs = [], pasted = null;
    tiers.forEach(function (tier, doc) { if (tier > 0 && doc < m.count) { docs.push(doc); } });
    docs.sort(function (x, y) { return x - y; }).forEach(function (doc) {
      var d = data.doc[lang + "/" + doc], tier = tiers.get(doc), seq = q.sequence;
      if (!d || !d.causes.length) { return; }
      if (!pasted) { pasted = pastedRuns(q); }
      var errorWords = new Set(d.errorWords), words = new Set(), own = [];
      for (var i = Math.min(starts.get(doc) || 0, seq.length); i < seq.length; i++) {
        if (!pasted[i] && !errorWords.has(seq[i])) { words.add(seq[i]); }
      }
      slotList.forEach(function (slot, k) { if (totals[k] > 0 && words.has(slot.term)) { own.push(k); } });
      if (own.length < LIFT_WORDS) { return; }
      var worth = 0, symptom = 0;
      own.forEach(function (k) { worth += totals[k]; symptom += covers[k].has(doc) ? covers[k].get(doc).cover : 0; });
      d.causes.forEach(function (c) {
        if (c < 0 || c >= m.count || c === doc || (tiers.get(c) || 0) >= tier) { return; }
        var cause = 0;
        own.forEach(function (k) { cause += covers[k].has(c) ? covers[k].get(c).cover : 0; });
        if (cause > 0 && LIFT_SHARE * cause >= worth && LIFT_RATIO[1] * cause >= LIFT_RATIO[0] * symptom) {
          lifts.set(c, Math.max(lifts.get(c) || 0, tier));
        }
      });
    });
    return lifts;
  }

  // Per term of the query's sequence: whether it comes from a run of the text between spaces that
  // holds a letter or digit, one of `/ \ @ : = .` and a letter or digit (Swift: Ranker.pastedRuns).
  function pastedRuns(q) {
    var text = q.cleaned, runStart = 0, runEnd = 0, found = false;
    function space(u) { return u === 32 || u === 9 || u === 10 || u === 13; }
    function alnum(u) { return (u >= 48 && u <= 57) || (u >= 65 && u <= 90) || (u >= 97 && u <= 122); }
    function separator(u) { return u === 47 || u === 92 || u === 64 || u === 58 || u === 61 || u === 46; }
    // Tokens come in text order: each run is found and scanned once (linear in a long paste).
    return tokensOf(text, "query").map(function (t) {
      var at = Math.min(Math.max(t.start, 0), text.length);
      if (at >= runEnd) {
        runStart = at;
        while (runStart > runEnd && !space(text.charCodeAt(runStart - 1))) { runStart--; }
        runEnd = at;
        while (runEnd < text.length && !space(text.charCodeAt(runEnd))) { runEnd++; }
        found = false;
        for (var i = runStart + 1; i + 1 < runEnd && !found; i++) {
          found = separator(text.charCodeAt(i)) && alnum(text.charCodeAt(i - 1)) && alnum(text.charCodeAt(i + 1));
        }
      }
      return found;
    });
  }

  function rank(lang, m, q, filters) {
    var coverage = new Map(), score = new Map(), matchedTerms = new Map(), order = [], total = 0;
    if (!q.sequence.length) { return []; }
    var caps = straddleCaps(lang, m, q), slotList = slots(lang, m, q), covers = [], totals = [];
    slotList.forEach(function (slot) {
      var best = new Map(), slotTotal = 0, typoCap = Infinity;
      var lists = slot.alternatives.map(function (alt) { return phrasePostings(lang, m, alt[0]); });
      // Typo candidates are forms of one meant word: each is worth at most the commonest of them.
      for (var t = 1; t <= (slot.typos || 0); t++) {
        var df = lists[t].length / 2;
        if (df > 0) { typoCap = Math.min(typoCap, informativeness(m.count, df)); }
      }
      slot.alternatives.forEach(function (alt, ai) {
        var p = lists[ai];
        if (!p.length) { return; }
        var own = informativeness(m.count, p.length / 2), full = 8 * FULL_STRENGTH * own;
        // What the slot is worth: its own informativeness, capped for a straddling bigram and for a typo candidate.
        var info = caps.has(slot.term) ? Math.min(own, caps.get(slot.term)) : own;
        if (ai >= 1 && ai <= (slot.typos || 0)) { info = Math.min(info, typoCap); }
        if (Math.floor(info * alt[1] / 4) > slotTotal) { slotTotal = Math.floor(info * alt[1] / 4); }
        for (var i = 0; i < p.length; i += 2) {
          if (p[i] >= m.count) { continue; }
          var impact = Math.floor(p[i + 1] * alt[1] / 4), old = best.get(p[i]);
          var cover = Math.floor(Math.floor(Math.floor(Math.min(100 * p[i + 1], full) * info / Math.max(full, 1)) * alt[1]) / 4);
          if (old) {
            if (impact > old.impact) { old.impact = impact; old.term = alt[0]; }
            if (cover > old.cover) { old.cover = cover; }
          } else { best.set(p[i], { impact: impact, cover: cover, term: alt[0] }); }
        }
      });
      total += slotTotal;
      totals.push(slotTotal);
      covers.push(best);
      best.forEach(function (b, doc) {
        if (!coverage.has(doc)) { coverage.set(doc, 0); score.set(doc, 0); matchedTerms.set(doc, []); order.push(doc); }
        coverage.set(doc, coverage.get(doc) + b.cover);
        score.set(doc, score.get(doc) + b.impact);
        matchedTerms.get(doc).push(b.term);
      });
    });
    var starts = new Map(), tiers = tiersOf(lang, m, q, starts), lifts = causesLifted(lang, m, q, slotList, covers, totals, tiers, starts);
    lifts.forEach(function (tier, c) { tiers.set(c, tier); });
    tiers.forEach(function (tier, doc) {
      if (tier > 0 && doc < m.count && !coverage.has(doc)) { coverage.set(doc, 0); score.set(doc, 0); matchedTerms.set(doc, []); order.push(doc); }
    });
    var allowed = null;
    Object.keys(filters || {}).forEach(function (facet) {
      var values = filters[facet];
      if (!values || !values.length || facet === "lang") { return; }
      var set = new Set();
      values.forEach(function (v) {
        var enc = facetValues(lang, facet)[v];
        if (enc) { decodeDocs(enc).forEach(function (d) { set.add(d); }); }
      });
      if (allowed) { var both = new Set(); allowed.forEach(function (d) { if (set.has(d)) { both.add(d); } }); allowed = both; }
      else { allowed = set; }
    });
    var hits = [];
    order.forEach(function (doc) {
      if (allowed && !allowed.has(doc)) { return; }
      var c = coverage.get(doc);
      hits.push({ doc: doc, tier: tiers.get(doc) || 0, coverage: c, total: total, band: total > 0 ? Math.floor(c * BANDS / total) : 0,
                  score: score.get(doc), terms: matchedTerms.get(doc), lifted: lifts.has(doc) });
    });
    hits.sort(function (x, y) {
      return (y.tier - x.tier) || ((y.lifted ? 1 : 0) - (x.lifted ? 1 : 0)) || (y.band - x.band) || (y.score - x.score) || (x.doc - y.doc);
    });
    return hits;
  }

  // The languages to try for a query, like `kb search`: the first CJK language of the site for a
  // query with Han, Kana or Hangul, else the default (first) one; the others after it.
  function languageOrder(text, langs) {
    if (!langs.length) { return []; }
    var preferred = langs[0];
    if (hasCJK(text)) {
      for (var i = 0; i < langs.length; i++) { if (/^(zh|ja|ko)/.test(langs[i])) { preferred = langs[i]; break; } }
    }
    return [preferred].concat(langs.filter(function (l) { return l !== preferred; }));
  }

  // Ranked hits for `q` in one language: loads meta, the shards its terms need, the error files
  // its windows need, the vocabulary files its unknown words need (the readings and homophone
  // buckets of its unknown Chinese bigrams) and the facet files its
  // filters and `kind:` synonyms need (only those).
  function searchIn(lang, q, filters) {
    return meta(lang).then(function (m) {
      var need = q.terms.map(function (t) { return shardFor(m, t); });
      if (q.prefixTerm) { need = need.concat(prefixShards(m, q.prefixTerm)); }
      var facetsNeeded = Object.keys(filters || {}).filter(function (f) { return f !== "lang" && filters[f] && filters[f].length; });
      return Promise.all([shards(lang, m, need), errorFiles(lang, m, q), facetFiles(lang, m, facetsNeeded)]).then(function () {
        return Promise.all(vocabNeeded(lang, m, q).map(function (len) { return load("search/" + lang + "/v" + len + ".js"); })
          .concat(readingsNeeded(lang, m, q).map(function (k) { return load("search/" + lang + "/p" + k + ".js"); })));
      }).then(function () {
        return Promise.all(homophonesNeeded(lang, m, q).map(function (b) { return load("search/" + lang + "/h" + b + ".js"); }));
      }).then(function () {
        // Typo candidates and synonyms may live in other shards; a `kind:` target needs the kinds.
        var more = [], kinds = false;
        slots(lang, m, q).forEach(function (s) {
          s.alternatives.forEach(function (a) {
            if (a[0].indexOf("kind:") === 0) { kinds = true; return; }
            a[0].split(" ").forEach(function (t) { more.push(shardFor(m, t)); });
          });
        });
        return Promise.all([shards(lang, m, more), facetFiles(lang, m, kinds ? ["kind"] : [])]);
      }).then(function () {
        // A matched symptom's causes and error-text terms are in its document file (step 5).
        var per = m.per || 1, files = new Set();
        tiersOf(lang, m, q).forEach(function (tier, doc) { if (tier > 0 && doc < m.count) { files.add(Math.floor(doc / per)); } });
        return Promise.all(Array.from(files).map(function (k) { return load("search/" + lang + "/d/" + k + ".js"); }));
      }).then(function () {
        var hits = rank(lang, m, q, filters);
        var terms = q.terms.slice();
        hits.slice(0, 20).forEach(function (h) { h.terms.forEach(function (t) { if (terms.indexOf(t) < 0) { terms.push(t); } }); });
        return { query: q, hits: hits, lang: lang, meta: m, highlight: terms };
      });
    });
  }

  // Ranked hits for `text`: in options.lang, else in the query's language (as `kb search` picks
  // it), trying the site's other languages when that finds nothing.
  api.search = function (text, options) {
    options = options || {};
    var prefix = options.prefix !== false, filters = options.filters || {};
    var q = parseQuery(text, prefix);
    if (options.lang) {
      if (!q.sequence.length) { return Promise.resolve({ query: q, hits: [], lang: options.lang }); }
      return searchIn(options.lang, q, filters);
    }
    return meta(pageLang).then(function (m) {
      var order = languageOrder(text, (m && m.langs) || [pageLang]);
      if (!q.sequence.length) { return { query: q, hits: [], lang: order[0], langs: order }; }
      function next(i, first) {
        if (i >= order.length) { return first; }
        return searchIn(order[i], q, filters).then(function (r) {
          r.langs = order;
          if (r.hits.length) { return r; }
          return next(i + 1, first || r);
        });
      }
      return next(0, null);
    });
  };

  api.doc = function (lang, n) {
    var per = (data.meta[lang] && data.meta[lang].per) || 1;
    return load("search/" + lang + "/d/" + Math.floor(n / per) + ".js").then(function () { return data.doc[lang + "/" + n]; });
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
    en: { results: "results", result: "result", none: "No results for", inLang: "Results in", other: "Search in", searching: "Searching…", empty: "Type a few words or paste an error message.",
          failed: "The search index could not be loaded.", all: "See all results", more: "More results", kind: "Kind", platform: "Platform", tool: "Tool", tag: "Tag",
          k: { symptom: "Symptom", cause: "Cause", fix: "Fix", concept: "Concept", runbook: "Runbook", reference: "Reference" } },
    zh: { results: "条结果", result: "条结果", none: "没有找到结果：", inLang: "结果语言：", other: "改为搜索", searching: "正在搜索…", empty: "输入几个词，或粘贴报错信息。",
          failed: "无法加载搜索索引。", all: "查看全部结果", more: "更多结果", kind: "类型", platform: "平台", tool: "工具", tag: "标签",
          k: { symptom: "症状", cause: "原因", fix: "修复", concept: "概念", runbook: "运维手册", reference: "参考" } }
  };
  var T = STRINGS[pageLang] || STRINGS.en;
  var LANG_NAMES = { en: "English", zh: "中文", ja: "日本語", ko: "한국어" };
  function langName(l) { return LANG_NAMES[l] || l; }

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
    var filters = {}, forced = params.get("lang") || "";
    ["kind", "platform", "tool", "tag"].forEach(function (f) { var v = params.getAll(f); if (v.length) { filters[f] = v; } });
    // Which language the results are in, and a link that searches the other one.
    function languageNote(r) {
      var old = page.querySelector(".kb-search-lang");
      if (old) { old.parentNode.removeChild(old); }
      var langs = r.langs || (r.meta && r.meta.langs) || [];
      if (langs.length < 2 && r.lang === pageLang) { return; }
      var note = el("p", "kb-search-lang");
      note.setAttribute("data-kb-results-lang", r.lang);
      note.appendChild(document.createTextNode(T.inLang + " " + langName(r.lang) + ". "));
      langs.filter(function (l) { return l !== r.lang; }).forEach(function (l) {
        var a = el("a", "kb-search-other", T.other + " " + langName(l));
        var next = new URLSearchParams(window.location.search);
        next.set("lang", l);
        a.href = "?" + next.toString();
        a.setAttribute("data-kb-lang", l);
        note.appendChild(a);
        note.appendChild(document.createTextNode(" "));
      });
      status.parentNode.insertBefore(note, status.nextSibling);
    }
    function show() {
      if (!text.trim()) { status.textContent = T.empty; list.textContent = ""; return; }
      status.textContent = T.searching;
      var started = performance.now();
      api.search(text, { filters: filters, lang: forced || undefined }).then(function (r) {
        var top = r.hits.slice(0, PAGE);
        return Promise.all(top.map(function (h) { return api.doc(r.lang, h.doc); })).then(function (docs) {
          list.textContent = "";
          docs.forEach(function (d) { list.appendChild(resultItem(d, r.highlight)); });
          more(r, PAGE);
          status.textContent = r.hits.length ? r.hits.length + " " + (r.hits.length === 1 ? T.result : T.results) : T.none + " " + text;
          page.setAttribute("data-kb-query-ms", String(Math.round(performance.now() - started)));
          page.setAttribute("data-kb-ready-ms", String(Math.round(performance.now())));
          page.setAttribute("data-kb-loaded", Object.keys(loading).join(" "));
          page.setAttribute("data-kb-results-lang", r.lang);
          languageNote(r);
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
    // The facet box: counts among the unfiltered hits, from the facet files (loaded for it now).
    function facets(r) {
      facetBox.textContent = "";
      if (!r.meta) { return; }
      var names = ["kind", "platform", "tool", "tag"];
      facetFiles(r.lang, r.meta, names).then(function () { facetRows(r, names); page.setAttribute("data-kb-facets", "done"); },
                                             function () { page.setAttribute("data-kb-facets", "failed"); });
    }
    function facetRows(r, names) {
      facetBox.textContent = "";
      var unfiltered = rank(r.lang, r.meta, r.query, {});
      var inHits = new Set(unfiltered.map(function (h) { return h.doc; }));
      names.forEach(function (f) {
        if ((r.meta.facets || []).indexOf(f) < 0) { return; }
        var values = facetValues(r.lang, f);
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
