/* Shows encounters still waiting on this phone, and sends them when the connection is back. */
(function () {
  "use strict";
  var box = document.getElementById("pending-submissions");
  var outbox;
  try { outbox = JSON.parse(localStorage.getItem("deflect.encounters.outbox")) || []; } catch (e) { outbox = []; }
  if (!box || !outbox.length) { return; }
  var refused = outbox.filter(function (item) { return item.refused; }).length;
  var waiting = outbox.length - refused;
  function encounters(n) { return n + " encounter" + (n > 1 ? "s" : ""); }
  var parts = [];
  if (waiting) { parts.push("<strong>" + encounters(waiting) + " waiting to send</strong>"); }
  if (refused) { parts.push("<strong>" + encounters(refused) + " need" + (refused > 1 ? "" : "s") + " fixing</strong>"); }
  box.hidden = false;
  box.innerHTML = "<p>" + parts.join(", ") +
    " — open <a href=\"../encounters/new/\">New encounter</a> while online to " + (refused ? "see them." : "send them.") + "</p>";
})();
