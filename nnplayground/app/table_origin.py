"""What goes with a whole table put in at once (opened, generated, an example): the example whose settings
the card proposes, the name the title gives it, and the settings it was trained with. The table document
keeps it with the table (:attr:`~.table_document.TableDocument.about`), so Undo past the table's
replacement brings back the previous table's; the settings are those in force when the table was left,
so Redo brings back the user's own."""
from __future__ import annotations

from dataclasses import dataclass

from ..core import TrainingConfig


@dataclass(eq=False)
class TableOrigin:
    example: object  # the suggestions' Example, or None
    source: str | None  # what the title names an unsaved table by
    settings: TrainingConfig
