window.corridorsControls = function (map, countries, options) {
  "use strict";
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
    toggle: function () {
      if (this._points) { this.stop(); } else { this.start(); }
    },
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
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    },
    show: function (source) {
      var map = this._map, mini = L.map(this.getContainer(), {
        attributionControl: false, zoomControl: false, boxZoom: false, doubleClickZoom: false, dragging: false,
        keyboard: false, scrollWheelZoom: false, touchZoom: false, zoomSnap: 0,
        center: map.getCenter(), zoom: Math.max(map.getZoom() - 4, 0)
      });
      L.geoJSON(source.toGeoJSON(), {
        interactive: false, style: {color: "#a8a196", weight: 0.5, fillColor: "#f4f1ea", fillOpacity: 1}
      }).addTo(mini);
      var view = L.rectangle(map.getBounds(), {color: "#c0392b", weight: 1.5, fillOpacity: 0.1, interactive: false});
      view.addTo(mini);
      function follow() {
        mini.setView(map.getCenter(), Math.max(map.getZoom() - 4, 0), {animate: false});
        view.setBounds(map.getBounds());
      }
      map.on("moveend resize", follow);
      mini.on("click", function (event) { map.panTo(event.latlng); });
      follow();
    }
  });

  var Legend = L.Control.extend({
    options: {position: "bottomleft"},
    onAdd: function () {
      var box = L.DomUtil.create("div", "corridors-legend");
      box.innerHTML = options.legend;
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    }
  });

  map.fitBounds(options.bounds, {padding: [options.padding, options.padding], animate: false});
  new Measure().addTo(map);
  new Fullscreen().addTo(map);
  new Legend().addTo(map);
  new MiniMap().addTo(map).show(countries);
  map.attributionControl.addAttribution(options.attribution);
  function countryLabels() {  // each code once its country is big enough on screen
    var zoom = map.getZoom();
    map.getContainer().querySelectorAll(".country-label [data-min-zoom]").forEach(function (label) {
      label.parentNode.style.visibility = zoom >= Number(label.getAttribute("data-min-zoom")) ? "" : "hidden";
    });
  }
  map.on("zoomend", countryLabels);
  countryLabels();
  map.on("popupopen", function () {  // fold the layer list away so it does not hide the popup; its icon unfolds it
    var layers = map.getContainer().querySelector(".leaflet-control-layers");
    if (layers) { L.DomUtil.removeClass(layers, "leaflet-control-layers-expanded"); }
  });
  map.setMinZoom(Math.min(map.getZoom(), map.getBoundsZoom(L.latLngBounds(options.clip), true)));
};
