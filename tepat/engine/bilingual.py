"""The one bilingual message type: Indonesian first, English second, with `{name}` placeholders.

Every error, warning and reason a user can read (rule errors, import problems, permission reasons,
field-data checks) is a `Message`, so the pages, the CLI, the JSON reports and the API render them one way.
No Django here: the engine uses it too.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    id: str
    en: str

    def format(self, **values: object) -> Message:
        """The same message with its placeholders filled in."""
        return Message(self.id.format(**values), self.en.format(**values))

    def __str__(self) -> str:
        """'<Indonesian> / <English>' as they stand: for a message already filled in, whose text (a user's
        value, a file name) may hold braces that `text()` would read as placeholders."""
        return f"{self.id} / {self.en}"

    def text(self, **values: object) -> str:
        """'<Indonesian> / <English>' with the values filled in (logs, CLI, one-line reports)."""
        filled = self.format(**values)
        return f"{filled.id} / {filled.en}"

    def in_language(self, language: str, **values: object) -> str:
        """The message in one language ('en…' gives English, anything else Indonesian)."""
        filled = self.format(**values)
        return filled.en if language.lower().startswith("en") else filled.id


class Bilingual:
    """For a type holding its Message in `bilingual` (errors, problems, issues): `message_id` and `message_en`
    read it, so JSON reports and templates keep their keys."""

    bilingual: Message

    @property
    def message_id(self) -> str:
        return self.bilingual.id

    @property
    def message_en(self) -> str:
        return self.bilingual.en
