// Live reload for `align serve`: reloads this page when its output or a file of its site
// it may show (a stylesheet) changed, and shows the errors of a broken edit over the page
// until they are fixed.
(function () {
  "use strict";
  var OVERLAY_ID = "align-error-overlay";

  function currentPath() {
    var p = decodeURIComponent(window.location.pathname);
    return p.charAt(p.length - 1) === "/" ? p + "index.html" : p;
  }

  function showErrors(errors) {
    var box = document.getElementById(OVERLAY_ID);
    if (!box) {
      box = document.createElement("div");
      box.id = OVERLAY_ID;
      box.className = "overlay";
      box.setAttribute("role", "alert");
      document.body.appendChild(box);
    }
    box.textContent = "";
    var title = document.createElement("strong");
    title.textContent = "The last edit broke the build (" + errors.length + " error" + (errors.length === 1 ? "" : "s") + "); showing the last good version.";
    box.appendChild(title);
    var list = document.createElement("ul");
    errors.forEach(function (line) {
      var item = document.createElement("li");
      item.textContent = line;
      list.appendChild(item);
    });
    box.appendChild(list);
  }

  // Whether a file of this page's site that a page may show changed: a stylesheet,
  // script, image or other static or linked file. Pages reload only for themselves; the
  // search index, graph export, feeds and sitemaps change no page's look.
  function assetChanged(changed) {
    var path = currentPath();
    var end = path.indexOf("/", 1);
    if (end < 0) {
      return false;
    }
    var site = path.slice(0, end + 1);
    return changed.some(function (file) {
      return file.indexOf(site) === 0 && !/\.(html|json|xml)$/.test(file);
    });
  }

  // Naming the page lets the server render it ahead of the rest of a rebuild.
  var source = new EventSource("/__align/events?page=" + encodeURIComponent(window.location.pathname));
  source.addEventListener("update", function (event) {
    var update = JSON.parse(event.data);
    if (update.errors.length > 0) {
      showErrors(update.errors);
      return;
    }
    var hadOverlay = !!document.getElementById(OVERLAY_ID);
    if (update.all || hadOverlay || document.body.getAttribute("data-align-error") === "1" || update.changed.indexOf(currentPath()) >= 0 || assetChanged(update.changed)) {
      window.location.reload();
    }
  });
})();
