"""Packing a quantity of goods into the parcels a carrier service will take.

A consignment is packed the way a factory packs it: in its own cartons when the
listing gives them (units per carton, carton size and gross weight), otherwise
as loose units gathered into an outer carton. The parcels respect the service's
limits (weight, longest side, girth), which the market file keeps beside the
rate card. Pure functions; results are cached because every tier of every
variant of a listing packs the same unit.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

# Loose units gathered into one parcel travel in an outer carton: its walls and
# padding add this much to each side and this share to the weight. One unit
# alone travels as the listing measures it (its packed size already).
OUTER_CARTON_CM = Decimal(2)
OUTER_CARTON_WEIGHT_PCT = Decimal(5)


class PackingError(ValueError):
    """The goods cannot travel with this service; ``code`` says why."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Limits:
    """One parcel's limits at a service; None is no limit."""

    max_weight_g: int | None = None
    max_side_cm: Decimal | None = None
    max_girth_cm: Decimal | None = None

    def admit(self, weight_g: int, dims: tuple[Decimal, Decimal, Decimal]) -> bool:
        longest, middle, shortest = sorted(dims, reverse=True)
        if self.max_weight_g is not None and weight_g > self.max_weight_g:
            return False
        if self.max_side_cm is not None and longest > self.max_side_cm:
            return False
        girth = longest + 2 * (middle + shortest)
        return self.max_girth_cm is None or girth <= self.max_girth_cm


@dataclass(frozen=True)
class Carton:
    """The factory's own carton: how many units it holds, its size and gross weight."""

    units: int
    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal
    weight_g: int


@dataclass(frozen=True)
class Goods:
    """One unit as the listing measures it, and the factory's carton if it gave one."""

    weight_g: int
    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal
    carton: Carton | None = None

    @property
    def dims(self) -> tuple[Decimal, Decimal, Decimal]:
        return (self.length_cm, self.width_cm, self.height_cm)


@dataclass(frozen=True)
class Box:
    """One parcel: how many units it carries, its gross weight and outer size."""

    units: int
    weight_g: int
    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal

    @property
    def dims(self) -> tuple[Decimal, Decimal, Decimal]:
        return (self.length_cm, self.width_cm, self.height_cm)


@dataclass(frozen=True)
class Packed:
    """The parcels of a consignment, as (box, how many such boxes), largest first."""

    groups: tuple[tuple[Box, int], ...]

    @property
    def parcels(self) -> int:
        return sum(count for _box, count in self.groups)

    @property
    def units(self) -> int:
        return sum(box.units * count for box, count in self.groups)


def _grid_box(goods: Goods, counts: tuple[int, int, int]) -> tuple[Decimal, Decimal, Decimal]:
    nx, ny, nz = counts
    pad = OUTER_CARTON_CM if nx * ny * nz > 1 else Decimal(0)
    return (
        goods.length_cm * nx + pad,
        goods.width_cm * ny + pad,
        goods.height_cm * nz + pad,
    )


def _loose_weight(goods: Goods, units: int) -> int:
    if units == 1:
        return goods.weight_g
    gross = Decimal(goods.weight_g * units) * (1 + OUTER_CARTON_WEIGHT_PCT / 100)
    return int(gross.to_integral_value(ROUND_CEILING))


def _axis_limit(side: Decimal, limits: Limits) -> int:
    """How many units fit side by side along one axis, carton walls included."""
    if limits.max_side_cm is None:
        return 10_000
    return max(0, int((limits.max_side_cm - OUTER_CARTON_CM) / side))


@functools.lru_cache(maxsize=4096)
def loose_box(goods: Goods, units: int, limits: Limits) -> Box | None:
    """The smallest outer carton for ``units`` loose units within ``limits`` (None: none fits).

    Units are stacked in a grid (so many along each of their own sides); the
    grid with the least volume wins, then the one with the shortest longest side.
    """
    weight = _loose_weight(goods, units)
    if limits.max_weight_g is not None and weight > limits.max_weight_g:
        return None
    if units == 1:
        return Box(1, weight, *goods.dims) if limits.admit(weight, goods.dims) else None
    best = None
    max_x = min(units, _axis_limit(goods.length_cm, limits))
    max_y = _axis_limit(goods.width_cm, limits)
    max_z = _axis_limit(goods.height_cm, limits)
    max_side, max_girth = limits.max_side_cm, limits.max_girth_cm
    # Limits.admit and _grid_box worked out inline (the weight is checked above, and
    # several units always have the outer carton around them): this loop runs for
    # every parcel size of every listing a reprice packs.
    for nx in range(1, max_x + 1):
        a = goods.length_cm * nx + OUTER_CARTON_CM
        for ny in range(1, min(max_y, math.ceil(units / nx)) + 1):
            nz = math.ceil(units / (nx * ny))
            if nz > max_z:
                continue
            b = goods.width_cm * ny + OUTER_CARTON_CM
            c = goods.height_cm * nz + OUTER_CARTON_CM
            longest = max(a, b, c)
            if max_side is not None and longest > max_side:
                continue
            if max_girth is not None and 2 * (a + b + c) - longest > max_girth:
                continue
            key = (a * b * c, longest)
            if best is None or key < best[0]:
                best = (key, (a, b, c))
    if best is None:
        return None
    return Box(units, weight, *best[1])


# What bisection on loose_box() returned for goods that fit this many or more (it gave
# up doubling past a million units): kept, so a price never depends on the method.
MOST_UNITS = 524_288


@functools.lru_cache(maxsize=1024)
def units_per_parcel(goods: Goods, limits: Limits) -> int:
    """The most loose units one parcel can carry (0: not even one unit fits).

    Weight and size are separate bounds, each monotone in the count: the most
    units the weight limit allows, and the largest grid of units (with the outer
    carton's walls) that the side and girth limits admit. Worked out directly
    rather than by trying counts with loose_box(): this runs for every listing on
    every reprice, and a bisection costs twenty grid searches.
    """
    if loose_box(goods, 1, limits) is None:
        return 0
    by_weight = _most_by_weight(goods, limits.max_weight_g)
    if by_weight is None and limits.max_side_cm is None:
        return _most_by_trying(goods, limits)  # nothing bounds the grid
    by_size = _most_in_a_grid(goods, limits, by_weight or MOST_UNITS)
    return min(by_weight or MOST_UNITS, max(1, by_size), MOST_UNITS)


def _most_by_weight(goods: Goods, max_weight_g: int | None) -> int | None:
    """The most units whose gross weight (outer carton included) the limit allows."""
    if max_weight_g is None:
        return None
    per_unit = Decimal(goods.weight_g) * (1 + OUTER_CARTON_WEIGHT_PCT / 100)
    units = max(1, int(Decimal(max_weight_g) / per_unit))
    while units > 1 and _loose_weight(goods, units) > max_weight_g:
        units -= 1
    while _loose_weight(goods, units + 1) <= max_weight_g:
        units += 1
    return units


def _most_in_a_grid(goods: Goods, limits: Limits, cap: int) -> int:
    """The largest nx x ny x nz grid (at most ``cap`` units) whose outer carton the side
    and girth limits admit; 0 when two units do not fit together."""
    best = 0
    max_x = min(cap, _axis_limit(goods.length_cm, limits))
    max_y = min(cap, _axis_limit(goods.width_cm, limits))
    max_z = min(cap, _axis_limit(goods.height_cm, limits))
    for nx in range(1, max_x + 1):
        for ny in range(1, min(max_y, math.ceil(cap / nx)) + 1):
            top = min(max_z, math.ceil(cap / (nx * ny)))
            if nx * ny * top <= best:
                continue
            layers = _most_layers(goods, limits, nx, ny, top)
            if layers:
                best = max(best, min(cap, nx * ny * layers))
    return best


def _most_layers(goods: Goods, limits: Limits, nx: int, ny: int, top: int) -> int:
    """The most layers (at most ``top``) of an nx x ny grid the girth limit admits.

    The axis limits already keep every side within the longest side allowed, so
    only the girth bounds the layers. Girth is 2 x (a + b + c) minus the longest
    side: nondecreasing in the height c, so the tallest admitted carton comes
    from one division instead of a search; the check after it keeps the answer
    exactly what ``Limits.admit`` says.
    """
    if limits.max_girth_cm is None:
        layers = top
    else:
        a = goods.length_cm * nx + OUTER_CARTON_CM
        b = goods.width_cm * ny + OUTER_CARTON_CM
        longest = max(a, b)
        # Tallest side c: while c is the longest side, the girth is 2a + 2b + c; below
        # that, 2 x (a + b + c) minus the longer of a and b.
        c = limits.max_girth_cm - 2 * (a + b)
        if c < longest:
            c = (c + longest) / 2
        layers = int(((c - OUTER_CARTON_CM) / goods.height_cm).to_integral_value(ROUND_FLOOR))
        layers = max(0, min(top, layers))
    while layers > 0 and not _admits_size(goods, limits, (nx, ny, layers)):
        layers -= 1
    while layers < top and _admits_size(goods, limits, (nx, ny, layers + 1)):
        layers += 1
    return layers


def _admits_size(goods: Goods, limits: Limits, counts: tuple[int, int, int]) -> bool:
    """Whether the outer carton of this grid passes the side and girth limits (weight apart).

    ``Limits.admit`` worked out inline: this runs for every grid tried.
    """
    nx, ny, nz = counts
    # One unit of several in a grid still has the outer carton's walls around it.
    a = goods.length_cm * nx + OUTER_CARTON_CM
    b = goods.width_cm * ny + OUTER_CARTON_CM
    c = goods.height_cm * nz + OUTER_CARTON_CM
    longest = max(a, b, c)
    if limits.max_side_cm is not None and longest > limits.max_side_cm:
        return False
    return limits.max_girth_cm is None or 2 * (a + b + c) - longest <= limits.max_girth_cm


def _most_by_trying(goods: Goods, limits: Limits) -> int:
    """The count that fits, by doubling then bisection on loose_box() (unbounded limits)."""
    low, high = 1, 2
    while loose_box(goods, high, limits) is not None:
        low, high = high, high * 2
        if high > 1_000_000:
            return low
    while high - low > 1:
        middle = (low + high) // 2
        if loose_box(goods, middle, limits) is not None:
            low = middle
        else:
            high = middle
    return low


def _carton_box(carton: Carton, units: int, goods: Goods) -> Box:
    if units == carton.units:
        weight = carton.weight_g
    else:
        # A part-filled carton: its own tare plus the units in it.
        tare = max(0, carton.weight_g - goods.weight_g * carton.units)
        weight = tare + goods.weight_g * units
    return Box(units, weight, carton.length_cm, carton.width_cm, carton.height_cm)


# Every variant of a listing, and every market whose service has the same limits,
# packs the same tier quantities: the packing does not depend on costs or rates.
@functools.lru_cache(maxsize=4096)
def pack(goods: Goods, quantity: int, limits: Limits) -> Packed:
    """The parcels that carry ``quantity`` units: full parcels first, then the remainder."""
    if quantity < 1:
        raise PackingError("quantity_not_positive", str(quantity))
    carton = goods.carton
    if carton is not None and limits.admit(
        carton.weight_g, (carton.length_cm, carton.width_cm, carton.height_cm)
    ):
        full, rest = divmod(quantity, carton.units)
        groups: list[tuple[Box, int]] = []
        if full:
            groups.append((_carton_box(carton, carton.units, goods), full))
        if rest:
            # The remainder goes loose when that makes a smaller parcel than a carton.
            loose = loose_box(goods, rest, limits)
            partial = _carton_box(carton, rest, goods)
            if loose is not None and _volume(loose) < _volume(partial):
                partial = loose
            groups.append((partial, 1))
        return Packed(tuple(groups))
    per_parcel = units_per_parcel(goods, limits)
    if per_parcel == 0:
        raise PackingError("unit_exceeds_parcel_limits")
    full, rest = divmod(quantity, per_parcel)
    groups = []
    if full:
        groups.append((loose_box(goods, per_parcel, limits), full))
    if rest:
        groups.append((loose_box(goods, rest, limits), 1))
    return Packed(tuple(groups))


def _volume(box: Box) -> Decimal:
    return box.length_cm * box.width_cm * box.height_cm


# Stored packings name the method: a change to how goods are packed bumps this,
# and packings stored by the old method are simply never looked up again.
PACKING_METHOD = "2"


def goods_key(goods: Goods) -> str:
    """The goods as a stored packing is keyed: everything packing reads, and the method."""
    carton = goods.carton
    carton_part = (
        f"{carton.units}x{carton.length_cm}x{carton.width_cm}x{carton.height_cm}:{carton.weight_g}"
        if carton is not None
        else "-"
    )
    return (
        f"{PACKING_METHOD}|{goods.weight_g}|{goods.length_cm}x{goods.width_cm}x"
        f"{goods.height_cm}|{carton_part}"
    )


def limits_key(limits: Limits, quantity: int) -> str:
    return f"{limits.max_weight_g}|{limits.max_side_cm}|{limits.max_girth_cm}|{quantity}"


def packed_to_rows(packed: Packed) -> list[list]:
    """A packing as JSON: [units, weight_g, length, width, height, count] per kind of parcel."""
    return [
        [box.units, box.weight_g, str(box.length_cm), str(box.width_cm), str(box.height_cm), count]
        for box, count in packed.groups
    ]


def packed_from_rows(rows: list[list]) -> Packed:
    return Packed(
        tuple(
            (Box(units, weight, Decimal(length), Decimal(width), Decimal(height)), count)
            for units, weight, length, width, height, count in rows
        )
    )


class PackingMemo:
    """Packings already worked out, by goods and by limits and quantity; what this run adds
    is kept apart so the caller can store it. Packing does not depend on rates or costs,
    so a reprice after a rate change finds every listing's parcels here.

    Stored packings arrive as rows (``packed_to_rows``) and are read only when a price
    needs them: a batch crosses to a pricing process as plain lists, and an offer
    skipped for unchanged inputs never pays for its packings.
    """

    def __init__(self, known: dict[str, dict[str, Packed | list]] | None = None) -> None:
        self.known = known or {}
        self.found: dict[tuple[str, str], Packed] = {}

    def of(self, goods: Goods) -> GoodsPackings:
        key = goods_key(goods)
        return GoodsPackings(self, goods, key, self.known.setdefault(key, {}))


@dataclass
class GoodsPackings:
    """One goods' packings: looked up by limits and quantity, worked out when missing."""

    memo: PackingMemo
    goods: Goods
    key: str
    packings: dict[str, Packed | list]

    def pack(self, quantity: int, limits: Limits) -> Packed:
        name = limits_key(limits, quantity)
        found = self.packings.get(name)
        if isinstance(found, Packed):
            return found
        packed = _readable(found)
        if packed is None:
            # Never stored, or stored in a shape this code cannot read: packed afresh
            # (and stored again), never a batch lost to one bad row.
            packed = pack(self.goods, quantity, limits)
            self.memo.found[(self.key, name)] = packed
        self.packings[name] = packed
        return packed


def _readable(rows: list | None) -> Packed | None:
    if rows is None:
        return None
    try:
        return packed_from_rows(rows)
    except (ValueError, TypeError, ArithmeticError):
        return None
