"""The public release of the registry indicators: every table published together (desil with people,
deprivation, Alkire-Foster; city, kecamatan and kelurahan) as one set of linked tables, protected and
audited at once (tepat.engine.disclosure), so no subtraction across tables or levels gives back a
small count. The pure half takes the family table (polars) and needs no Django.

    release = build(table, parents)          # Release: protected + audited, or DisclosureRisk
    release.desil("kelurahan")               # desil_table's frame with None where hidden
    release.deprivation("kecamatan"); release.af("kota"); release.hidden_regions(cells, "kelurahan")

Cells (key = (table, level, region, category)); the equations are the row sums and the hierarchy
kelurahan -> kecamatan -> kota for every category:
- keluarga: d1..d10, tanpa_desil, jumlah (= their sum); jiwa (people, same categories) hidden with them;
- deprivasi, per dimension k: k (deprived), k:tidak (with data, not deprived), k:data (= k + k:tidak),
  k:tanpa_data (without data); keluarga jumlah = k:data + k:tanpa_data;
- af: miskin, tidak_miskin (jumlah = their sum), per indicator j: h:j (poor and deprived in j) and
  h:j:bukan (miskin = h:j + h:j:bukan); a region's AF cells are shown or hidden together.
Sensitive (1..SMALL_CELL-1 is primary): every family count except k:data and k:tanpa_data; people never.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

import polars as pl

from tepat.engine.disclosure import SMALL_CELL, LinkedTables, Protected, protect, released
from tepat.engine.measures import AFResult

LEVEL_WEIGHT = {"kelurahan": 1.0, "kecamatan": 3.0, "kota": 9.0}  # hide the finest cells first
CHILD = {"kota": "kecamatan", "kecamatan": "kelurahan"}
DESIL_CATEGORIES = [f"d{d}" for d in range(1, 11)] + ["tanpa_desil"]
CITY = "kota"


@dataclass(frozen=True)
class Frames:
    """Unsuppressed tables per level, and the kelurahan -> kecamatan map."""

    desil: dict[str, pl.DataFrame]
    deprivation: dict[str, pl.DataFrame]
    af: dict[str, AFResult]  # (a snapshot's: rows with n, poor and no censored counts)
    parents: dict[str, str]
    dims: tuple[str, ...]


def frames(table: pl.DataFrame, af_at: Callable[[pl.DataFrame, str], AFResult], dims: Iterable[str]) -> Frames:
    """The three tables at the three levels from the family table (registry.desil_table and friends)."""
    from tepat.indicators import registry

    levels = list(CHILD) + ["kelurahan"]
    parents = dict(table.select("kelurahan", "kecamatan").unique().iter_rows())
    return Frames(
        {lv: registry.desil_table(table, lv) for lv in levels},
        {lv: registry.deprivation_table(table, lv) for lv in levels},
        {lv: af_at(table, lv) for lv in levels} if table.height else {},
        parents,
        tuple(dims),
    )


def _parent(frames: Frames, level: str, region: str) -> str:
    return CITY if level == "kecamatan" else frames.parents[region]


def linked(frames: Frames, *, with_af: bool = True) -> LinkedTables:
    """The linked tables of a release (module docstring)."""
    tables = LinkedTables()
    for level, frame in frames.desil.items():
        for row in frame.to_dicts():
            _desil_cells(tables, level, row)
    for level, frame in frames.deprivation.items():
        for row in frame.to_dicts():
            _deprivation_cells(tables, level, row, frames.dims)
    if with_af:
        for level, result in frames.af.items():
            for row in result.groups or (result.overall,):
                _af_cells(tables, level, CITY if level == CITY else row.group, row)
    _hierarchy(tables, frames)
    return tables


def _desil_cells(tables: LinkedTables, level: str, row: dict) -> None:
    region, weight = row["region"], LEVEL_WEIGHT[level]
    for kind, prefix in (("keluarga", "keluarga_"), ("jiwa", "jiwa_")):
        names = {c: f"{prefix}{c}" for c in DESIL_CATEGORIES}
        for c, column in names.items():
            tables.cell((kind, level, region, c), row[column], sensitive=kind == "keluarga", weight=weight)
        tables.cell((kind, level, region, "jumlah"), row[kind], sensitive=kind == "keluarga", weight=2 * weight)
        tables.sum((kind, level, region, "jumlah"), [(kind, level, region, c) for c in DESIL_CATEGORIES])
    for c in [*DESIL_CATEGORIES, "jumlah"]:
        tables.together([("keluarga", level, region, c), ("jiwa", level, region, c)])


def _deprivation_cells(tables: LinkedTables, level: str, row: dict, dims: Iterable[str]) -> None:
    region, weight = row["region"], LEVEL_WEIGHT[level]
    for k in dims:
        n, data = row[f"{k}_n"], row[f"{k}_data"]
        cells = {
            k: (n, True),
            f"{k}:tidak": (data - n, True),
            f"{k}:data": (data, False),
            f"{k}:tanpa_data": (row["keluarga"] - data, False),
        }
        for category, (value, sensitive) in cells.items():
            tables.cell(("deprivasi", level, region, category), value, sensitive=sensitive, weight=weight)
        tables.sum(
            ("deprivasi", level, region, f"{k}:data"),
            [("deprivasi", level, region, k), ("deprivasi", level, region, f"{k}:tidak")],
        )
        tables.sum(
            ("keluarga", level, region, "jumlah"),
            [("deprivasi", level, region, f"{k}:data"), ("deprivasi", level, region, f"{k}:tanpa_data")],
        )


def af_categories(indicators: Iterable[str]) -> list[str]:
    return ["miskin", "tidak_miskin"] + [c for j in indicators for c in (f"h:{j}", f"h:{j}:bukan")]


def _af_cells(tables: LinkedTables, level: str, region: str, row) -> None:
    weight = LEVEL_WEIGHT[level]
    censored = {j: round(share * row.n) for j, share in row.censored.items()}
    values = {"miskin": row.poor, "tidak_miskin": row.n - row.poor}
    for j, count in censored.items():
        values |= {f"h:{j}": count, f"h:{j}:bukan": row.poor - count}
    for category, value in values.items():
        tables.cell(("af", level, region, category), value, weight=weight)

    def key(category: str) -> tuple:
        return ("af", level, region, category)

    tables.sum(("keluarga", level, region, "jumlah"), [key("miskin"), key("tidak_miskin")])
    for j in censored:
        tables.sum(key("miskin"), [key(f"h:{j}"), key(f"h:{j}:bukan")])
    tables.together([key(c) for c in values])


def _hierarchy(tables: LinkedTables, frames: Frames) -> None:
    """Every cell of a kecamatan (kota) = the sum of that cell over its kelurahan (kecamatan)."""
    children: dict[tuple, list] = {}
    for table, level, region, category in tables.keys:
        if level != CITY:
            children.setdefault(
                (table, {"kelurahan": "kecamatan", "kecamatan": CITY}[level], _parent(frames, level, region), category),
                [],
            ).append((table, level, region, category))
    for total, parts in children.items():
        tables.sum(total, parts)


@dataclass(frozen=True)
class Release:
    frames: Frames
    tables: LinkedTables
    protected: Protected
    small: int

    def hidden(self, key: tuple) -> bool:
        return self.tables.index[key] in self.protected.hidden

    def shown(self, key: tuple) -> int | None:
        i = self.tables.index[key]
        return None if i in self.protected.hidden else self.tables.values[i]

    def desil(self, level: str) -> pl.DataFrame:
        """desil_table's frame with None where hidden."""
        frame = self.frames.desil[level]
        columns = {f"{kind}_{c}": (kind, c) for kind in ("keluarga", "jiwa") for c in DESIL_CATEGORIES}
        columns |= {"keluarga": ("keluarga", "jumlah"), "jiwa": ("jiwa", "jumlah")}
        return frame.with_columns(
            pl.Series(name, [self.shown((kind, level, r, c)) for r in frame["region"]], dtype=pl.Int64)
            for name, (kind, c) in columns.items()
        )

    def deprivation(self, level: str) -> pl.DataFrame:
        """deprivation_table's frame with None where hidden (a rate shows only with its count and base)."""
        frame = self.frames.deprivation[level]
        regions = frame["region"].to_list()
        series = [
            pl.Series("keluarga", [self.shown(("keluarga", level, r, "jumlah")) for r in regions], dtype=pl.Int64)
        ]
        for k in self.frames.dims:
            n = [self.shown(("deprivasi", level, r, k)) for r in regions]
            data = [self.shown(("deprivasi", level, r, f"{k}:data")) for r in regions]
            rate = [None if a is None or b is None else v for a, b, v in zip(n, data, frame[f"{k}_persen"])]
            series += [
                pl.Series(f"{k}_n", n, dtype=pl.Int64),
                pl.Series(f"{k}_data", data, dtype=pl.Int64),
                pl.Series(f"{k}_persen", rate, dtype=frame.schema[f"{k}_persen"]),
            ]
        return frame.with_columns(series)

    def af(self, level: str, frame: pl.DataFrame) -> pl.DataFrame:
        """af_frame's frame (of this release's AF) with a region's measures None where its AF cells are hidden."""
        hide = [self.hidden(("af", level, r, "miskin")) for r in frame["region"]]
        measures = [c for c in frame.columns if c not in ("region", "region_name", "keluarga")]
        families = [self.shown(("keluarga", level, r, "jumlah")) for r in frame["region"]]
        return (
            frame.with_columns(pl.Series("_hide", hide))
            .with_columns(
                *[pl.when(pl.col("_hide")).then(None).otherwise(pl.col(c)).alias(c) for c in measures],
                pl.Series("keluarga", families, dtype=pl.Int64),
            )
            .drop("_hide")
        )

    def hidden_regions(self, level: str, keys: Iterable[tuple[str, str]]) -> set[str]:
        """Regions of `level` where any of the (table, category) cells is hidden."""
        regions = self.frames.desil[level]["region"].to_list()
        return {r for r in regions if any(self.hidden((t, level, r, c)) for t, c in keys)}


def build(frames_: Frames, small: int = SMALL_CELL, *, protector=protect, base: Release | None = None) -> Release:
    """Protect and audit the release (DisclosureRisk when the audit fails). With `base`, an earlier
    release over the same desil and deprivation tables: its pattern there is kept (only the AF cells,
    e.g. at other parameters, are chosen), so the two releases stay consistent."""
    tables = linked(frames_)
    if base is not None:
        keep = {
            tables.index[base.tables.keys[i]] for i in range(len(base.tables.keys)) if base.tables.keys[i][0] != "af"
        }
        start = frozenset(i for i in keep if base.tables.index[tables.keys[i]] in base.protected.hidden)
        protector = partial(protect, start=start, frozen=frozenset(keep - start))
    return Release(frames_, tables, released(tables, small, protector), small)


# ------------------------------------------------------------------------------ snapshots
@dataclass(frozen=True)
class _AFCounts:
    """What a snapshot keeps of an AF row: families and the poor (no censored counts)."""

    group: str | None
    n: int
    poor: int
    censored: dict


@dataclass(frozen=True)
class _AFLevel:
    groups: tuple
    overall: _AFCounts


def snapshot_frames(data: dict, dims: Iterable[str]) -> Frames:
    """A snapshot's stored counts as release frames (parents from the dotted codes; AF as poor and
    not poor only: a snapshot keeps percentages, not the censored counts)."""
    dims = tuple(dims)
    desil, deprivation, af = {}, {}, {}
    desil_columns = [f"{kind}_{c}" for kind in ("keluarga", "jiwa") for c in DESIL_CATEGORIES] + ["keluarga", "jiwa"]
    deprivation_columns = ["keluarga"] + [f"{k}_{suffix}" for k in dims for suffix in ("n", "data", "persen")]
    for level in [*CHILD, "kelurahan"]:
        rows = [{"region": region, **record} for region, record in sorted(data["levels"].get(level, {}).items())]
        desil[level] = pl.DataFrame(
            [{c: r.get(c) for c in ["region", *desil_columns]} for r in rows],
            schema={"region": pl.String, **dict.fromkeys(desil_columns, pl.Int64)},
        )
        deprivation[level] = pl.DataFrame(
            [{c: r.get(c) for c in ["region", *deprivation_columns]} for r in rows],
            schema={
                "region": pl.String,
                **{c: (pl.Float64 if c.endswith("_persen") else pl.Int64) for c in deprivation_columns},
            },
        )
        counts = [
            _AFCounts(None if level == CITY else r["region"], r["keluarga"], r.get("miskin_multidimensi") or 0, {})
            for r in rows
        ]
        af[level] = _AFLevel(
            tuple(counts) if level != CITY else (), counts[0] if level == CITY and counts else _AFCounts(None, 0, 0, {})
        )
    parents = {r: r.rsplit(".", 1)[0] for r in data["levels"].get("kelurahan", {})}
    return Frames(desil, deprivation, af if all(data["levels"].get(lv) for lv in af) else {}, parents, dims)


def measure_cells(measure: str, dims: Iterable[str]) -> list[tuple[str, str]]:
    """The release cells a snapshot measure (a column of the stored tables) shows."""
    for kind in ("keluarga", "jiwa"):
        if measure == kind:
            return [(kind, "jumlah")]
        if measure.startswith(f"{kind}_") and measure.removeprefix(f"{kind}_") in DESIL_CATEGORIES:
            return [(kind, measure.removeprefix(f"{kind}_"))]
    for k in dims:
        cells = {
            f"{k}_n": [("deprivasi", k)],
            f"{k}_data": [("deprivasi", f"{k}:data")],
            f"{k}_persen": [("deprivasi", k), ("deprivasi", f"{k}:data")],
        }
        if measure in cells:
            return cells[measure]
    return [("af", "miskin"), ("keluarga", "jumlah")]  # every AF measure: hidden with its region's AF cells
