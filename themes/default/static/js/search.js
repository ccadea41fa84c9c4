// Hindsight search: the search page of a site built by Hindsight, with no
// server. The index (search/index.js and its shards, written by the build)
// is loaded as scripts, so the page works on any static host and from disk.
// Words are analysed as bleve analyses them at build time: English with the
// Porter stemmer, French with the light stemmer, both with bleve's stop
// words, so that "certificates" finds "certificate expired".
// Under `hindsight serve`, the manifest says where the server's bleve search
// answers, and the page asks it instead.
(function () {
  'use strict';

  // ---- Words, as search.Words splits them --------------------------------
  var LETTER = /[\p{L}\p{M}]/u, DIGIT = /\p{Nd}/u;
  function kind(c) {
    if (c === '_') return 3;
    if (LETTER.test(c)) return 1;
    if (DIGIT.test(c)) return 2;
    return 0;
  }
  // words calls fn(word, start, end) for each word of text (offsets in
  // UTF-16 units, for highlighting).
  function words(text, fn) {
    var chars = Array.from(text), offs = [], o = 0, i;
    for (i = 0; i < chars.length; i++) { offs.push(o); o += chars[i].length; }
    offs.push(o);
    var start = -1, last = 0;
    for (i = 0; i < chars.length; i++) {
      var c = chars[i], k = kind(c);
      if (k) {
        if (start < 0) start = i;
        if (k !== 3) last = k;
        continue;
      }
      if (start >= 0 && i + 1 < chars.length) {
        var n = chars[i + 1], nl = LETTER.test(n) && !/\p{M}/u.test(n), nd = DIGIT.test(n), join = false;
        if (c === "'" || c === '\u2019' || c === '.' || c === ':' || c === '\u00b7') {
          join = (last === 1 && nl) || (c === '.' && last === 2 && nd);
        } else if (c === ',' || c === ';') {
          join = last === 2 && nd;
        }
        if (join) continue;
      }
      if (start >= 0) { fn(text.slice(offs[start], offs[i]), offs[start], offs[i]); start = -1; last = 0; }
    }
    if (start >= 0) fn(text.slice(offs[start]), offs[start], o);
  }

  // ---- English: the Porter stemmer, as bleve's porter filter -------------
  function cons(s, i) {
    var c = s[i];
    if (c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u') return false;
    if (c === 'y') return i === 0 ? true : !cons(s, i - 1);
    return true;
  }
  function measure(s) {
    var n = s.length, m = 0, i = 0;
    if (!n) return 0;
    while (cons(s, i)) { if (++i >= n) return 0; }
    for (;;) {
      while (!cons(s, i)) { if (++i >= n) return m; }
      while (cons(s, i)) { if (++i >= n) return m + 1; }
      m++;
    }
  }
  function ends(s, suf) { // strictly longer than the suffix, as the Go stemmer
    if (s.length <= suf.length) return false;
    for (var i = 0; i < suf.length; i++) if (s[s.length - suf.length + i] !== suf[i]) return false;
    return true;
  }
  function hasVowel(s) { for (var i = 0; i < s.length; i++) if (!cons(s, i)) return true; return false; }
  function doubleCons(s) { var n = s.length; return n >= 2 && s[n - 1] === s[n - 2] && cons(s, n - 1); }
  function cvc(s) { var n = s.length; return n >= 3 && cons(s, n - 3) && !cons(s, n - 2) && cons(s, n - 1); }
  function cut(s, n) { return s.slice(0, s.length - n); }
  function step1b(s, suf) {
    var sub = cut(s, suf.length);
    if (!hasVowel(sub)) return s;
    if (ends(sub, ['a', 't']) || ends(sub, ['b', 'l']) || ends(sub, ['i', 'z'])) return sub.concat(['e']);
    var c = sub[sub.length - 1];
    if (c !== 'l' && c !== 's' && c !== 'z' && doubleCons(sub)) return cut(sub, 1);
    if (measure(sub) === 1 && cvc(sub) && c !== 'w' && c !== 'x' && c !== 'y') return sub.concat(['e']);
    return sub;
  }
  // rules: [suffix, replacement, minimum measure of the stem (exclusive)]
  function rules(s, list, min) {
    for (var i = 0; i < list.length; i++) {
      var suf = list[i][0];
      if (ends(s, suf)) {
        var stem = cut(s, suf.length);
        if (measure(stem) > min && (!list[i][2] || list[i][2](stem))) return stem.concat(list[i][1]);
        return s;
      }
    }
    return s;
  }
  function arr(x) { return Array.from(x); }
  function table(t) { return t.map(function (r) { return [arr(r[0]), arr(r[1]), r[2]]; }); }
  var STEP2 = table([['ational', 'ate'], ['tional', 'tion'], ['enci', 'ence'], ['anci', 'ance'], ['izer', 'ize'],
    ['bli', 'ble'], ['alli', 'al'], ['entli', 'ent'], ['eli', 'e'], ['ousli', 'ous'], ['ization', 'ize'],
    ['ation', 'ate'], ['ator', 'ate'], ['alism', 'al'], ['iveness', 'ive'], ['fulness', 'ful'],
    ['ousness', 'ous'], ['aliti', 'al'], ['iviti', 'ive'], ['biliti', 'ble'], ['logi', 'log']]);
  var STEP3 = table([['icate', 'ic'], ['ative', ''], ['alize', 'al'], ['iciti', 'ic'], ['ical', 'ic'], ['ful', ''], ['ness', '']]);
  var STEP4 = table([['al', ''], ['ance', ''], ['ence', ''], ['er', ''], ['ic', ''], ['able', ''], ['ible', ''],
    ['ant', ''], ['ement', ''], ['ment', ''], ['ent', ''],
    ['ion', '', function (st) { var c = st[st.length - 1]; return c === 's' || c === 't'; }],
    ['ou', ''], ['ism', ''], ['ate', ''], ['iti', ''], ['ous', ''], ['ive', ''], ['ize', '']]);
  function porter(word) {
    var s = arr(word);
    if (s.length <= 2) return word;
    // 1a
    if (ends(s, ['s', 's', 'e', 's']) || ends(s, ['i', 'e', 's'])) s = cut(s, 2);
    else if (ends(s, ['s', 's'])) { /* unchanged */ } else if (ends(s, ['s'])) s = cut(s, 1);
    // 1b
    if (ends(s, ['e', 'e', 'd'])) { if (measure(cut(s, 3)) > 0) s = cut(s, 1); }
    else if (ends(s, ['e', 'd'])) s = step1b(s, 'ed');
    else if (ends(s, ['i', 'n', 'g'])) s = step1b(s, 'ing');
    // 1c
    if (s.length >= 2 && s[s.length - 1] === 'y' && hasVowel(cut(s, 1))) s = cut(s, 1).concat(['i']);
    s = rules(s, STEP2, 0);
    s = rules(s, STEP3, 0);
    s = rules(s, STEP4, 1);
    // 5a
    if (s[s.length - 1] === 'e') {
      var st = cut(s, 1), m = measure(st), c = st[st.length - 1];
      if (m > 1 || (m === 1 && !(cvc(st) && c !== 'w' && c !== 'x' && c !== 'y'))) s = st;
    }
    // 5b
    if (s.length > 2 && s[s.length - 1] === 'l' && s[s.length - 2] === 'l' && measure(cut(s, 1)) > 1) s = cut(s, 1);
    return s.join('');
  }

  // ---- French: the light stemmer, as bleve's stemmer_fr_light ------------
  function endsR(s, suf) {
    var t = arr(suf);
    if (s.length < t.length) return false;
    for (var i = 0; i < t.length; i++) if (s[s.length - t.length + i] !== t[i]) return false;
    return true;
  }
  var ACCENT = { 'à': 'a', 'á': 'a', 'â': 'a', 'ô': 'o', 'è': 'e', 'é': 'e', 'ê': 'e', 'ù': 'u', 'û': 'u', 'î': 'i', 'ç': 'c' };
  function isLetter(c) { return /\p{L}/u.test(c); }
  function frNorm(s) {
    if (s.length > 4) {
      // As bleve: each step of the accent loop also removes every letter
      // that repeats the one before it.
      for (var i = 0; i < s.length; i++) {
        if (ACCENT[s[i]]) s[i] = ACCENT[s[i]];
        var ch = s[0];
        for (var j = 1; j < s.length; j++) {
          if (s[j] === ch && isLetter(ch)) { s.splice(j, 1); j--; } else ch = s[j];
        }
      }
    }
    if (s.length > 4 && endsR(s, 'ie')) s = cut(s, 2);
    if (s.length > 4) {
      if (s[s.length - 1] === 'r') s = cut(s, 1);
      if (s[s.length - 1] === 'e') s = cut(s, 1);
      if (s[s.length - 1] === 'e') s = cut(s, 1);
      if (s[s.length - 1] === s[s.length - 2] && isLetter(s[s.length - 1])) s = cut(s, 1);
    }
    return s;
  }
  function frStem(word) { return frSteps(arr(word)).join(''); }
  function frSteps(s) {
    var n = s.length;
    function set(k, c) { s[s.length - k] = c; }
    if (n > 5 && s[n - 1] === 'x') {
      if (s[n - 3] === 'a' && s[n - 2] === 'u' && s[n - 4] !== 'e') s[n - 2] = 'l';
      s = cut(s, 1); n = s.length;
    }
    if (n > 3 && s[n - 1] === 'x') { s = cut(s, 1); n = s.length; }
    if (n > 3 && s[n - 1] === 's') { s = cut(s, 1); n = s.length; }
    if (n > 9 && endsR(s, 'issement')) { s = cut(s, 6); set(1, 'r'); return frNorm(s); }
    if (n > 8 && endsR(s, 'issant')) { s = cut(s, 4); set(1, 'r'); return frNorm(s); }
    if (n > 6 && endsR(s, 'ement')) {
      s = cut(s, 4);
      if (s.length > 3 && endsR(s, 'ive')) { s = cut(s, 1); set(1, 'f'); }
      return frNorm(s);
    }
    if (n > 11 && endsR(s, 'ficatrice')) { s = cut(s, 5); set(2, 'e'); set(1, 'r'); return frNorm(s); }
    if (n > 10 && endsR(s, 'ficateur')) { s = cut(s, 4); set(2, 'e'); set(1, 'r'); return frNorm(s); }
    if (n > 9 && endsR(s, 'catrice')) { s = cut(s, 3); set(4, 'q'); set(3, 'u'); set(2, 'e'); return frNorm(s); }
    if (n > 8 && endsR(s, 'cateur')) { s = cut(s, 2); set(4, 'q'); set(3, 'u'); set(2, 'e'); set(1, 'r'); return frNorm(s); }
    if (n > 8 && endsR(s, 'atrice')) { s = cut(s, 4); set(2, 'e'); set(1, 'r'); return frNorm(s); }
    if (n > 7 && endsR(s, 'ateur')) { s = cut(s, 3); set(2, 'e'); set(1, 'r'); return frNorm(s); }
    if (n > 6 && endsR(s, 'trice')) { s = cut(s, 1); n = s.length; set(3, 'e'); set(2, 'u'); set(1, 'r'); }
    if (n > 5 && endsR(s, 'ième')) return frNorm(cut(s, 4));
    if (n > 7 && endsR(s, 'teuse')) { s = cut(s, 2); set(1, 'r'); return frNorm(s); }
    if (n > 6 && endsR(s, 'teur')) { s = cut(s, 1); set(1, 'r'); return frNorm(s); }
    if (n > 5 && endsR(s, 'euse')) return frNorm(cut(s, 2));
    if (n > 8 && endsR(s, 'ère')) { s = cut(s, 1); set(2, 'e'); return frNorm(s); }
    if (n > 7 && endsR(s, 'ive')) { s = cut(s, 1); set(1, 'f'); return frNorm(s); }
    if (n > 4 && (endsR(s, 'folle') || endsR(s, 'molle'))) { s = cut(s, 2); set(1, 'u'); return frNorm(s); }
    if (n > 9 && endsR(s, 'nnelle')) return frNorm(cut(s, 5));
    if (n > 9 && endsR(s, 'nnel')) return frNorm(cut(s, 3));
    if (n > 4 && endsR(s, 'ète')) { s = cut(s, 1); n = s.length; set(2, 'e'); }
    if (n > 8 && endsR(s, 'ique')) { s = cut(s, 4); n = s.length; }
    if (n > 8 && endsR(s, 'esse')) return frNorm(cut(s, 3));
    if (n > 7 && endsR(s, 'inage')) return frNorm(cut(s, 3));
    if (n > 9 && endsR(s, 'isation')) {
      s = cut(s, 7);
      if (s.length > 5 && endsR(s, 'ual')) set(2, 'e');
      return frNorm(s);
    }
    if (n > 9 && endsR(s, 'isateur')) return frNorm(cut(s, 7));
    if (n > 8 && endsR(s, 'ation')) return frNorm(cut(s, 5));
    if (n > 8 && endsR(s, 'ition')) return frNorm(cut(s, 5));
    return frNorm(s);
  }

  // ---- Analysers ---------------------------------------------------------
  var STOP = { en: {}, fr: {} }, ARTICLES = {}, LANGS = ['en', 'fr'];
  function setLists(man) {
    if (man.langs && man.langs.length) LANGS = man.langs; // only the languages the site has
    if (man.scale > 0) SCALE = man.scale;
    (man.stop || []).forEach(function (w) { STOP.en[w] = true; });
    (man.stop_fr || []).forEach(function (w) { STOP.fr[w] = true; });
    (man.articles || []).forEach(function (w) { ARTICLES[w] = true; });
  }
  function lower(w) { return w.toLowerCase(); }
  // analyse returns the terms of one word in a language: [] for a stop word.
  function analyse(w, lang) {
    var s = arr(w);
    if (lang === 'en') {
      var n = s.length;
      if (n >= 2 && (s[n - 1] === 's' || s[n - 1] === 'S') && (s[n - 2] === "'" || s[n - 2] === '\u2019' || s[n - 2] === '\uff07')) {
        w = s.slice(0, n - 2).join('');
      }
      w = lower(w);
      if (STOP.en[w]) return [];
      return [porter(w)];
    }
    w = lower(w);
    s = arr(w);
    for (var i = 0; i < s.length; i++) {
      if ((s[i] === "'" || s[i] === '\u2019') && ARTICLES[s.slice(0, i).join('')]) { w = s.slice(i + 1).join(''); break; }
    }
    if (STOP.fr[w]) return [];
    return [frStem(w)];
  }

  // ---- The index ---------------------------------------------------------
  var ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', VAL = {};
  for (var a = 0; a < 64; a++) VAL[ALPHA[a]] = a;
  var SCALE = 18; // of the scores, from the manifest
  function score(ch) { return Math.exp(VAL[ch] / SCALE) - 1; }
  // postings decodes a term's postings into out (doc → score), each times f.
  function postings(str, n, out, f) {
    var i, d;
    if (str[0] === '*') {
      var w = score(str[1]) * f;
      for (i = 2; i < str.length; i++) {
        var v = VAL[str[i]];
        for (var b = 0; b < 6; b++) if (v & (1 << b)) { d = (i - 2) * 6 + b; if (d < n) put(out, d, w); }
      }
      return;
    }
    d = -1;
    for (i = 0; i < str.length;) {
      var gap = 0, x;
      do { x = VAL[str[i++]]; gap = gap * 32 + (x & 31); } while (x & 32);
      d += gap;
      put(out, d, score(str[i++]) * f);
    }
  }
  function put(m, d, w) { var o = m.get(d); if (o === undefined || w > o) m.set(d, w); }

  // Index is the index under base (the folder of index.js); api is the
  // server's search when the manifest names one.
  function Index(base) {
    this.base = base; this.api = null; this.loaded = {}; this.waiting = {}; this.log = [];
  }
  var current = null; // the index whose scripts are loading
  window.hindsightSearch = function (name, data) {
    if (!current) return;
    current.loaded[name] = data;
    (current.waiting[name] || []).forEach(function (f) { f[0](data); });
    delete current.waiting[name];
  };
  Index.prototype.load = function (name) {
    var self = this;
    return new Promise(function (resolve, reject) {
      if (self.loaded[name]) return resolve(self.loaded[name]);
      if (self.waiting[name]) return self.waiting[name].push([resolve, reject]);
      self.waiting[name] = [[resolve, reject]];
      self.log.push(name + '.js');
      var s = document.createElement('script');
      s.src = self.base + name + '.js';
      s.onerror = function () {
        (self.waiting[name] || []).forEach(function (f) { f[1](new Error(name + '.js')); });
        delete self.waiting[name];
      };
      document.head.appendChild(s);
    });
  };
  Index.prototype.shardOf = function (t) {
    var b = this.man.shards, lo = 0, hi = b.length - 1;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (b[mid] <= t) lo = mid; else hi = mid - 1; }
    return lo;
  };
  Index.prototype.facetsOf = function (d) {
    var f = this.docFacets[d], out = { sev: VAL[f[0]], year: VAL[f[1]], services: [] }, wd = this.man.width;
    for (var i = 2; i < f.length; i += wd) {
      var v = 0;
      for (var k = 0; k < wd; k++) v = v * 64 + VAL[f[i + k]];
      out.services.push(v);
    }
    return out;
  };
  Index.prototype.init = function () {
    var self = this;
    if (this.man) return Promise.resolve();
    return this.load('index').then(function (man) {
      if (man.version !== 1) throw new Error('index version ' + man.version);
      self.man = man; self.docFacets = man.facets ? man.facets.split(',') : [];
      // hindsight serve names its search API in the manifest it serves.
      if (window.hindsightSearchAPI) self.api = String(window.hindsightSearchAPI);
      setLists(man);
    });
  };

  // parse splits a query into words, each with its terms in both
  // languages; the last word is also a prefix while it is being typed.
  function parse(q) {
    var list = [];
    words(q.slice(0, 500), function (w) {
      // A stop word in either language is left out, as bleve leaves it out
      // of the text in that language: "de" in "perte de messages".
      var lw = lower(w);
      if (LANGS.some(function (l) { return STOP[l][lw]; })) return;
      var terms = {};
      LANGS.forEach(function (l) { analyse(w, l).forEach(function (t) { if (t) terms[t] = true; }); });
      var ts = Object.keys(terms);
      if (ts.length) list.push({ word: lower(w), terms: ts });
    });
    if (list.length && !/\s$/.test(q)) list[list.length - 1].prefix = true;
    return list;
  }
  function editOne(a, b) { // edit distance of at most one (insert, delete, replace, swap)
    if (a === b) return true;
    var la = a.length, lb = b.length;
    if (Math.abs(la - lb) > 1) return false;
    var i = 0;
    while (i < la && i < lb && a[i] === b[i]) i++;
    if (la === lb) return a.slice(i + 1) === b.slice(i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
    return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  // search answers a query: {total, results: [{doc, score}], facets, partial, terms}.
  Index.prototype.search = function (q, filters) {
    var self = this, qwords = parse(q);
    var loadAll = function (need) {
      return Promise.all(Object.keys(need).map(function (s) { return self.load('t/' + s); }));
    };
    return this.init().then(function () {
      // First the shard of each word's first term; a word's other terms
      // are often there too, or named in its aliases.
      var need = {};
      qwords.forEach(function (w) { need[self.shardOf(w.terms[0])] = true; });
      return loadAll(need);
    }).then(function (first) {
      var need = {};
      qwords.forEach(function (w) {
        var home = self.loaded['t/' + self.shardOf(w.terms[0])];
        w.terms.slice(1).forEach(function (t) {
          if (!(home.aliases && t in home.aliases)) need[self.shardOf(t)] = true;
        });
      });
      return loadAll(need).then(function (more) { return first.concat(more); });
    }).then(function (shards) {
      var matched = {}; // terms that count, for highlighting
      var sets = qwords.map(function (w) {
        var m = new Map(), found = false, syn = new Map();
        function use(name, entry, f) {
          postings(entry[1], self.man.docs, m, f);
          if (entry[3] && f === 1) postings(entry[3], self.man.docs, syn, 1);
          matched[name] = true;
        }
        // below adds documents found otherwise than by the word itself
        // (synonyms, words it begins, typos) under those with the word.
        function below(more) {
          var floor = Infinity;
          m.forEach(function (w) { floor = Math.min(floor, w); });
          more.forEach(function (w, d) { if (!m.has(d)) put(m, d, Math.min(w, floor * 0.99)); });
        }
        var seen = {};
        shards.forEach(function (sh) {
          w.terms.forEach(function (t) {
            var e = sh.terms[t] || (sh.aliases && sh.aliases[t]);
            if (e && !seen[t]) { seen[t] = true; use(t, e, 1); found = true; }
          });
        });
        if (syn.size) { below(syn); found = true; }
        if (w.prefix && w.word.length >= 2) {
          // Terms that start with the word, or that the word starts with when
          // it is that term with a suffix being typed ("certifica": certif),
          // looked for beside the word's stems, in their shards.
          var cands = [];
          shards.forEach(function (sh) {
            for (var t in sh.terms) {
              if (w.terms.indexOf(t) < 0 && w.terms.some(function (x) { return t.indexOf(x) === 0; }) &&
                  (t.indexOf(w.word) === 0 || (w.word.indexOf(t) === 0 && t.length >= Math.max(4, w.word.length - 3)))) cands.push([t, sh.terms[t]]);
            }
          });
          cands.sort(function (a, b) { return b[1][0] - a[1][0]; });
          var more = new Map();
          cands.slice(0, 30).forEach(function (c) {
            postings(c[1][1], self.man.docs, more, 0.6);
            matched[c[0]] = true;
            found = true;
          });
          below(more);
        }
        if (!found && Array.from(w.word).length >= 5) { // one typo
          shards.forEach(function (sh) {
            for (var t in sh.terms) {
              if (w.terms.some(function (x) { return editOne(x, t); }) || editOne(w.word, t)) use(t, sh.terms[t], 0.3);
            }
          });
        }
        return m;
      });
      return self.rank(sets, filters, matched, shards);
    });
  };
  Index.prototype.rank = function (sets, filters, matched, shards) {
    var self = this, all = new Map(), n = sets.length;
    sets.forEach(function (m) {
      m.forEach(function (w, d) { var o = all.get(d); if (o) { o.s += w; o.k++; } else all.set(d, { s: w, k: 1 }); });
    });
    var docs = [];
    all.forEach(function (v, d) { if (v.k === n) docs.push(d); });
    var partial = false;
    if (!docs.length && n > 1) { partial = true; all.forEach(function (v, d) { docs.push(d); }); }
    var names = ['sev', 'year', 'services'];
    function pass(fs, skip) {
      return names.every(function (k) {
        if (k === skip || !filters[k] || !filters[k].length) return true;
        var v = fs[k];
        return Array.isArray(v) ? v.some(function (x) { return filters[k].indexOf(x) >= 0; }) : filters[k].indexOf(v) >= 0;
      });
    }
    var counts = { sev: {}, year: {}, services: {} }, results = [];
    docs.forEach(function (d) {
      var fs = self.facetsOf(d);
      names.forEach(function (k) {
        if (!pass(fs, k)) return;
        (Array.isArray(fs[k]) ? fs[k] : [fs[k]]).forEach(function (v) { counts[k][v] = (counts[k][v] || 0) + 1; });
      });
      if (pass(fs, null)) results.push({ doc: d, score: all.get(d).s * all.get(d).k / n });
    });
    // Among equal scores, first the results whose title the loaded shards
    // hold: they show without another download.
    results.forEach(function (r) {
      r.held = shards.some(function (sh) { return sh.docs[r.doc] !== undefined; }) ? 1 : 0;
    });
    results.sort(function (a, b) { return b.score - a.score || b.held - a.held || a.doc - b.doc; });
    return { total: results.length, results: results, facets: counts, partial: partial, terms: matched, shards: shards };
  };
  // cards returns the cards of results: from the shards when a term there
  // carries one, else from the document chunks.
  Index.prototype.cards = function (res, from, to) {
    var self = this, out = [], missing = {};
    res.results.slice(from, to).forEach(function (r, i) {
      var card = null;
      res.shards.some(function (sh) {
        for (var t in res.terms) {
          var e = sh.terms[t];
          if (!e) continue;
          for (var j = 0; j < e[2].length; j++) {
            var d = sh.docs[r.doc];
            if (e[2][j][0] === r.doc && d) { card = { url: d[0], title: d[1], snippet: e[2][j][1] }; return true; }
          }
        }
        return false;
      });
      if (!card) { // a title the shards hold, without a passage
        res.shards.some(function (sh) {
          var d = sh.docs[r.doc];
          if (d) card = { url: d[0], title: d[1], snippet: '' };
          return !!d;
        });
      }
      out[i] = card;
      if (!card) missing[Math.floor(r.doc / self.man.chunk)] = true;
    });
    return Promise.all(Object.keys(missing).map(function (c) { return self.load('d/' + c); })).then(function () {
      return res.results.slice(from, to).map(function (r, i) {
        var c = out[i];
        if (!c) {
          var ch = self.loaded['d/' + Math.floor(r.doc / self.man.chunk)], v = ch.cards[r.doc - ch.start];
          c = { url: v[0], title: v[1], snippet: '' };
        }
        var fs = self.facetsOf(r.doc);
        c.url = self.man.url + c.url;
        c.date = self.man.years[fs.year];
        c.severity = self.man.severities[fs.sev];
        c.services = fs.services.map(function (s) { return self.man.services[s]; });
        return c;
      });
    });
  };
  // api asks the server's bleve search instead (hindsight serve).
  Index.prototype.apiSearch = function (q, filters) {
    var self = this, u = this.api + '?limit=50&q=' + encodeURIComponent(q);
    (filters.services || []).forEach(function (s) { u += '&services=' + encodeURIComponent(self.man.services[s]); });
    (filters.sev || []).forEach(function (s) { u += '&severity=' + encodeURIComponent(self.man.severities[s]); });
    (filters.year || []).forEach(function (y) { u += '&year=' + encodeURIComponent(self.man.years[y]); });
    this.log.push(u);
    return fetch(u).then(function (r) {
      if (!r.ok) throw new Error('search API: ' + r.status);
      return r.json();
    });
  };

  // ---- The page ----------------------------------------------------------
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  // highlight appends text to parent with the query's words marked.
  function highlight(parent, text, terms) {
    var last = 0;
    words(text, function (w, s, e) {
      var hit = LANGS.some(function (l) { return analyse(w, l).some(function (t) { return terms[t]; }); });
      if (!hit) return;
      parent.appendChild(document.createTextNode(text.slice(last, s)));
      parent.appendChild(el('mark', null, text.slice(s, e)));
      last = e;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // PAGE is how many results show at first, and each "more" adds: few,
  // so that their cards are in the shards the query loads.
  var PAGE = 5;

  function Page(root) {
    var self = this;
    this.root = root;
    this.t = function (k, n) { var s = root.getAttribute('data-t-' + k) || k; return s.replace('{n}', n); };
    this.siteRoot = root.getAttribute('data-root') || '';
    this.index = current = new Index(root.getAttribute('data-index'));
    this.input = root.querySelector('input[type=search]');
    this.status = root.querySelector('.search-status');
    this.list = root.querySelector('.search-results');
    this.facetBox = root.querySelector('.search-facets');
    this.more = root.querySelector('.search-more');
    this.filters = { sev: [], year: [], services: [] };
    this.shown = PAGE;
    this.seq = 0;
    var timer;
    this.input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { self.shown = PAGE; self.run(); }, 80);
    });
    root.querySelector('form').addEventListener('submit', function (e) { e.preventDefault(); self.shown = PAGE; self.run(); });
    this.more.addEventListener('click', function () { self.shown += PAGE; self.run(); });
    var q = new URLSearchParams(location.search).get('q');
    if (q) { this.input.value = q; }
    // Under hindsight serve, once the server's search has indexed an
    // edit: the same query again, as many results shown.
    document.addEventListener('hindsight:search', function () {
      if (self.index.api && parse(self.input.value).length) self.run();
    });
    this.run();
  }
  Page.prototype.run = function () {
    var self = this, q = this.input.value, seq = ++this.seq;
    try { history.replaceState(null, '', '?q=' + encodeURIComponent(q)); } catch (e) { /* file: URLs in some browsers */ }
    if (!parse(q).length) {
      this.list.textContent = ''; this.facetBox.textContent = ''; this.more.hidden = true;
      this.status.textContent = q.trim() ? this.t('only_stop') : '';
      this.root.setAttribute('data-state', 'idle');
      return Promise.resolve();
    }
    this.root.setAttribute('data-state', 'busy');
    var ix = this.index;
    ix.log = []; // the files this query loads
    var started = performance.now();
    var fromIndex = function () {
      return ix.search(q, self.filters).then(function (res) {
        return ix.cards(res, 0, self.shown).then(function (cards) {
          if (seq !== self.seq) return;
          self.show(res.total, res.partial, cards, res.terms, res.facets);
        });
      });
    };
    // Under hindsight serve, the server's search; the static index when it
    // fails (still indexing, or stopped).
    var work = ix.init().then(function () {
      if (!ix.api) return fromIndex();
      return self.runAPI(q, seq).catch(function () {
        ix.api = null;
        return fromIndex();
      });
    });
    return work.then(function () {
      if (seq !== self.seq) return;
      self.root.setAttribute('data-state', 'done');
      self.root.setAttribute('data-requests', JSON.stringify(ix.log));
      self.root.setAttribute('data-source', ix.api ? 'api' : 'static');
      self.root.setAttribute('data-ms', String(Math.round(performance.now() - started)));
    }, function (err) {
      self.status.textContent = self.t('error') + ' (' + err.message + ')';
      self.root.setAttribute('data-state', 'error');
    });
  };
  Page.prototype.runAPI = function (q, seq) {
    var self = this, ix = this.index;
    return ix.apiSearch(q, this.filters).then(function (r) {
      if (seq !== self.seq) return;
      var terms = {};
      parse(q).forEach(function (w) { w.terms.forEach(function (t) { terms[t] = true; }); });
      var cards = (r.results || []).slice(0, self.shown).map(function (h) {
        return { url: 'incidents/' + h.id + '/', title: h.title, date: h.date, severity: h.severity, services: h.services || [], snippet: h.snippet || '' };
      });
      var facets = { sev: {}, year: {}, services: {} }, idx = function (list, v) { return list.indexOf(v); };
      var f = r.facets || {};
      (f.severity || []).forEach(function (x) { var i = idx(ix.man.severities, x.value); if (i >= 0) facets.sev[i] = x.count; });
      (f.year || []).forEach(function (x) { var i = idx(ix.man.years, x.value); if (i >= 0) facets.year[i] = x.count; });
      (f.services || []).forEach(function (x) { var i = idx(ix.man.services, x.value); if (i >= 0) facets.services[i] = x.count; });
      self.show(r.total || 0, false, cards, terms, facets);
    });
  };
  Page.prototype.show = function (total, partial, cards, terms, facets) {
    var self = this;
    this.status.textContent = total === 0 ? this.t('none') : (partial ? this.t('partial', total) : this.t(total === 1 ? 'one' : 'many', total));
    this.list.textContent = '';
    cards.forEach(function (c) {
      var li = el('li', 'search-result'), h = el('h3'), a = el('a');
      a.href = self.siteRoot + c.url + 'index.html';
      highlight(a, c.title, terms);
      h.appendChild(a); li.appendChild(h);
      var meta = [c.date, c.severity].concat(c.services).filter(Boolean).join(' · ');
      li.appendChild(el('p', 'meta', meta));
      if (c.snippet) { var p = el('p', 'snippet'); highlight(p, c.snippet, terms); li.appendChild(p); }
      self.list.appendChild(li);
    });
    this.more.hidden = total <= cards.length;
    // Facets, with counts; a checked value stays listed.
    this.facetBox.textContent = '';
    var man = this.index.man;
    [['services', man.services], ['sev', man.severities], ['year', man.years]].forEach(function (f) {
      var key = f[0], names = f[1], counts = facets[key] || {};
      var vals = Object.keys(counts).map(Number);
      self.filters[key].forEach(function (v) { if (vals.indexOf(v) < 0) vals.push(v); });
      if (!vals.length) return;
      vals.sort(function (a, b) { return (counts[b] || 0) - (counts[a] || 0) || a - b; });
      var fs = el('fieldset', 'facet'), lg = el('legend', null, self.t('facet_' + key));
      fs.appendChild(lg);
      vals.slice(0, 15).forEach(function (v) {
        var lab = el('label'), box = el('input');
        box.type = 'checkbox'; box.value = v; box.checked = self.filters[key].indexOf(v) >= 0;
        box.addEventListener('change', function () {
          var l = self.filters[key], i = l.indexOf(v);
          if (box.checked && i < 0) l.push(v); else if (!box.checked && i >= 0) l.splice(i, 1);
          self.shown = PAGE; self.run();
        });
        lab.appendChild(box);
        lab.appendChild(document.createTextNode(' ' + (names[v] || '—') + ' '));
        lab.appendChild(el('span', 'count', String(counts[v] || 0)));
        fs.appendChild(lab);
      });
      self.facetBox.appendChild(fs);
    });
  };

  // For the tests: the analysers, as the build uses them.
  window.hindsightAnalyse = { words: words, analyse: analyse, porter: porter, frStem: frStem, setLists: setLists };

  var root = document.getElementById('search');
  if (root) window.hindsightSearchPage = new Page(root);
})();
