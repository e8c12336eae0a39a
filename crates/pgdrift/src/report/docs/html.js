// pgdrift schema documentation: hash routing, lazy page bodies and the navigation filter.
// Holds no data: everything it shows comes from the page's own elements.
(function () {
  "use strict";
  var q = document.getElementById("q");
  var count = document.getElementById("count");
  var links = Array.prototype.slice.call(document.querySelectorAll("#toc a"));
  var items = Array.prototype.slice.call(document.querySelectorAll("#toc li"));
  var names = links.map(function (a) { return (a.getAttribute("data-n") || "").toLowerCase(); });
  var byHref = {};
  links.forEach(function (a) { byHref[a.getAttribute("href")] = a; });
  var current = document.querySelector("section.page:not([hidden])");
  var currentLink = null;

  // Shows the navigation entries whose qualified name contains the search text.
  function filter() {
    var term = q.value.trim().toLowerCase();
    var shown = 0;
    for (var i = 0; i < links.length; i++) {
      var hit = term === "" || names[i].indexOf(term) !== -1;
      links[i].parentNode.hidden = !hit;
      if (hit) { shown++; }
    }
    var kind = false, group = false;
    for (var j = items.length - 1; j >= 0; j--) {
      var li = items[j];
      if (li.className === "k") { li.hidden = !kind; kind = false; }
      else if (li.className === "g") { li.hidden = !group; group = false; kind = false; }
      else if (!li.hidden) { kind = true; group = true; }
    }
    count.textContent = term === "" ? links.length + " pages"
      : shown + " of " + links.length + " pages match";
  }

  function firstMatch() {
    for (var i = 0; i < links.length; i++) {
      if (!links[i].parentNode.hidden) { return links[i]; }
    }
    return null;
  }

  function pageById(id) {
    var el = id ? document.getElementById(id) : null;
    return el && el.tagName === "SECTION" && el.classList.contains("page") ? el : null;
  }

  // The page a hash names, and the element on it: `page-id` or `page-id--anchor`.
  function locate(hash) {
    var page = pageById(hash);
    if (page) { return [page, null]; }
    for (var i = hash.indexOf("--"); i > 0; i = hash.indexOf("--", i + 1)) {
      page = pageById(hash.slice(0, i));
      if (page) { return [page, hash]; }
    }
    return [null, null];
  }

  // Puts a page's body in the document the first time it is shown.
  function instantiate(page) {
    var t = page.firstElementChild;
    if (t && t.tagName === "TEMPLATE") {
      page.appendChild(t.content);
      page.removeChild(t);
    }
  }

  function show(page, target) {
    instantiate(page);
    if (current && current !== page) { current.hidden = true; }
    page.hidden = false;
    current = page;
    if (currentLink) { currentLink.classList.remove("cur"); }
    currentLink = byHref["#" + page.id] || null;
    if (currentLink) { currentLink.classList.add("cur"); }
    var el = target ? document.getElementById(target) : null;
    if (el) { el.scrollIntoView(); } else { window.scrollTo(0, 0); }
  }

  function route() {
    var hash = location.hash.slice(1);
    try { hash = decodeURIComponent(hash); } catch (e) { /* keep it as it is */ }
    if (hash.indexOf("search=") === 0) {
      q.value = hash.slice(7);
      filter();
      hash = "";
    }
    var found = locate(hash);
    var page = found[0] || document.querySelector("section.page");
    if (page) { show(page, found[1]); }
  }

  var pending = 0;
  q.addEventListener("input", function () {
    clearTimeout(pending);
    pending = setTimeout(filter, links.length > 2000 ? 120 : 0);
  });
  q.addEventListener("keydown", function (e) {
    if (e.key === "Enter") {
      clearTimeout(pending);
      filter();
      var a = firstMatch();
      if (a) { location.hash = a.getAttribute("href"); }
    }
  });
  document.addEventListener("keydown", function (e) {
    var tag = document.activeElement ? document.activeElement.tagName : "";
    if (e.key === "/" && tag !== "INPUT" && tag !== "TEXTAREA") {
      e.preventDefault();
      q.focus();
    }
  });
  window.addEventListener("hashchange", route);
  route();
})();
