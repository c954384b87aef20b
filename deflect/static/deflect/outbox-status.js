/* Shows encounters still waiting on this phone, and sends them when the connection is back. */
(function () {
  "use strict";
  var box = document.getElementById("pending-submissions");
  var outbox;
  try { outbox = JSON.parse(localStorage.getItem("deflect.encounters.outbox")) || []; } catch (e) { outbox = []; }
  if (!box || !outbox.length) { return; }
  box.hidden = false;
  box.innerHTML = "<p><strong>" + outbox.length + " encounter" + (outbox.length > 1 ? "s" : "") +
    " waiting to send</strong> — open <a href=\"../encounters/new/\">New encounter</a> while online to send them.</p>";
})();
