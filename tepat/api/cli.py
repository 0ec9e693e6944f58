"""`tepat token ...`: personal API tokens from the server's command line (registered in tepat/cli.py)."""

from __future__ import annotations

import click

from tepat.bootstrap import ensure_database, setup
from tepat.cli_support import fail


@click.group()
def token() -> None:
    """Token API pribadi / personal API tokens (docs/api.md)."""


def _user(username: str):
    from tepat.accounts.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        fail(f"pengguna aktif {username!r} tidak ada / no active user {username!r}")
    return user


@token.command("create")
@click.argument("username")
@click.option("--name", required=True, help="What the token is for (shown on the user's token page).")
@click.option("--expires", "days", type=int, default=None, help="Valid for DAYS days (default TEPAT_API_TOKEN_DAYS).")
def create(username: str, name: str, days: int | None) -> None:
    """Create a token for USER and print it once (only its hash is kept)."""
    setup()
    ensure_database()
    from tepat.api.actions import do_create_token

    try:
        created = do_create_token(_user(username), name, acting_user=None, days=days)
    except ValueError as problem:
        fail(str(problem))
    click.echo(created.text)
    click.echo(
        f"token {created.token.key} untuk {username}, berlaku sampai {created.token.expires_at:%Y-%m-%d}; "
        "simpan sekarang, tidak ditampilkan lagi / shown once: store it now",
        err=True,
    )


@token.command("list")
@click.argument("username")
def list_tokens(username: str) -> None:
    """A user's tokens: key, name, expiry, last use, state."""
    setup()
    ensure_database()
    for t in _user(username).api_tokens.all():
        state = "revoked" if t.revoked_at else ("active" if t.is_usable else "expired")
        used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "-"
        click.echo(f"{t.key}\t{t.name}\t{t.expires_at:%Y-%m-%d}\t{used}\t{state}")


@token.command("revoke")
@click.argument("key")
def revoke(key: str) -> None:
    """Revoke the token with this KEY (the middle part of the token; see `tepat token list`)."""
    setup()
    ensure_database()
    from tepat.api.actions import do_revoke_token
    from tepat.api.models import ApiToken

    found = ApiToken.objects.select_related("user").filter(key=key).first()
    if found is None:
        fail(f"token {key!r} tidak ada / no token {key!r}")
    do_revoke_token(found, acting_user=None)
    click.echo(f"token {key} dicabut / revoked")
