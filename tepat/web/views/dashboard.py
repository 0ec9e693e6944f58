"""The home dashboard's panels: headline targets, trend, poverty-pocket map, verivali progress and
program coverage and the rakor, each linking to its page; a panel with nothing to show is left out.

Each panel is a function of the user returning a dict for its template (None: not shown). Costly
panels are cached in-process per (scope, the versions of the parts they read: tepat.registry.version):
the pocket map on the registry snapshot, the coverage panel also on the programs and interventions
versions; so a realisasi row rebuilds the coverage panel only, and a repeat visit costs a few small
queries and no rendering.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.utils.translation import get_language

from tepat.accounts.permissions import Action, can
from tepat.charts import svg
from tepat.charts.indicators import trend_chart
from tepat.indicators import official
from tepat.indicators.tracker import trackers
from tepat.lru import LRU
from tepat.meetings.access import can_follow_up, visible_items
from tepat.meetings.models import ActionItem
from tepat.meetings.queries import compliance, next_planned_rakor
from tepat.programs.frames import follows_versions, registry_state
from tepat.programs.models import Strategy
from tepat.programs.preview import scope_key
from tepat.registry import shared
from tepat.registry import snapshot as snapshots
from tepat.registry import version
from tepat.registry.models import VersionPart
from tepat.verivali.progress import campaign_progress, totals

log = logging.getLogger(__name__)
_CACHE: LRU[object] = LRU(32)
MAP_WIDTH = 340
TREND_WIDTH = 300  # the chart is shown at its own size (text >= 12 px), so it fits a dashboard card


def cached(key: tuple, build: Callable[[], object]) -> object:
    """`build()` once per key (least recently used entries dropped)."""
    return _CACHE.get(key, build)


def headline(user, state: tuple) -> dict | None:
    """Each target with its status (official figures: cheap queries, not cached)."""
    rows = [t for t in trackers() if "tracking" in t]
    return {"trackers": rows} if rows else None


def trend(user, state: tuple) -> dict | None:
    """The official series of the city with its targets."""
    figures = []
    for series in official.city_trends():
        key = (
            "trend",
            series["indicator"],
            json.dumps([series["points"], series["targets"]], sort_keys=True, default=str),
            get_language(),
        )
        chart = cached(
            key, lambda: svg(trend_chart(series["points"], series["targets"], title=series["title"], width=TREND_WIDTH))
        )
        figures.append({"indicator": series["indicator"], "svg": chart})
    return {"figures": figures} if figures else None


def pocket_map(user, state: tuple) -> dict | None:
    from tepat.pockets.measures import pockets
    from tepat.pockets.maps import rendered

    result = pockets(user, "desil1", state=state)
    if not result.rows:
        return None
    top = [row for row in result.rows if row.rank is not None][:5]
    return {"result": result, "svg": rendered(result, "peta", width=MAP_WIDTH), "top": top}


def coverage(user, state: tuple) -> dict | None:
    """Families eligible and served per strategy (rule editors, who may open the gap tables)."""
    if not can(user, Action.GAPS_VIEW):
        return None
    from tepat.engine import convergence as cv
    from tepat.programs.gaps import gap_inputs

    def build():
        summary = cv.coverage(gap_inputs(user), per="strategy").summary.to_dicts()
        labels = dict(Strategy.choices)
        return [{**row, "label": labels.get(row["strategy"], row["strategy"])} for row in summary]

    base = ("coverage", scope_key(user), state)
    versions = version.key(VersionPart.PROGRAMS, VersionPart.INTERVENTIONS)
    rows, as_of = (
        lagging(base, versions, build) if snapshots.WARMED is not None else (cached((*base, versions), build), None)
    )
    return {"rows": rows, "data_as_of": as_of} if rows else None


REFRESH_SECONDS = 60  # a served process recomputes a lagging panel at most this often per scope
_LAGGING: dict[tuple, tuple[tuple, object, datetime, float]] = {}  # base -> (versions, value, built at, monotonic)
_REFRESHING: set[tuple] = set()
_LAGGING_LOCK = threading.Lock()


def lagging(base: tuple, versions: tuple, build: Callable[[], object]) -> tuple[object, dict | None]:
    """In a served process, a panel whose data change with every realisasi row or freeze (the coverage:
    ~2-4 s at 100k families): the last value of `base` is shown, with its time ("data per ...") when
    newer versions exist, and one background thread recomputes it, at most every REFRESH_SECONDS.
    A request computes only the first value of a base (tepat.serve.warm does it for a new snapshot).
    Each value is computed by one process and read by the others (`_shared`).
    Returns (value, {"at": time} or None when current)."""
    with _LAGGING_LOCK:
        found = _LAGGING.get(base)
        due = found is not None and found[0] != versions and base not in _REFRESHING
        due = due and time.monotonic() - found[3] >= REFRESH_SECONDS
        if due:
            _REFRESHING.add(base)
    if found is None:
        built, value, at = _shared(base, versions, build)
        with _LAGGING_LOCK:
            _LAGGING[base] = (built, value, at, time.monotonic())
            while len(_LAGGING) > 32:  # bases of older snapshots
                _LAGGING.pop(next(iter(_LAGGING)))
        return value, None if built == versions else {"at": at}
    if due:
        threading.Thread(target=_refresh, args=(base, versions, build), daemon=True).start()
    return found[1], None if found[0] == versions else {"at": found[2]}


def _shared(base: tuple, versions: tuple, build: Callable[[], object]) -> tuple[tuple, object, datetime]:
    """(the versions it was computed at, the value, when): one computation per base and minute for every served
    process (tepat.registry.shared, beside the snapshot `base[2]`), keyed by the minute rather than the versions,
    which move with every realisasi row."""
    minute = int(time.time() // REFRESH_SECONDS)
    return shared.get(base[2], (*base[:2], minute), lambda: (versions, build(), datetime.now(UTC)))


def _refresh(base: tuple, versions: tuple, build: Callable[[], object]) -> None:
    from django.db import connection

    try:
        built, value, started = _shared(base, versions, build)
        _LAGGING[base] = (built, value, started, time.monotonic())
    except Exception:
        log.exception("refreshing %s", base[0])
    finally:
        _REFRESHING.discard(base)
        connection.close()


def verivali(user, state: tuple) -> dict | None:
    """Verivali progress of every campaign the user may see, with the outcomes so far. Cached per (scope, the
    verivali and registry versions), except for enumerators, whose assignments the scope follows."""
    if not can(user, Action.VERIVALI_VIEW):
        return None
    scope = scope_key(user)
    count = lambda: campaign_progress(by="campaign", user=user)  # noqa: E731
    if not follows_versions(scope):
        rows = count()
    else:
        rows = cached(("verivali", scope, version.key(VersionPart.VERIVALI, VersionPart.REGISTRY)), count)
    return {"rows": rows, "totals": totals(rows)} if rows else None


def rakor(user, state: tuple) -> dict | None:
    """This year's rakor against the legal minimum, the next one due, and open action items (OPD: its own)."""
    today = date.today()
    items = visible_items(user, ActionItem.objects.still_open())
    return {
        "compliance": compliance(today.year, today=today),
        "next": next_planned_rakor(today=today),
        "open": items.count(),
        "overdue": items.overdue(today).count(),
        "follows_up": can_follow_up(user),
    }


@dataclass(frozen=True)
class Panel:
    key: str
    build: Callable[[object, tuple], dict | None]  # (user, registry state) -> template data
    template: str


PANELS = (
    Panel("targets", headline, "web/dashboard_targets.html"),
    Panel("trend", trend, "web/dashboard_trend.html"),
    Panel("pockets", pocket_map, "web/dashboard_pockets.html"),
    Panel("verivali", verivali, "web/dashboard_verivali.html"),
    Panel("rakor", rakor, "web/dashboard_rakor.html"),
    Panel("coverage", coverage, "web/dashboard_coverage.html"),
)


def dashboard(user, state: tuple | None = None) -> list[dict]:
    """The panels shown to this user, in order: [{"key", "template", "data"}]. `state`: the registry
    snapshot (tepat.programs.frames.registry_state) if the caller has it."""
    state = state or registry_state()
    shown = []
    for panel in PANELS:
        data = panel.build(user, state)
        if data:
            shown.append({"key": panel.key, "template": panel.template, "data": data})
    return shown
