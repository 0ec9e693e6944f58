"""can(): the role x action matrix equals docs/roles.md, every guarded page is documented, object rules give their
reason, refusals stay a 404 with the reason in the log, and tepat/accounts imports no app it serves."""

from __future__ import annotations

import ast
import logging
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.urls import URLPattern, URLResolver, get_resolver

from tepat.accounts.models import Opd, User
from tepat.accounts.permissions import Action, Decision, can
from tepat.accounts.roles import Role
from tepat.accounts.scope import scoped
from tepat.engine.bilingual import Message
from tepat.regions.models import Region

ROOT = Path(__file__).resolve().parent.parent
ROLES_DOC = (ROOT / "docs" / "roles.md").read_text(encoding="utf-8")


def _action_table() -> dict[str, dict[str, str]]:
    """The rows of the docs/roles.md table whose header starts with `action`, keyed by the action name."""
    lines = [line for line in ROLES_DOC.splitlines() if line.startswith("|")]
    start = next(i for i, line in enumerate(lines) if line.startswith("| action |"))
    header = [cell.strip() for cell in lines[start].strip("|").split("|")]
    rows = {}
    for line in lines[start + 2 :]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) != len(header) or not re.fullmatch(r"`[a-z_]+\.[a-z_]+`", cells[0]):
            break
        rows[cells[0].strip("`")] = dict(zip(header, cells, strict=True))
    return rows


def _user(role: str) -> User:
    return User(username=f"u-{role}", role=role, opd_id=1, region_id=1)


def test_the_role_action_matrix_in_docs_roles_md_is_what_can_answers():
    table = _action_table()
    assert set(table) == {a.value for a in Action}, "docs/roles.md action table: add or remove rows"
    documented = {(a, r): table[a][r] for a in table for r in Role.values}
    built = {(a.value, r): "yes" if can(_user(r), a) else "no" for a in Action for r in Role.values}
    assert {k: v for k, v in built.items() if documented[k] != v} == {}


def _guarded_pages(patterns, found=None) -> dict[str, str]:
    """URL name -> the action its view is guarded by (tepat.web.decorators.needs marks the view)."""
    found = {} if found is None else found
    for pattern in patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "api-v1":
            continue  # the API's operations: docs/api.md, and tests/test_api.py holds their role matrix
        if isinstance(pattern, URLResolver):
            _guarded_pages(pattern.url_patterns, found)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found[pattern.name] = getattr(pattern.callback, "tepat_action", None)
    return found


def test_every_page_is_named_in_docs_roles_md_and_guarded_ones_under_their_action():
    pages = _guarded_pages(get_resolver().url_patterns)
    table = _action_table()
    assert {name for name in pages if f"`{name}`" not in ROLES_DOC} == set()
    misplaced = {
        name: action
        for name, action in pages.items()
        if action is not None and f"`{name}`" not in table[action]["pages (URL names)"]
    }
    assert misplaced == {}
    assert len([a for a in pages.values() if a]) > 60  # the walk found the guarded views


def test_object_rules_give_their_reason():
    opd = _user(Role.OPD)
    assert can(opd, "meetings.follow_up", SimpleNamespace(owner_id=1)).code == "ok"
    refused = can(opd, Action.MEETINGS_FOLLOW_UP, SimpleNamespace(owner_id=2))
    assert (bool(refused), refused.code) == (False, "agency")
    assert can(opd, "interventions.record", SimpleNamespace(opd_id=2)).code == "agency"
    assert can(opd, "targets.view", SimpleNamespace(program=SimpleNamespace(opd_id=1))).code == "ok"
    assert can(User(role=Role.OPD, opd_id=None), "meetings.follow_up").code == "agency"
    lurah = _user(Role.LURAH)
    assert can(lurah, "verivali.decide", SimpleNamespace(kelurahan_id=1)).allowed
    assert can(lurah, "verivali.decide", SimpleNamespace(kelurahan_id=7)).code == "scope"
    assert can(_user(Role.ANALYST), "verivali.decide", SimpleNamespace(kelurahan_id=7)).allowed
    assert can(_user(Role.CAMAT), "verivali.decide").code == "role"


def test_a_decision_carries_a_bilingual_reason():
    decision = can(_user(Role.VIEWER), "users.manage")
    assert isinstance(decision, Decision) and isinstance(decision.message, Message)
    assert not decision and decision.code == "role" and "users.manage" in decision.message.en
    assert can(None, "registry.view").code == can(AnonymousUser(), "registry.view").code == "not_signed_in"
    with pytest.raises(ValueError):
        can(_user(Role.ADMIN), "registry.delete")


def test_templates_ask_through_the_can_tag_and_name_no_role():
    page = Template('{% load can %}{% can "users.manage" as may %}{% if may %}pengguna{% endif %}')
    assert page.render(Context({"user": _user(Role.ADMIN)})) == "pengguna"
    assert page.render(Context({"user": _user(Role.ANALYST)})) == ""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "tepat" / "templates").rglob("*.html")
        if re.search(r"user\.role\b|\bpolicy\.", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_accounts_imports_nothing_from_programs_verivali_or_meetings():
    files = sorted((ROOT / "tepat" / "accounts").rglob("*.py"))
    assert any(f.name == "scope.py" for f in files)
    banned = re.compile(r"^tepat\.(programs|verivali|meetings)(\.|$)")
    found = {str(f.relative_to(ROOT)): sorted(m for m in _imported_modules(f) if banned.match(m)) for f in files}
    assert {name: mods for name, mods in found.items() if mods} == {}


@pytest.mark.django_db
def test_an_unregistered_model_raises_instead_of_leaking():
    with pytest.raises(KeyError, match="accounts.Opd"):
        scoped(_user(Role.ANALYST), Opd.objects.all())


@pytest.mark.django_db
def test_a_refusal_is_a_404_and_its_reason_goes_to_the_access_log(client, cast, caplog):
    from tepat.registry.models import Family, Source

    kota = Family.objects.create(
        source=Source.P3KE,
        source_key="KOTA",
        no_kk="1274010101900001",
        kelurahan=Region.objects.get(code="12.74.01.1001"),
    )
    caplog.set_level(logging.INFO, logger="tepat.access")
    client.force_login(cast["opd"])
    assert client.get("/impor/").status_code == 404
    client.force_login(cast["camat"])
    assert client.get(f"/keluarga/{kota.pk}/").status_code == 404
    assert client.get(f"/keluarga/{kota.pk + 1000}/").status_code == 404
    logged = [r.getMessage() for r in caplog.records if r.name == "tepat.access" and r.levelno == logging.INFO]
    assert logged == [
        "refused user=opd action=registry.import code=role",
        "refused user=camat action=get registry.Family code=scope",
        "refused user=camat action=get registry.Family code=missing",
    ]
