// Lotse staff web app: keeps the queue and a case's conversation current without a reload.
//
// An element with data-live-url is asked every two seconds (with the marker it was rendered with); the
// server answers 204 while nothing changed, else the element's new content and its new marker
// (X-Lotse-Marker). Such a request does not count as activity (X-Lotse-Refresh), so an open tab does not keep
// a login alive; once the login has ended (401) the page reloads and shows the login form. Everything works
// without this script; it only saves the reload. No framework, nothing from elsewhere.
(function () {
  "use strict";
  var EVERY_MS = 2000;

  function watch(region) {
    var marker = region.getAttribute("data-marker") || "";
    var param = region.getAttribute("data-live-param") || "marker";
    var base = region.getAttribute("data-live-url");
    var status = document.getElementById("live-status");

    function next() {
      window.setTimeout(check, EVERY_MS);
    }

    function check() {
      if (document.hidden || region.contains(document.activeElement)) {
        next(); // not while the tab is hidden, nor under a keyboard user's focus
        return;
      }
      var url = base + (base.indexOf("?") < 0 ? "?" : "&") + param + "=" + encodeURIComponent(marker);
      window
        .fetch(url, { credentials: "same-origin", headers: { "X-Lotse-Refresh": "1" }, cache: "no-store" })
        .then(function (response) {
          if (response.status === 401) {
            window.location.reload();
            return null;
          }
          if (response.status !== 200) {
            return null;
          }
          var newMarker = response.headers.get("X-Lotse-Marker") || marker;
          return response.text().then(function (html) {
            region.innerHTML = html; // rendered and escaped by the server, like the page itself
            marker = newMarker;
            if (status) {
              status.textContent = region.getAttribute("data-live-notice") || "";
            }
          });
        })
        .catch(function () {
          // the server is restarting or the network is gone: try again next time
        })
        .then(next);
    }

    next();
  }

  var regions = document.querySelectorAll("[data-live-url]");
  for (var i = 0; i < regions.length; i++) {
    watch(regions[i]);
  }
})();
