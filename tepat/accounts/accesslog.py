"""Reading the personal-data access log: filters, the person (NIK) search, the download table.

`PersonalDataAccess.what` is a short text written by each view (docs/roles.md lists them). The person
search turns a family into the `what` texts that name it (exact), and re-applies the filter of every
family-list view or download to today's registry in that user's scope (re-evaluated, see `listed_by`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date
from math import ceil
from urllib.parse import unquote_plus

import polars as pl
from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from tepat.accounts.masking import identity_for, mask_numbers
from tepat.accounts.models import AccessKind, PersonalDataAccess, User
from tepat.accounts.roles import Scope, policy_for
from tepat.accounts.scope import scoped
from tepat.registry.filters import FamilyFilter
from tepat.registry.models import Family, Member


# Log texts that name one family (or a record only about it): exact matches. Keep in step with the views.
# Each app adds the texts of its own pages in its AppConfig.ready() (`register_named`).
NAMED: dict[str, Callable[[list[int]], list[str]]] = {
    "family page": lambda ids: [f"keluarga {i}" for i in ids],
    "access-log person search": lambda ids: [f"log akses: keluarga {i}" for i in ids],
}
# (log text of a list of one user's assigned families, users assigned any of these families): from verivali.
ASSIGNED_LISTS: list[tuple[str, Callable[[list[int]], QuerySet]]] = []


def register_named(name: str, texts: Callable[[list[int]], list[str]]) -> None:
    """Log texts naming these families (ids -> exact texts), for the person search."""
    NAMED[name] = texts


def register_assigned_list(what: str, users_of: Callable[[list[int]], QuerySet]) -> None:
    """A list page of the families assigned to its viewer: matched when the viewer was assigned one of them."""
    ASSIGNED_LISTS.append((what, users_of))


LIST_WHAT = re.compile(r"^(?P<api>api: )?daftar keluarga (?:\((?P<kind>csv|xlsx)\) )?(?P<query>.*)$")


PAGE_PARAM = re.compile(r"(?:^|&)page=([^&]*)")


@lru_cache(maxsize=65536)
def _list_text(what: str) -> tuple[bool, str, int] | None:
    """'daftar keluarga (csv) desil=1&page=3' -> (download?, query string without the page, page number 3).
    An API list page ('api: daftar keluarga desil=1&cursor=...') counts as a download: a cursor is not a page
    number, so every family of its filter is taken as shown (the search may over-report, never miss).
    A regular expression rather than a QueryDict: the person search parses every distinct list text."""
    match = LIST_WHAT.match(what)
    if match is None:
        return None
    pages = PAGE_PARAM.findall(match["query"])
    return (
        bool(match["kind"] or match["api"]),
        PAGE_PARAM.sub("", match["query"]).lstrip("&"),
        page_asked(unquote_plus(pages[-1]) if pages else None),
    )


def page_asked(text: str | None) -> int:
    """The page Django's Paginator.get_page shows for this `page` parameter: not a number -> 1, below 1 ->
    the last page (returned as 0); past the end is clamped later (`shown_page`)."""
    try:
        number = int(text)
    except (TypeError, ValueError):
        return 1
    return number if number >= 1 else 0


def shown_page(asked: int, last: int) -> int:
    return last if asked == 0 else min(asked, last)


def _pages_showing(families: QuerySet, ids: list[int]) -> set[int]:
    """The list pages (TEPAT_PAGE_SIZE families by id) that show one of the families. Cost: 1 + len(found) counts."""
    size = settings.TEPAT_PAGE_SIZE
    return {
        families.filter(pk__lt=pk).count() // size + 1
        for pk in families.filter(pk__in=ids).values_list("pk", flat=True)
    }


def _scope_key(user: User) -> tuple:
    """Users whose family scope is the same share one evaluation (tepat.accounts.scope.family_filter)."""
    policy = policy_for(user)
    if policy.scope == Scope.ASSIGNED:
        return policy.scope, user.pk
    return policy.scope, user.region_id if policy.scope in (Scope.KECAMATAN, Scope.KELURAHAN) else None


def listed(entries: QuerySet, ids: list[int]) -> Q:
    """The family-list views and downloads among `entries` that include one of the families, re-evaluated:
    each filter is applied to today's registry within that user's scope today; a view must also have shown
    the page the family falls on (a page past the end shows the last one, as the list does).

    Cost: two DISTINCT queries over the list entries (their texts, their users), then per distinct
    (scope, filter without the page) one query, plus one count per family found and one of the list
    when it holds the family; never one per entry, user or page viewed."""
    lists = entries.filter(Q(what__startswith="daftar keluarga ") | Q(what__startswith="api: daftar keluarga "))
    texts: dict[str, list[tuple[str, bool, int]]] = defaultdict(list)
    for what in lists.order_by().values_list("what", flat=True).distinct():  # no ordering: it would join the DISTINCT
        parsed = _list_text(what)
        if parsed:
            texts[parsed[1]].append((what, parsed[0], parsed[2]))
    scopes: dict[tuple, list[User]] = defaultdict(list)
    for user in User.objects.filter(pk__in=lists.values("user_id")):
        scopes[_scope_key(user)].append(user)
    condition = Q(pk__in=[])
    for users in scopes.values():
        hits = []
        for query, group in texts.items():
            families = FamilyFilter.from_query(QueryDict(query)).apply(scoped(users[0], Family.objects.all()))
            pages = _pages_showing(families, ids)
            if pages:
                last = max(1, ceil(families.count() / settings.TEPAT_PAGE_SIZE))
                hits += [what for what, download, page in group if download or shown_page(page, last) in pages]
        if hits:
            condition |= Q(user_id__in=[u.pk for u in users], what__in=hits)
    return condition


def touching(entries: QuerySet, ids: list[int]) -> QuerySet:
    """The entries that concern the families `ids`: exact texts (NAMED), re-evaluated family lists
    (`listed`), and an enumerator's assigned-families list while the family was in their campaigns.

    Cost: one query per NAMED rule, `listed`'s, and the final one."""
    condition = Q(what__in=[text for rule in NAMED.values() for text in rule(ids)]) | listed(entries, ids)
    for what, users_of in ASSIGNED_LISTS:
        condition |= Q(what=what, user_id__in=users_of(ids))
    return entries.filter(condition)


@dataclass
class Person:
    """The families a NIK or No KK identifies: as a family's No KK or one of its members' NIK."""

    number: str
    families: list[Family] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)

    @property
    def family_ids(self) -> list[int]:
        return [f.pk for f in self.families]


def find_person(number: str) -> Person:
    members = list(Member.objects.filter(nik=number).select_related("family"))
    families = Family.objects.filter(Q(no_kk=number) | Q(pk__in=[m.family_id for m in members]))
    return Person(number, list(families.select_related("kelurahan").order_by("pk")), members)


def parse_date(text: str, label: str, errors: list[str]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append(
            _("%(field)s: tanggal tidak valid (%(value)s); gunakan TTTT-BB-HH.") % {"field": label, "value": text[:20]}
        )
        return None


@dataclass
class LogQuery:
    """The access-log filters from a query string; bad values become `errors` (the others still apply)."""

    nik: str = ""
    username: str = ""
    start: date | None = None
    end: date | None = None
    kind: str = ""
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, params) -> LogQuery:
        errors: list[str] = []
        nik = re.sub(r"\s+", "", params.get("nik", ""))
        if nik and not re.fullmatch(r"\d{16}", nik):
            errors.append(_("NIK / No KK: harus 16 angka."))
            nik = ""
        kind = params.get("jenis", "")
        return cls(
            nik=nik,
            username=params.get("pengguna", "").strip(),
            kind=kind if kind in AccessKind.values else "",
            start=parse_date(params.get("dari", "").strip(), _("Dari tanggal"), errors),
            end=parse_date(params.get("sampai", "").strip(), _("Sampai tanggal"), errors),
            errors=errors,
        )

    def entries(self, person: Person | None) -> QuerySet:
        """Filtered entries, newest first. Dates are whole days in the city's time zone (TEPAT_TIME_ZONE)."""
        entries = PersonalDataAccess.objects.select_related("user")
        if self.username:
            entries = entries.filter(user__username=self.username)
        if self.kind:
            entries = entries.filter(kind=self.kind)
        if self.start:
            entries = entries.filter(at__date__gte=self.start)
        if self.end:
            entries = entries.filter(at__date__lte=self.end)
        if person is not None:
            entries = touching(entries, person.family_ids) if person.families else entries.none()
        return entries.order_by("-at", "-pk")


def shown_what(viewer, what: str) -> str:
    """A log text as this viewer may see it: 16-digit numbers (a NIK typed in a search) masked for masking roles."""
    return what if policy_for(viewer).sees_identity_numbers else mask_numbers(what)


def log_frame(viewer, entries: QuerySet) -> pl.DataFrame:
    """The download table: one row per entry, in the order given. Cost: one query, streamed."""
    rows = entries.values_list("at", "user__username", "user__role", "kind", "what", "records", "unmasked").iterator(
        chunk_size=5000
    )
    data = [
        (
            timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S"),
            who,
            role,
            kind,
            shown_what(viewer, what),
            records,
            unmasked,
        )
        for at, who, role, kind, what, records, unmasked in rows
    ]
    schema = {
        "waktu": pl.String,
        "pengguna": pl.String,
        "peran": pl.String,
        "jenis": pl.String,
        "apa": pl.String,
        "rekaman": pl.Int64,
        "nomor_lengkap": pl.Boolean,
    }
    return pl.DataFrame(data, schema=schema, orient="row")


def person_rows(viewer, person: Person) -> list[dict]:
    """The families found, with identity numbers as this viewer may see them."""
    matched = {}
    for member in person.members:
        matched.setdefault(member.family_id, []).append(member)
    return [
        {
            "family": f,
            "no_kk": identity_for(viewer, f.no_kk),
            "members": [(m.nama, identity_for(viewer, m.nik)) for m in matched.get(f.pk, [])],
        }
        for f in person.families
    ]
