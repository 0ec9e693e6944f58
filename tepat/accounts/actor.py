"""The acting user of a `do_*` action, typed: a saved user, or None for the command line and the system.

Actions take `acting_user` from a view (a `User`, possibly an anonymous one), a command (None) or a test.
These two helpers are the one place that turns it into what a row stores.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from tepat.accounts.models import User

Actor: TypeAlias = "User | Any | None"  # a User; an AnonymousUser or None counts as nobody


def actor_id(actor: Actor) -> int | None:
    """The user's id, or None for nobody (None, an anonymous or an unsaved user)."""
    return getattr(actor, "pk", None) or None


def actor_user(actor: Actor) -> User | None:
    """The user to store in a `user` foreign key, or None for nobody."""
    return actor if actor_id(actor) is not None else None
