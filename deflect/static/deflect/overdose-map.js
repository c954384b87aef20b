// The overdose map: hex cells, points (where allowed) and alerts from the page's data URL,
// drawn with Leaflet. Works without a tile server: the data layer is SVG on a blank map.
(function () {
  "use strict";
  var box = document.getElementById("overdose-map");
  if (!box || !window.L) { return; }
  var summary = document.getElementById("overdose-map-summary");
  var alertList = document.getElementById("overdose-map-alerts");
  L.Icon.Default.imagePath = box.dataset.leafletImages;
  var map = L.map(box, { preferCanvas: false }).setView([39.0, -77.0], 11);
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { maxZoom: 18, attribution: box.dataset.attribution || "" }).addTo(map);
  }
  var layer = L.featureGroup().addTo(map);

  function text(value) { return value === null ? "fewer than 11" : String(value); }

  function draw(data) {
    var maxTotal = 1;
    data.cells.forEach(function (c) { if (c.total) { maxTotal = Math.max(maxTotal, c.total); } });
    data.cells.forEach(function (c) {
      var share = c.total ? c.total / maxTotal : 0.15;
      L.polygon(c.boundary, {
        color: "#7a3b00", weight: 1, fillColor: "#d9480f", fillOpacity: 0.15 + 0.55 * share,
        className: "overdose-cell"
      }).bindTooltip(text(c.total) + " overdoses (" + text(c.fatal) + " fatal, naloxone in " +
        text(c.naloxone) + ")").on("click", function () {
        var field = document.getElementById("sweep-area");
        if (field) { field.value = c.cell; }
      }).addTo(layer);
    });
    data.points.forEach(function (p) {
      var marker = L.circleMarker([p.lat, p.lng], {
        radius: 6, weight: p.naloxone ? 3 : 1, color: p.naloxone ? "#1b6e1b" : "#222",
        fillColor: p.fatal ? "#b00020" : "#1d4ed8", fillOpacity: 0.9, className: "overdose-point"
      }).bindTooltip((p.fatal ? "Fatal" : "Non-fatal") + " overdose, " + p.day +
        (p.naloxone ? ", naloxone given" : ""));
      if (box.dataset.eventUrl) {
        marker.on("click", function () {
          window.location.href = box.dataset.eventUrl.replace("/0/", "/" + p.id + "/");
        });
      }
      marker.addTo(layer);
    });
    data.alerts.forEach(function (a) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "../../alerts/" + a.id + "/";
      link.textContent = a.first_day + ": " + a.method + ", " + a.count + " in " + a.area +
        " (expected " + a.expected + ")";
      item.appendChild(link);
      alertList.appendChild(item);
      if (a.boundary) {
        L.polygon(a.boundary, { color: "#b00020", weight: 3, fill: false, dashArray: "6 4",
          className: "overdose-alert" }).addTo(layer);
      }
    });
    if (!data.alerts.length) {
      var none = document.createElement("li");
      none.textContent = "No alerts.";
      alertList.appendChild(none);
    }
    if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { padding: [20, 20] }); }
    summary.textContent = data.cells.length + " cells, " + data.points.length +
      " individual overdoses, " + data.alerts.length + " alerts shown.";
    box.dataset.layerReady = "true";
  }

  fetch(box.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(draw)
    .catch(function () { summary.textContent = "The map data could not be loaded."; });
})();
