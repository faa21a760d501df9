"""Border-aware multimodal routing over the segments of every corridor layer.

The network is a graph whose nodes are places and whose edges are segments, in both directions.
Each edge carries its segment's id, mode, geodesic length, status, dates, layer and the countries
it passes: those the crossing analysis finds along the segment (with the same tolerance as
``corridors compare``) plus the countries of its two end places. A route changes mode wherever two
segments meet at a place (a port, a junction, a border station).

Constraints, each of which removes edges before the search:

* ``avoid``: no edge whose countries include an avoided ISO3 code. A sea or ferry leg counts as the
  countries of its two ports and of any land it crosses on the way (the Suez Canal is Egypt);
  territorial waters are not counted. The path found is analysed again as a whole and rejected if
  its own countries include an avoided code.
* ``modes``: only edges of those modes.
* ``as_of``: only segments that exist on that day (:func:`usable_on`). Without it every segment
  counts, planned and under construction ones included: the network as the data stand.
* ``via``: the path passes these places, in order.

The answer is analysed exactly like a route in ``corridors compare`` (one track through the
oriented segments), so its lengths, countries and crossings read the same. A request that no path
satisfies raises :class:`NoRoute`, whose message names the constraints that removed the paths.
"""

from ..errors import NoRoute
from .explain import explain
from .names import PlaceIndex, normalize_name
from .network import ACCESS_KM, ACCESS_TYPES, Constraints, Network
from .search import RouteAnswer, RoutePath, find_routes, to_geojson

__all__ = [
    "ACCESS_KM",
    "ACCESS_TYPES",
    "Constraints",
    "Network",
    "NoRoute",
    "PlaceIndex",
    "RouteAnswer",
    "RoutePath",
    "explain",
    "find_routes",
    "normalize_name",
    "to_geojson",
]
