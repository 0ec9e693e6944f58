from __future__ import annotations

from tepat.accounts.roles import policy_for


def role(request) -> dict:
    return {"policy": policy_for(request.user)}
