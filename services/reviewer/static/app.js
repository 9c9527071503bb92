// Vigie review UI: progressive enhancement only; every page works without it.
// On the queue page, a banner says how many claims arrived since the page
// was rendered (server-sent events) without moving the list.
(function () {
  "use strict";
  var banner = document.getElementById("new-claims");
  if (!banner || !window.EventSource) {
    return;
  }
  var count = document.getElementById("new-claims-count");
  var url = banner.getAttribute("data-events") + "?since=" + encodeURIComponent(banner.getAttribute("data-since"));
  var es = new EventSource(url);
  es.addEventListener("claims", function (ev) {
    var data;
    try {
      data = JSON.parse(ev.data);
    } catch (e) {
      return;
    }
    if (typeof data.new !== "number" || data.new < 1) {
      return;
    }
    count.textContent = String(data.new);
    banner.hidden = false;
  });
  window.addEventListener("pagehide", function () { es.close(); });
})();

// On the alerts page, a "Copy" button beside each private feed address
// (the address itself is a read-only field anyone can select and copy).
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button.copy[data-copy]");
  Array.prototype.forEach.call(buttons, function (b) {
    var field = document.getElementById(b.getAttribute("data-copy"));
    if (!field || !navigator.clipboard) {
      return;
    }
    b.hidden = false;
    b.addEventListener("click", function () {
      field.select();
      navigator.clipboard.writeText(field.value).then(function () {
        b.setAttribute("data-copied", "true");
      });
    });
  });
})();
