// Progressive: the page works without this. It puts the reader's platform's
// subscribe link first, turns on the Copy buttons, hides or dims windows
// that have ended (the page's bytes do not know the day they are read on)
// and adds the times in the reader's own zone.
(function () {
  "use strict";
  var ua = navigator.userAgent || "";
  var first = /Android/.test(ua) ? "google"
    : /iPhone|iPad|iPod|Macintosh|Mac OS X/.test(ua) ? "apple"
    : /Windows/.test(ua) ? "outlook" : "";
  var each = function (selector, f) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), f);
  };
  each(".platforms", function (list) {
    var link = first && list.querySelector('[data-platform="' + first + '"]');
    if (link) list.insertBefore(link, list.firstElementChild);
    Array.prototype.forEach.call(list.children, function (a, i) {
      a.classList.toggle("primary", i === 0);
    });
  });
  each("button[data-copy]", function (button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () { button.textContent = button.getAttribute("data-done"); };
      var fallback = function () { input.select(); document.execCommand("copy"); done(); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(input.value).then(done, fallback);
      } else {
        fallback();
      }
    });
  });
  // `?now=2020-05-10T00:00:00Z` shows the page as on that instant (a
  // preview, and the browser tests); otherwise the reader's clock.
  var asked = /[?&]now=([^&#]+)/.exec(location.search);
  var now = asked ? Date.parse(decodeURIComponent(asked[1])) : NaN;
  if (isNaN(now)) now = Date.now();
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) {}
  var lang = document.documentElement.lang;
  each("[data-end]", function (item) {
    var start = new Date(item.getAttribute("data-start"));
    var end = new Date(item.getAttribute("data-end"));
    if (end.getTime() <= now) {
      item.classList.add("past");
      var label = item.querySelector(".status-past");
      if (label) label.hidden = false;
    }
    var yours = item.querySelector(".yours");
    if (yours && zone && zone !== item.getAttribute("data-zone")) {
      var format = new Intl.DateTimeFormat(lang, {
        month: "short", day: "numeric", weekday: "short",
        hour: "2-digit", minute: "2-digit", timeZoneName: "short"
      });
      yours.textContent = yours.getAttribute("data-label") + format.format(start) + " – " + format.format(end);
      yours.hidden = false;
    }
  });
  // A link to one group's feed (index.html#feed-rms) opens the group list.
  var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  var groups = target && target.closest && target.closest("details");
  if (groups) { groups.open = true; target.scrollIntoView(); }
  var list = document.querySelector(".index ol.windows");
  var none = document.getElementById("nothing-next");
  if (list && none && !list.querySelector(":scope > li:not(.past)")) none.hidden = false;
})();
