"""Days, transshipments, customs borders and CO₂ of a route or path, from cited factors.

Kilometres are half of a corridor comparison; the studies compare corridors on days, borders,
transshipments and emissions. This package estimates those from the legs of an analysed line and the
factors in ``geo/factors.csv``, each factor cited (outlet, title, date, URL, quote) and dated. Nothing
is a constant in code: a factor the table lacks is reported as missing (``transit_days: null`` with
``missing_factors``), never filled in.

The rules, each in one place:

* **Legs** are the segments in travel order, each with its mode and its km per country
  (:func:`legs_for_lines`); water counts as ``sea``.
* **Customs borders.** A political border between two countries that share a customs union on the date
  (the EAEU, the EU) is not a customs border; a partial union (EU–Türkiye, industrial goods only) leaves
  the customs controls, so its border counts, marked ``partial_union``. A sea leg that only passes a
  country (the Suez Canal) does not enter its customs territory: the cargo enters the territory of the
  next country the route stops in.
* **Gauge breaks**: a land crossing on a rail leg between two countries whose networks have different
  track gauges (1520 / 1435 mm). The break is placed at the border (the BTK's is at Akhalkalaki, 30 km
  inside Georgia).
* **Transshipments**: every change of mode between consecutive legs (loading on and off a ferry counts
  twice) and every gauge break.
* **Transit days** (low–high) = moving time (km per country / speed of the mode there) + dwell at
  every customs border, gauge break and transshipment. A ferry leg takes its crossing time, which the
  source gives with berth waits and inspections included, so the customs border and the loading at its
  two ends add nothing. A border dwell from the CAREC measurements includes unloading and loading, so a
  gauge break at that border adds nothing. Clearance at the destination port, after the last sea leg,
  is outside transit time, as in published port-to-port times.
* **CO₂** per tonne of cargo = Σ leg km × emission intensity of the mode (per tonne-km).
"""

from .estimate import ZERO, Estimate, Leg, Range, Stop, estimate
from .factors import (
    CO2_UNIT,
    FACTOR_COLUMNS,
    FACTOR_UNITS,
    MEASURES,
    SCOPE_TYPES,
    UNDATED,
    Factor,
    FactorTable,
    border_key,
    factors_path,
    load_factors,
)
from .routes import UNKNOWN_WEIGHT, PathEstimates, estimate_routes, legs_for_lines, segment_weights

__all__ = [
    "CO2_UNIT",
    "FACTOR_COLUMNS",
    "FACTOR_UNITS",
    "MEASURES",
    "SCOPE_TYPES",
    "UNDATED",
    "UNKNOWN_WEIGHT",
    "ZERO",
    "Estimate",
    "Factor",
    "FactorTable",
    "Leg",
    "PathEstimates",
    "Range",
    "Stop",
    "border_key",
    "estimate",
    "estimate_routes",
    "factors_path",
    "legs_for_lines",
    "load_factors",
    "segment_weights",
]
