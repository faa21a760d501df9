/* corridors maps: draws the JSON payload written by corridors.maps on a Leaflet map.
 * Our own code, no plugin. Every text from the data arrives either HTML-escaped (popups, legend,
 * sources) or raw and set with textContent (names, labels). */
(function () {
  "use strict";
  var C = window.corridors = {};
  var DAY_MS = 86400000;

  /* --- the status rule, as corridors.timeline.status_on ------------------------------------- */

  /** "YYYY", "YYYY-MM" or "YYYY-MM-DD" as the first day of its period, "YYYY-MM-DD"; else null. */
  C.firstDay = function (text) {
    if (typeof text !== "string") { return null; }
    var m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text.trim());
    return m ? m[1] + "-" + (m[2] || "01") + "-" + (m[3] || "01") : null;
  };

  /** A line's status on a day (ISO strings compare as dates): see timeline.status_on. */
  C.statusOn = function (feature, day, rule) {
    var opened = C.firstDay(feature.opened), closed = C.firstDay(feature.closed);
    if (closed !== null && closed <= day) { return "historical"; }
    if (opened !== null && opened > day) {
      return feature.status === "under_construction" ? "under_construction" : "planned";
    }
    if (rule.notBuilt.indexOf(feature.status) >= 0 && opened === null) { return feature.status; }
    return rule.open;
  };

  /** A route's status: its own or its least-served segment's (timeline.route_status_on). */
  C.routeStatusOn = function (route, segments, day, rule) {
    var worst = C.statusOn(route, day, rule);
    route.segments.forEach(function (id) {
      var status = C.statusOn(segments[id], day, rule);
      if (rule.order.indexOf(status) > rule.order.indexOf(worst)) { worst = status; }
    });
    return worst;
  };

  function dayToIndex(day) { return Math.round(Date.parse(day + "T00:00:00Z") / DAY_MS); }
  function indexToDay(index) { return new Date(index * DAY_MS).toISOString().slice(0, 10); }

  function element(tag, className, parent, text) {
    var node = L.DomUtil.create(tag, className || "", parent);
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  var SVG = '<svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">';
  var RULER = SVG + '<path d="M2 13 13 2l5 5L7 18z" fill="none" stroke="currentColor" stroke-width="1.6"/>'
    + '<path d="M5 10l2 2M8 7l2 2M11 4l2 2" stroke="currentColor" stroke-width="1.6"/></svg>';
  var EXPAND = SVG + '<path d="M3 8V3h5M12 3h5v5M17 12v5h-5M8 17H3v-5" fill="none" stroke="currentColor" '
    + 'stroke-width="2"/></svg>';

  function button(box, title, icon, onClick) {
    var link = L.DomUtil.create("a", "corridors-button", box);
    link.href = "#";
    link.title = title;
    link.setAttribute("role", "button");
    link.setAttribute("aria-label", title);
    link.innerHTML = icon;
    L.DomEvent.on(link, "click", function (event) {
      L.DomEvent.preventDefault(event);
      L.DomEvent.stopPropagation(event);
      onClick(link);
    });
    return link;
  }

  /* --- controls ------------------------------------------------------------------------------ */

  var Measure = L.Control.extend({
    options: {position: "topleft"},
    onAdd: function () {
      var box = L.DomUtil.create("div", "leaflet-bar corridors-measure");
      this._line = L.polyline([], {color: "#111", weight: 2, dashArray: "5 5", interactive: false});
      this._label = L.tooltip({permanent: true, direction: "right", className: "corridors-measure-label"});
      this._button = button(box, "Measure a distance: click points on the map, then click here again", RULER,
        L.bind(this.toggle, this));
      return box;
    },
    toggle: function () { if (this._points) { this.stop(); } else { this.start(); } },
    start: function () {
      this._points = [];
      L.DomUtil.addClass(this._map.getContainer(), "corridors-measuring");
      L.DomUtil.addClass(this._button, "corridors-active");
      this._map.doubleClickZoom.disable();
      this._line.setLatLngs([]).addTo(this._map);
      this._map.on("click", this._add, this);
    },
    stop: function () {
      this._points = null;
      L.DomUtil.removeClass(this._map.getContainer(), "corridors-measuring");
      L.DomUtil.removeClass(this._button, "corridors-active");
      this._map.doubleClickZoom.enable();
      this._map.off("click", this._add, this);
      this._line.remove();
      this._label.remove();
    },
    measuring: function () { return Boolean(this._points); },
    _add: function (event) {
      var points = this._points, km = 0;
      points.push(event.latlng);
      this._line.addLatLng(event.latlng);
      for (var i = 1; i < points.length; i++) { km += this._map.distance(points[i - 1], points[i]) / 1000; }
      this._label.setLatLng(event.latlng).setContent(km.toFixed(1) + " km");
      if (!this._map.hasLayer(this._label)) { this._label.addTo(this._map); }
    }
  });

  var Fullscreen = L.Control.extend({
    options: {position: "topleft"},
    onAdd: function (map) {
      var box = L.DomUtil.create("div", "leaflet-bar corridors-fullscreen"), page = map.getContainer();
      function pseudo() {
        L.DomUtil.addClass(page, "corridors-pseudo-fullscreen");
        map.invalidateSize();
      }
      button(box, "Full screen", EXPAND, function () {
        if (document.fullscreenElement) {
          document.exitFullscreen();
        } else if (L.DomUtil.hasClass(page, "corridors-pseudo-fullscreen")) {
          L.DomUtil.removeClass(page, "corridors-pseudo-fullscreen");
          map.invalidateSize();
        } else if (page.requestFullscreen) {
          page.requestFullscreen().catch(pseudo);
        } else {
          pseudo();
        }
      });
      document.addEventListener("fullscreenchange", function () { map.invalidateSize(); });
      return box;
    }
  });

  var MiniMap = L.Control.extend({
    options: {position: "bottomright"},
    onAdd: function () {
      var box = L.DomUtil.create("div", "corridors-minimap");
      box.setAttribute("aria-hidden", "true");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    },
    show: function (countries) {
      var map = this._map, mini = L.map(this.getContainer(), {
        attributionControl: false, zoomControl: false, boxZoom: false, doubleClickZoom: false, dragging: false,
        keyboard: false, scrollWheelZoom: false, touchZoom: false, zoomSnap: 0,
        center: map.getCenter(), zoom: Math.max(map.getZoom() - 4, 0)
      });
      L.geoJSON(countries, {
        interactive: false, style: {color: "#a8a196", weight: 0.5, fillColor: "#f4f1ea", fillOpacity: 1}
      }).addTo(mini);
      var view = L.rectangle(map.getBounds(), {color: "#c0392b", weight: 1.5, fillOpacity: 0.1, interactive: false});
      view.addTo(mini);
      function follow() {
        mini.invalidateSize();
        mini.setView(map.getCenter(), Math.max(map.getZoom() - 4, 0), {animate: false});
        view.setBounds(map.getBounds());
      }
      map.on("moveend resize", follow);
      mini.on("click", function (event) { map.panTo(event.latlng); });
      follow();
    }
  });

  function boxControl(position, className, build) {
    var Box = L.Control.extend({
      options: {position: position},
      onAdd: function () {
        var box = L.DomUtil.create("div", className);
        build(box);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      }
    });
    return new Box();
  }

  /* --- the map --------------------------------------------------------------------------------- */

  C.draw = function (map, o) {
    var narrow = window.matchMedia("(max-width: 600px)").matches;
    var container = map.getContainer();
    var features = o.features, byId = {}, segments = {}, groups = {};
    var state = {day: o.date, open: null};
    features.forEach(function (f) {
      byId[f.id] = f;
      if (f.kind === "segment") { segments[f.id] = f; }
    });

    [["countries", 250], ["routes", 410], ["segments", 420], ["labels", 450]].forEach(function (pane) {
      map.createPane(pane[0]).style.zIndex = pane[1];
    });
    map.getPane("labels").style.pointerEvents = "none";
    map.getPane("countries").style.pointerEvents = "none";

    /* the frame: title, subtitle, dates, sources */
    var frame = boxControl("topleft", "corridors-frame", function (box) {
      element("h1", "", box, o.frame.title);
      if (o.frame.subtitle) { element("p", "corridors-subtitle", box, o.frame.subtitle); }
      var dates = element("p", "corridors-dates", box);
      element("span", "corridors-showing", dates);
      if (o.frame.dataAsOf) { element("span", "", dates, " · data as of " + o.frame.dataAsOf); }
      var sources = element("details", "corridors-sources", box);
      element("summary", "", sources, "Sources");
      element("ul", "", sources).innerHTML = o.frame.sources.map(function (s) { return "<li>" + s + "</li>"; }).join("");
    });
    frame.addTo(map);
    var zoomControl = map.zoomControl;
    if (zoomControl) { zoomControl.remove(); zoomControl.addTo(map); }  // below the frame

    /* the basemap: countries and names offline, tile layers online (the basemap as fallback) */
    var countries = L.geoJSON(o.countries, {
      pane: "countries", interactive: false,
      style: {color: "#a8a196", weight: 0.8, fillColor: "#f4f1ea", fillOpacity: 1}
    });
    var labels = L.layerGroup(o.labels.map(function (label) {
      var html = document.createElement("div"), text = element("span", "", html, label.text);
      if (label.kind === "place") { html.insertBefore(document.createElement("i"), text); }
      var marker = L.marker([label.lat, label.lon], {
        icon: L.divIcon({
          className: "corridors-label corridors-label-" + label.kind + " corridors-anchor-" + label.anchor,
          html: html, iconSize: null
        }),
        interactive: false, keyboard: false, pane: "labels"
      });
      marker.minZoom = label.minZoom;
      return marker;
    }));
    var offlineBase = L.layerGroup([countries, labels]);
    var bases = {"Offline basemap (Natural Earth)": offlineBase};
    var notice = element("div", "corridors-notice", container);
    notice.setAttribute("role", "status");
    notice.hidden = true;
    var fromFile = location.protocol === "file:", preferred = null;
    o.tiles.forEach(function (tile) {
      var layer = L.tileLayer(tile.url, {
        attribution: tile.attribution, maxZoom: tile.maxZoom, subdomains: tile.subdomains,
        referrerPolicy: "strict-origin-when-cross-origin"
      });
      var loaded = 0, failed = 0;
      layer.on("tileload", function () { loaded += 1; });
      layer.on("tileerror", function () {
        failed += 1;
        if (failed >= 3 && loaded === 0 && map.hasLayer(layer)) {
          map.removeLayer(layer);
          offlineBase.addTo(map);
          notice.textContent = tile.name + " tiles could not load: showing the offline basemap.";
          notice.hidden = false;
          window.setTimeout(function () { notice.hidden = true; }, 8000);
        }
      });
      bases[tile.name] = layer;
      if (!preferred && (tile.fromFile || !fromFile)) { preferred = layer; }
    });
    (preferred || offlineBase).addTo(map);

    function showLabels() {
      var zoom = map.getZoom();
      labels.eachLayer(function (marker) {
        var node = marker.getElement();
        if (node) { node.style.visibility = zoom >= marker.minZoom ? "" : "hidden"; }
      });
    }
    map.on("zoomend", showLabels);
    labels.on("add", showLabels);
    map.on("baselayerchange", showLabels);

    map.fitBounds(o.bounds, {padding: [o.padding, o.padding], animate: false});

    /* features */
    function tooltip(layer, f) {
      layer.bindTooltip(document.createTextNode(f.name), {sticky: true, className: "corridors-tooltip"});
    }
    o.groups.forEach(function (g) { groups[g.id] = L.featureGroup().addTo(map); });
    features.forEach(function (f) {
      var group = groups[f.group];
      if (f.kind === "segment") {
        f.layers = o.styles.segment[f.mode][f.statusThen].map(function (stroke, i) {
          return L.polyline(f.lines, L.extend({}, stroke, {
            color: stroke.color || f.colour, pane: "segments", bubblingMouseEvents: false,
            className: i === 0 ? "corridor-segment" : "rail-ties", interactive: i === 0
          })).addTo(group);
        });
        f.main = f.layers[0];
      } else if (f.kind === "route") {
        var band = o.styles.route[f.statusThen];
        f.main = L.polyline(f.lines, L.extend({}, band, {
          color: band.color || f.colour, pane: "routes", bubblingMouseEvents: false, className: "corridor-route"
        })).addTo(group);
        f.layers = [f.main];
      } else {
        var html = document.createElement("span"), size = o.icons[f.kind];
        html.textContent = f.kind === "airport" ? f.label : "";
        f.main = L.marker([f.lat, f.lon], {
          icon: L.divIcon({
            className: f.kind + "-marker", html: html, iconSize: size, iconAnchor: [size[0] / 2, size[1] / 2]
          }),
          keyboard: true, title: f.name, alt: f.name
        }).addTo(group);
        f.layers = [f.main];
      }
      tooltip(f.main, f);
      f.main.on("click", function (event) { handleClick(event); });
    });

    /* keyboard: every line and marker takes focus; Enter opens its popup */
    features.forEach(function (f) {
      var node = f.main.getElement();
      if (!node) { return; }
      node.setAttribute("tabindex", "0");
      node.setAttribute("role", "button");
      node.setAttribute("aria-label", f.name);
      L.DomEvent.on(node, "keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          L.DomEvent.preventDefault(event);
          L.DomEvent.stopPropagation(event);
          openFeature(f);
        }
      });
    });

    /* popups: one feature, or a list when several lie under the click */
    /* A popup fits between the controls first in each top corner (the frame, the folded layer list)
       and, on a phone, the folded legend and time slider; the layer list folds while a popup is open. */
    function popupOptions() {
      var width = container.clientWidth, height = container.clientHeight, box = container.getBoundingClientRect();
      var top = 10, bottom = 24;
      container.querySelectorAll(".leaflet-top").forEach(function (corner) {
        var first = corner.querySelector(".leaflet-control");
        if (first) { top = Math.max(top, first.getBoundingClientRect().bottom - box.top + 8); }
      });
      if (narrow) {
        container.querySelectorAll(".leaflet-bottom .leaflet-control").forEach(function (node) {
          if (node.offsetParent === null) { return; }  // hidden while a popup is open
          bottom = Math.max(bottom, box.bottom - node.getBoundingClientRect().top + 8);
        });
      }
      return {
        maxWidth: Math.min(380, width - 50), minWidth: Math.min(240, width - 50),
        maxHeight: Math.max(140, Math.min(420, height - top - bottom - 50)),
        className: "corridors-popup", autoPanPaddingTopLeft: [10, top], autoPanPaddingBottomRight: [10, bottom]
      };
    }

    function anchorOf(f) {
      if (f.lat !== undefined) { return L.latLng(f.lat, f.lon); }
      var line = f.main.getLatLngs(), flat = L.LineUtil.isFlat(line) ? line : line[0];
      return flat[Math.floor(flat.length / 2)];
    }

    function statusWords(status) { return status.replace(/_/g, " "); }

    function foldLayers() {
      var layers = container.querySelector(".leaflet-control-layers");
      if (layers) { L.DomUtil.removeClass(layers, "leaflet-control-layers-expanded"); }
    }

    function openFeature(f, latlng) {
      if (!map.hasLayer(f.main)) { groups[f.group].addTo(map); }
      foldLayers();
      L.DomUtil.addClass(container, "corridors-popup-open");  // on a phone, the controls under it hide first
      L.popup(popupOptions()).setLatLng(latlng || anchorOf(f)).setContent(f.popup).openOn(map);
      state.open = f.id;
      var content = container.querySelector(".leaflet-popup-content");
      if (content && state.day !== o.date) {
        content.querySelectorAll("[data-status-of]").forEach(function (span) {
          var target = byId[span.getAttribute("data-status-of")];
          if (target) {
            span.textContent = statusWords(target.statusThen) + " on " + state.day
              + " (now " + span.getAttribute("data-now") + ")";
          }
        });
      }
      writeHash();
    }
    C.openFeature = function (id) { openFeature(byId[id]); };

    function hits(latlng) {
      var point = map.latLngToLayerPoint(latlng), found = [];
      features.forEach(function (f) {
        if (!map.hasLayer(f.main)) { return; }
        var distance;
        if (f.kind === "segment" || f.kind === "route") {
          var closest = f.main.closestLayerPoint(point);
          distance = closest ? closest.distance - f.main.options.weight / 2 : Infinity;
          if (distance <= 4) { found.push(f); }
        } else {
          distance = map.latLngToLayerPoint(L.latLng(f.lat, f.lon)).distanceTo(point);
          if (distance <= 12) { found.push(f); }
        }
      });
      var order = {airport: 0, crossing: 1, segment: 2, route: 3};
      return found.sort(function (a, b) { return order[a.kind] - order[b.kind]; });
    }

    var KIND = {segment: "Segment", route: "Route", airport: "Airport", crossing: "Crossing"};
    function handleClick(event) {
      if (measure.measuring()) { return; }
      var under = hits(event.latlng);
      if (under.length === 1) { openFeature(under[0], event.latlng); return; }
      if (!under.length) { return; }
      var list = document.createElement("div"), items = element("ul", "corridors-choices", list);
      element("h3", "", list, under.length + " features here").className = "corridors-choose";
      under.forEach(function (f) {
        var choice = element("button", "corridors-choice", element("li", "", items));
        choice.type = "button";
        element("b", "", choice, KIND[f.kind] + ": ");
        choice.appendChild(document.createTextNode(f.name));
        choice.setAttribute("data-feature", f.id);
        L.DomEvent.on(choice, "click", function (e) {
          L.DomEvent.stop(e);
          openFeature(f, event.latlng);
        });
      });
      foldLayers();
      L.DomUtil.addClass(container, "corridors-popup-open");
      L.popup(popupOptions()).setLatLng(event.latlng).setContent(list).openOn(map);
      var first = list.querySelector("button");
      if (first) { first.focus({preventScroll: true}); }
    }
    map.on("click", handleClick);
    map.on("popupopen", function () { L.DomUtil.addClass(container, "corridors-popup-open"); });
    map.on("popupclose", function () {
      L.DomUtil.removeClass(container, "corridors-popup-open");
      state.open = null;
      writeHash();
    });

    /* restyling by the day shown */
    function restyle(day) {
      state.day = day;
      features.forEach(function (f) {
        if (f.kind === "segment") {
          f.statusThen = C.statusOn(f, day, o.rule);
          o.styles.segment[f.mode][f.statusThen].forEach(function (stroke, i) {
            f.layers[i].setStyle(L.extend({}, stroke, {color: stroke.color || f.colour}));
          });
        }
      });
      features.forEach(function (f) {
        if (f.kind === "route") {
          f.statusThen = C.routeStatusOn(f, segments, day, o.rule);
          var band = o.styles.route[f.statusThen];
          f.main.setStyle(L.extend({}, band, {color: band.color || f.colour}));
          f.main.getElement().setAttribute("data-status", f.statusThen);
        }
        if (f.kind === "segment") { f.main.getElement().setAttribute("data-status", f.statusThen); }
      });
      container.querySelector(".corridors-showing").textContent = "Status on " + day;
      if (slider) {
        slider.input.value = dayToIndex(day);
        slider.output.textContent = day;
      }
      writeHash();
    }
    C.setDay = restyle;

    var slider = null;
    var first = dayToIndex(o.dates[0]), last = dayToIndex(o.dates[1]);
    if (last > first) {
      boxControl("bottomleft", "corridors-time", function (box) {
        var label = element("label", "", box);
        element("span", "", label, "Date ");
        var input = element("input", "", label);
        input.type = "range";
        input.min = first;
        input.max = last;
        input.step = 1;
        input.value = dayToIndex(state.day);
        input.setAttribute("aria-label", "Date shown: lines are styled by their status on it");
        var output = element("output", "", box, state.day);
        slider = {input: input, output: output};
        L.DomEvent.on(input, "input change", function () { restyle(indexToDay(Number(input.value))); });
      }).addTo(map);
    }

    /* legend, measure, full screen, layers, minimap, search */
    boxControl("bottomleft", "corridors-legend", function (box) {
      box.innerHTML = o.legend;
      if (narrow) { box.querySelector("details").removeAttribute("open"); }
    }).addTo(map);
    var measure = new Measure().addTo(map);
    new Fullscreen().addTo(map);
    var overlays = {};
    o.groups.forEach(function (g) { overlays[g.title] = groups[g.id]; });
    L.control.layers(bases, overlays, {collapsed: narrow}).addTo(map);
    var mini = new MiniMap().addTo(map);
    if (!narrow) { mini.show(o.countries); }
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    map.attributionControl.addAttribution(o.frame.attribution);

    boxControl("topleft", "corridors-search", function (box) {
      var input = element("input", "", box), results = element("ul", "", box);
      input.type = "search";
      input.placeholder = "Search places and lines";
      input.setAttribute("aria-label", "Search places, routes, segments and airports");
      var entries = o.places.map(function (p) { return {name: p.name, kind: "Place", place: p}; })
        .concat(features.filter(function (f) { return f.kind !== "crossing"; })
          .map(function (f) { return {name: f.name, kind: KIND[f.kind], feature: f}; }));
      function choose(entry) {
        results.innerHTML = "";
        input.value = entry.name;
        if (entry.place) {
          map.setView([entry.place.lat, entry.place.lon], Math.max(map.getZoom(), 9));
        } else {
          var f = entry.feature;
          if (f.lat === undefined) { map.fitBounds(f.main.getBounds(), {padding: [40, 40], maxZoom: 11}); }
          openFeature(f);
        }
      }
      function search() {
        var text = input.value.trim().toLowerCase();
        results.innerHTML = "";
        if (!text) { return []; }
        var found = entries.filter(function (e) { return e.name.toLowerCase().indexOf(text) >= 0; }).slice(0, 8);
        found.forEach(function (entry) {
          var choice = element("button", "", element("li", "", results));
          choice.type = "button";
          element("b", "", choice, entry.kind + ": ");
          choice.appendChild(document.createTextNode(entry.name));
          // stopped here: choose() empties the list, so Leaflet could no longer see that the click
          // came from a control and would also take it as a click on the map, closing the popup it opens
          L.DomEvent.on(choice, "click", function (e) { L.DomEvent.stop(e); choose(entry); });
        });
        return found;
      }
      L.DomEvent.on(input, "input", search);
      L.DomEvent.on(input, "keydown", function (event) {
        if (event.key === "Enter") {
          var found = search();
          if (found.length) { choose(found[0]); }
        }
      });
    }).addTo(map);

    /* the view in the URL hash: #map=zoom/lat/lon&date=YYYY-MM-DD&open=id */
    var reading = true;
    function writeHash() {
      if (reading) { return; }
      var centre = map.getCenter(), parts = [
        "map=" + map.getZoom().toFixed(2).replace(/\.?0+$/, "") + "/" + centre.lat.toFixed(4) + "/" + centre.lng.toFixed(4)
      ];
      if (state.day !== o.date) { parts.push("date=" + state.day); }
      if (state.open) { parts.push("open=" + encodeURIComponent(state.open)); }
      history.replaceState(null, "", "#" + parts.join("&"));
    }
    map.on("moveend", writeHash);
    function readHash() {
      var fields = {};
      location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
        var at = pair.indexOf("=");
        if (at > 0) { fields[pair.slice(0, at)] = decodeURIComponent(pair.slice(at + 1)); }
      });
      var view = (fields.map || "").split("/").map(Number);
      if (view.length === 3 && view.every(isFinite)) { map.setView([view[1], view[2]], view[0], {animate: false}); }
      var day = C.firstDay(fields.date || "");
      restyle(day || state.day);
      if (fields.open && byId[fields.open]) { openFeature(byId[fields.open]); }
    }
    map.setMinZoom(Math.min(map.getZoom(), map.getBoundsZoom(L.latLngBounds(o.clip), true)));
    readHash();
    reading = false;
    showLabels();
    window.addEventListener("hashchange", function () { reading = true; readHash(); reading = false; });
    window.corridorsReady = true;
  };
}());
