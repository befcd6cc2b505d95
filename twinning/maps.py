"""The map of cities and pairings, drawn on the server as SVG over a world outline shipped
with the project (Natural Earth land at 1:110m, public domain, from the world-atlas package
in ``static/vendor/world-atlas/``). No internet access and no JavaScript are needed."""

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

OUTLINE_FILE = "vendor/world-atlas/land-110m.json"

# An equirectangular projection, cropped to the inhabited latitudes.
WIDTH = 1000
NORTH, SOUTH = 84.0, -58.0
SCALE = WIDTH / 360.0
HEIGHT = round((NORTH - SOUTH) * SCALE, 1)


def project(latitude, longitude) -> tuple[float, float]:
    """SVG coordinates of a point on the map."""
    x = (float(longitude) + 180.0) * SCALE
    y = (NORTH - float(latitude)) * SCALE
    return round(x, 1), round(y, 1)


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """The topology's arcs as lists of (longitude, latitude), undoing quantisation and delta
    encoding."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        points, x, y = [], 0, 0
        for dx, dy, *_rest in arc:
            if transform:
                x, y = x + dx, y + dy
                points.append(
                    (
                        x * transform["scale"][0] + transform["translate"][0],
                        y * transform["scale"][1] + transform["translate"][1],
                    )
                )
            else:
                points.append((dx, dy))
        arcs.append(points)
    return arcs


def _ring(arcs, indexes) -> list[tuple[float, float]]:
    ring: list[tuple[float, float]] = []
    for index in indexes:
        points = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        ring.extend(points[1:] if ring else points)
    return ring


def _polygons(geometry: dict):
    if geometry["type"] == "Polygon":
        yield geometry["arcs"]
    elif geometry["type"] == "MultiPolygon":
        yield from geometry["arcs"]
    elif geometry["type"] == "GeometryCollection":
        for child in geometry["geometries"]:
            yield from _polygons(child)


@lru_cache(maxsize=1)
def world_outline_path() -> str:
    """The land of the world as one SVG path (``d`` attribute), computed once per process."""
    path = finders.find(OUTLINE_FILE)
    if not path:
        # A deployment may ship only the collected files.
        collected = Path(settings.STATIC_ROOT or ".") / OUTLINE_FILE
        if not collected.is_file():
            return ""
        path = str(collected)
    with open(path, encoding="utf-8") as handle:
        topology = json.load(handle)
    arcs = _decode_arcs(topology)
    parts = []
    for geometry in topology["objects"].values():
        for polygon in _polygons(geometry):
            for indexes in polygon:
                ring = _unwrap(_ring(arcs, indexes))
                if len(ring) < 3 or max(lat for _lon, lat in ring) < SOUTH:
                    continue
                shifts = [0.0]
                if max(lon for lon, _lat in ring) > 180:
                    shifts.append(-360.0)
                if min(lon for lon, _lat in ring) < -180:
                    shifts.append(360.0)
                for shift in shifts:
                    points = [project(lat, lon + shift) for lon, lat in ring]
                    parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in points) + "Z")
    return "".join(parts)


def _unwrap(ring):
    """Keeps a ring that crosses the antimeridian continuous (longitudes may pass ±180); the
    caller draws such a ring again shifted by 360°, and the frame clips both."""
    unwrapped = []
    offset = 0.0
    previous = None
    for lon, lat in ring:
        if previous is not None:
            if lon - previous > 180:
                offset -= 360.0
            elif previous - lon > 180:
                offset += 360.0
        previous = lon
        unwrapped.append((lon + offset, lat))
    return unwrapped


@dataclass
class MapCity:
    city: object
    x: float
    y: float
    side: str
    pairings: list = field(default_factory=list)


@dataclass
class MapLine:
    pairing: object
    x1: float
    y1: float
    x2: float
    y2: float
    lead: bool

    @property
    def path(self) -> str:
        """A gentle arc between the two cities, so that lines over one another stay apart."""
        mx, my = (self.x1 + self.x2) / 2, (self.y1 + self.y2) / 2
        dx, dy = self.x2 - self.x1, self.y2 - self.y1
        bend = 0.15
        cx, cy = mx - dy * bend, my + dx * bend
        return f"M{self.x1:g},{self.y1:g}Q{cx:.1f},{cy:.1f} {self.x2:g},{self.y2:g}"


def pairing_map(pairings) -> dict:
    """The points (member cities) and lines (pairings) of a map of ``pairings``, whose
    ``members`` are prefetched. A further member is drawn linked to the other side's lead."""
    cities: dict[int, MapCity] = {}
    lines: list[MapLine] = []

    def place(city, side, pairing):
        if city.latitude is None or city.longitude is None:
            return None
        point = cities.get(city.pk)
        if point is None:
            x, y = project(city.latitude, city.longitude)
            point = cities[city.pk] = MapCity(city=city, x=x, y=y, side=side)
        if pairing not in point.pairings:
            point.pairings.append(pairing)
        return point

    for pairing in pairings:
        sides = pairing.sides()
        eu_lead = place(pairing.eu_lead, "eu", pairing)
        partner_lead = place(pairing.partner_lead, "partner", pairing)
        if eu_lead and partner_lead:
            lines.append(
                MapLine(pairing, eu_lead.x, eu_lead.y, partner_lead.x, partner_lead.y, lead=True)
            )
        for side, other_lead in (("eu", partner_lead), ("partner", eu_lead)):
            for city in sides[side][1:]:
                point = place(city, side, pairing)
                if point and other_lead:
                    lines.append(
                        MapLine(pairing, point.x, point.y, other_lead.x, other_lead.y, lead=False)
                    )
    return {
        "outline": world_outline_path(),
        "width": WIDTH,
        "height": HEIGHT,
        "cities": sorted(cities.values(), key=lambda point: point.city.name),
        "lines": lines,
    }
