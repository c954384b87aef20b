/* The phone encounter form: progressive disclosure, person lookup, a draft kept on the phone,
   and an outbox that sends submissions when the connection is back — exactly once, because
   every submission carries its client_uuid and the server treats a retry as the same record. */
(function () {
  "use strict";
  var form = document.getElementById("encounter-form");
  if (!form) { return; }
  var OUTBOX = "deflect.encounters.outbox";
  var DRAFT = "deflect.encounters.draft";
  var pendingBox = document.getElementById("pending-submissions");

  function read(key, fallback) {
    try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  }
  function write(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* storage full */ }
  }

  /* --- what is known is not asked twice: the overdose time follows the encounter time until
     the responder changes it --- */
  var occurredAt = form.querySelector("[name=occurred_at]");
  var overdoseAt = form.querySelector("[name='overdose.overdose_at']");
  if (occurredAt && overdoseAt) {
    var following = !overdoseAt.value || overdoseAt.value === occurredAt.value;
    if (following) { overdoseAt.value = occurredAt.value; }
    overdoseAt.addEventListener("input", function () { following = overdoseAt.value === occurredAt.value; });
    occurredAt.addEventListener("input", function () { if (following) { overdoseAt.value = occurredAt.value; } });
  }

  /* --- progressive disclosure: only the chosen pathway's and person mode's inputs are live --- */
  function setSection(section, on) {
    section.hidden = !on;
    section.querySelectorAll("input, select, textarea").forEach(function (el) { el.disabled = !on; });
  }
  function refreshSections() {
    var pathway = form.querySelector("input[name=pathway]:checked");
    form.querySelectorAll("[data-pathway]").forEach(function (s) {
      setSection(s, !!pathway && s.getAttribute("data-pathway") === pathway.value);
    });
    var mode = form.querySelector("input[name=person_mode]:checked");
    form.querySelectorAll("[data-person-mode]").forEach(function (s) {
      setSection(s, !!mode && s.getAttribute("data-person-mode") === mode.value);
    });
    var eligibility = document.getElementById("eligibility-section");
    if (pathway && pathway.value === "officer_intervention" && eligibility) { eligibility.open = true; }
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "pathway" || event.target.name === "person_mode") { refreshSections(); }
  });

  /* --- location --- */
  var locate = form.querySelector("[data-action=locate]");
  if (locate && navigator.geolocation) {
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.elements["latitude"].value = pos.coords.latitude.toFixed(6);
        form.elements["longitude"].value = pos.coords.longitude.toFixed(6);
        saveDraft();
      });
    });
  } else if (locate) { locate.hidden = true; }

  /* --- person lookup (results come from the people app's search partial) --- */
  var searchBox = document.getElementById("person-search-inputs");
  var results = document.getElementById("person-results");
  var searchTimer = null;
  function search() {
    var url = searchBox && searchBox.getAttribute("data-search-url");
    if (!url || !navigator.onLine) { return; }
    var params = new URLSearchParams({
      first_name: form.elements["q_first"].value, last_name: form.elements["q_last"].value,
      date_of_birth: form.elements["q_dob"].value, phone: form.elements["q_phone"].value
    });
    if (!params.get("first_name") && !params.get("last_name") && !params.get("phone") && !params.get("date_of_birth")) {
      results.innerHTML = ""; return;
    }
    fetch(url + "?" + params.toString(), { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { results.innerHTML = html; })
      .catch(function () { results.textContent = "Search needs a connection."; });
  }
  if (searchBox) {
    searchBox.addEventListener("input", function () { clearTimeout(searchTimer); searchTimer = setTimeout(search, 250); });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-person-id]");
    if (!button || !form.contains(button) && !results.contains(button)) { return; }
    event.preventDefault();
    form.elements["person_id"].value = button.getAttribute("data-person-id");
    form.elements["person_label"].value = button.getAttribute("data-person-name") || ("#" + button.getAttribute("data-person-id"));
    showChosenPerson();
    saveDraft();
  });
  function showChosenPerson() {
    var id = form.elements["person_id"].value;
    document.getElementById("person-chosen-name").textContent = form.elements["person_label"].value || ("#" + id);
    document.getElementById("person-chosen").hidden = !id;
  }

  /* --- the draft: every change is kept on the phone until the encounter is sent --- */
  function pairs() {
    var list = [];
    new FormData(form).forEach(function (value, key) { list.push([key, value]); });
    return list;
  }
  function saveDraft() { write(DRAFT, { uuid: form.elements["client_uuid"].value, pairs: pairs() }); }
  function restoreDraft() {
    var draft = read(DRAFT, null);
    if (!draft || !draft.pairs || document.getElementById("error-summary")) { return; }
    var sent = read(OUTBOX, []).some(function (item) { return item.uuid === draft.uuid; });
    if (sent) { return; }
    form.elements["client_uuid"].value = draft.uuid;
    var multi = {};
    draft.pairs.forEach(function (pair) {
      var field = form.elements[pair[0]];
      if (!field || pair[0] === "csrfmiddlewaretoken") { return; }
      if (field instanceof RadioNodeList || (field.type === "checkbox" || field.type === "radio")) {
        (multi[pair[0]] = multi[pair[0]] || []).push(pair[1]);
      } else { field.value = pair[1]; }
    });
    Object.keys(multi).forEach(function (name) {
      form.querySelectorAll("[name='" + name + "']").forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") { el.checked = multi[name].indexOf(el.value) !== -1; }
        else { el.value = multi[name][0]; }
      });
    });
    showChosenPerson();
    var note = document.getElementById("offline-note");
    if (note) { note.textContent = "Your unsent draft was restored."; }
  }
  form.addEventListener("input", saveDraft);
  form.addEventListener("change", saveDraft);

  function uuid4() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /* --- the outbox --- */
  function encounters(n) { return n + " encounter" + (n > 1 ? "s" : ""); }
  function showPending() {
    var outbox = read(OUTBOX, []);
    if (!pendingBox) { return; }
    pendingBox.hidden = outbox.length === 0;
    pendingBox.innerHTML = "";
    if (!outbox.length) { return; }
    var refused = outbox.filter(function (item) { return item.refused; }).length;
    var waiting = outbox.length - refused;
    var title = document.createElement("p");
    if (waiting) {
      title.innerHTML = "<strong>" + encounters(waiting) + " waiting to send</strong> — kept on this phone; sent automatically when back online.";
    }
    if (refused) {
      title.insertAdjacentHTML("beforeend", (waiting ? " " : "") + "<strong>" + encounters(refused) +
        " need" + (refused > 1 ? "" : "s") + " fixing</strong> — the server did not accept " + (refused > 1 ? "them" : "it") + ".");
    }
    pendingBox.appendChild(title);
    var list = document.createElement("ul");
    outbox.forEach(function (item) {
      var li = document.createElement("li");
      li.setAttribute("data-pending-uuid", item.uuid);
      li.textContent = (item.label || "Encounter") + " · saved " + new Date(item.queuedAt).toLocaleTimeString();
      if (item.refused) {
        li.appendChild(document.createTextNode(" · not accepted: " + item.refused + " "));
        var fix = document.createElement("button");
        fix.type = "button";
        fix.textContent = "Fix and send";
        fix.addEventListener("click", function () { openRefused(item); });
        li.appendChild(fix);
      }
      list.appendChild(li);
    });
    pendingBox.appendChild(list);
  }
  function remove(uuid) {
    write(OUTBOX, read(OUTBOX, []).filter(function (item) { return item.uuid !== uuid; }));
    showPending();
  }
  /* A queued copy carries the CSRF token of the page it was saved on; signing in again since
     then has replaced it, so every send uses this page's token instead. */
  function token() { return form.elements["csrfmiddlewaretoken"].value; }
  function fields(item) {
    return item.pairs.filter(function (pair) { return pair[0] !== "csrfmiddlewaretoken"; })
      .concat([["csrfmiddlewaretoken", token()]]);
  }
  /* ``background``: sent from the outbox, so the server answers with the record's id instead of
     the record page (nobody is reading it, and a read would be audited). */
  function send(item, background) {
    var body = new URLSearchParams();
    fields(item).forEach(function (pair) { body.append(pair[0], pair[1]); });
    if (background) { body.append("sent_from", "outbox"); }
    return fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin", redirect: "follow",
      headers: { "X-CSRFToken": token() }
    }).then(function (response) {
      return response.text().then(function (html) { return { response: response, html: html }; });
    });
  }
  /* Saved means the server answered a background send with the record's id, or redirected a
     foreground one to the encounter's record. Any other page reached by a redirect (the sign-in
     page, when the session has expired) has not saved anything. */
  var recordPath = new URL(form.action, window.location.href).pathname.replace(/new\/$/, "");
  function saved(response) {
    if (!response.redirected && response.headers.get("X-Encounter-Id")) { return response.ok; }
    if (!response.ok || !response.redirected) { return false; }
    var path = new URL(response.url, window.location.href).pathname;
    return path.indexOf(recordPath) === 0 && /^\d+\/$/.test(path.slice(recordPath.length));
  }
  var flushing = false;
  function flush() {
    if (flushing || !navigator.onLine) { return Promise.resolve(); }
    var item = read(OUTBOX, []).filter(function (queued) { return !queued.refused; })[0];
    if (!item) { return Promise.resolve(); }
    flushing = true;
    return send(item, true).then(function (result) {
      flushing = false;
      if (saved(result.response)) {
        remove(item.uuid);
        return flush();
      }
      if (result.response.status >= 400 && result.response.status < 500) {
        /* The server refused this one: keep it on the phone, marked with why, for the worker to
           fix (sending it again unchanged would be refused again), and go on with the rest. */
        refuse(item.uuid, reason(result.html));
        return flush();
      }
      return null;
    }).catch(function () { flushing = false; });
  }
  function reason(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var found = doc.querySelectorAll("#error-summary li");
    if (!found.length) { return (doc.querySelector("h1") || doc.body).textContent.trim().slice(0, 200); }
    return Array.prototype.map.call(found, function (li) { return li.textContent.trim(); }).join(" ");
  }
  function refuse(uuid, why) {
    write(OUTBOX, read(OUTBOX, []).map(function (item) {
      if (item.uuid === uuid) { item.refused = why || "refused"; }
      return item;
    }));
    showPending();
  }
  /* Post a refused submission the ordinary way: the server answers with the form, filled in,
     and its errors shown next to the fields. */
  function openRefused(item) {
    if (!navigator.onLine) { return; }
    var post = document.createElement("form");
    post.method = "post";
    post.action = form.action;
    post.hidden = true;
    fields(item).forEach(function (pair) {
      var input = document.createElement("input");
      input.type = "hidden"; input.name = pair[0]; input.value = pair[1];
      post.appendChild(input);
    });
    remove(item.uuid);
    document.body.appendChild(post);
    post.submit();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var pathway = form.querySelector("input[name=pathway]:checked");
    var item = {
      uuid: form.elements["client_uuid"].value, pairs: pairs(), queuedAt: Date.now(),
      label: pathway ? pathway.parentElement.textContent.trim() : "Encounter"
    };
    var outbox = read(OUTBOX, []).filter(function (queued) { return queued.uuid !== item.uuid; });
    outbox.push(item);
    write(OUTBOX, outbox);
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    if (!navigator.onLine) {
      finishOffline(button);
      return;
    }
    send(item).then(function (result) {
      if (saved(result.response)) {
        remove(item.uuid);
        localStorage.removeItem(DRAFT);
        /* Show the record page the redirect already answered with: loading it again would lose
           its "Encounter saved." message and log a second read of the encounter. */
        history.replaceState(null, "", result.response.url);
        document.open(); document.write(result.html); document.close();
        return;
      }
      if (result.response.ok) {
        /* Redirected elsewhere, not saved: the sign-in page, when the session has expired. The
           encounter stays queued and is sent when the form opens again after signing in. */
        localStorage.removeItem(DRAFT);
        window.location.assign(result.response.url);
        return;
      }
      remove(item.uuid);
      button.disabled = false;
      if (result.response.status >= 400) {
        document.open(); document.write(result.html); document.close();
      }
    }).catch(function () { finishOffline(button); });
  });
  function finishOffline(button) {
    localStorage.removeItem(DRAFT);
    showPending();
    var note = document.getElementById("offline-note");
    if (note) { note.textContent = "No connection: the encounter is saved on this phone and will be sent automatically."; }
    form.reset();
    form.elements["client_uuid"].value = uuid4();
    button.disabled = false;
    refreshSections();
  }

  window.addEventListener("online", flush);
  refreshSections();
  restoreDraft();
  refreshSections();
  showPending();
  flush();
})();
