// Client-side search over this site's own index (search-index.json). No dependencies.
(function () {
  "use strict";
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  if (!input || !list) return;
  var root = document.body.getAttribute("data-root") || "";
  var index = null;
  var loading = null;
  // Browsers do not let a page opened from disk (file://) read the index.
  var unavailable = false;

  function load() {
    if (index) return Promise.resolve(index);
    if (!loading) {
      loading = fetch(root + "search-index.json")
        .then(function (r) { return r.json(); })
        .then(function (data) {
          data.forEach(function (doc) {
            doc.foldedTitle = fold(doc.title);
            doc.folded = fold([doc.title, doc.id, doc.summary, doc.kind, doc.status,
              (doc.tags || []).join(" ")].join(" "));
          });
          index = data;
          return data;
        })
        .catch(function () { unavailable = true; index = []; return index; });
    }
    return loading;
  }

  // Text as it is compared: lowercase, without the accents of Latin letters, so that
  // "resume" finds "Résumé" and a word typed decomposed finds it composed.
  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function score(doc, terms) {
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      if (doc.folded.indexOf(terms[i]) < 0) return 0;
      total += doc.foldedTitle.indexOf(terms[i]) >= 0 ? 3 : 1;
    }
    return total;
  }

  function show(results) {
    list.textContent = "";
    results.slice(0, 20).forEach(function (doc) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + doc.url;
      a.textContent = doc.title;
      var meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = [doc.kind, doc.id, doc.status].filter(Boolean).join(" · ");
      if (meta.textContent) {
        // Read aloud as "Title, Initiative · …", not run together; seen on its own line.
        var gap = document.createElement("span");
        gap.className = "visually-hidden";
        gap.textContent = ", ";
        a.appendChild(gap);
        a.appendChild(meta);
      }
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = results.length === 0;
  }

  function run() {
    var q = fold(input.value).trim();
    if (!q) { show([]); return; }
    var terms = q.split(/\s+/);
    load().then(function (docs) {
      if (unavailable) {
        list.textContent = "";
        var li = document.createElement("li");
        li.className = "meta";
        li.textContent = "Search needs the site served over HTTP, not opened from disk.";
        list.appendChild(li);
        list.hidden = false;
        return;
      }
      var hits = docs
        .map(function (d) { return { d: d, s: score(d, terms) }; })
        .filter(function (h) { return h.s > 0; })
        .sort(function (a, b) { return b.s - a.s || a.d.title.localeCompare(b.d.title); })
        .map(function (h) { return h.d; });
      show(hits);
    });
  }

  input.addEventListener("input", run);
  input.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { input.value = ""; show([]); }
  });
  // The results close once the reader clicks or moves the focus elsewhere.
  document.addEventListener("click", function (e) {
    if (!input.form.contains(e.target)) show([]);
  });
  input.form.addEventListener("focusout", function (e) {
    if (!e.relatedTarget || !input.form.contains(e.relatedTarget)) show([]);
  });
  input.form.addEventListener("submit", function (e) {
    e.preventDefault();
    var first = list.querySelector("a");
    if (first) window.location.href = first.href;
  });
})();
