"""Rules of the public progress page: what it may say, and how a priority's progress is put to families."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from wsoa.domain.rag import NOT_RATED, Rag

# A text for families is short and plain: long enough for a summary, short enough to read on a phone.
TEXT_LIMIT = 3000


def people_named(text: str, names: Iterable[str | None]) -> list[str]:
    """The people's names (of the key-roles glossary, its holders and users) that the text uses, as whole words.

    The public page names roles only: a person's name in a text for it is refused, whoever's it is.
    """
    found = []
    for name in sorted({" ".join(n.split()) for n in names if n and len(n.split()) >= 2}):
        words = r"\s+".join(re.escape(word) for word in name.split())
        if re.search(rf"(?<!\w){words}(?!\w)", text, flags=re.IGNORECASE):
            found.append(name)
    return found


@dataclass(frozen=True)
class Shares:
    """How many of a priority's actions are complete, and on track, of how many, as the board report counts them."""

    total: int
    complete: int
    on_track: int

    @staticmethod
    def of(distribution: Mapping[str, int]) -> "Shares":
        total = sum(distribution.get(key, 0) for key in (*(r.value for r in Rag), NOT_RATED))
        return Shares(total=total, complete=distribution.get(Rag.BLUE, 0), on_track=distribution.get(Rag.GREEN, 0))

    def percent(self, count: int) -> int:
        return round(100 * count / self.total) if self.total else 0

    @property
    def sentence(self) -> str:
        """In words, for families: "3 of 10 actions (30%) are complete and 4 (40%) are on track"."""
        if not self.total:
            return "No actions have been rated yet."
        noun = "action" if self.total == 1 else "actions"
        return (
            f"{self.complete} of {self.total} {noun} ({self.percent(self.complete)}%) "
            f"{'is' if self.complete == 1 else 'are'} complete and {self.on_track} "
            f"({self.percent(self.on_track)}%) {'is' if self.on_track == 1 else 'are'} on track."
        )
