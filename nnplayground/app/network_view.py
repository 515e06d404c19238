"""What the table's "as the network sees it" view shows: the table being edited, encoded as the network
was built to read it (its :class:`~nnplayground.core.encoding.Encoding`, fitted at Reset), or why there is
nothing to show: no network yet, a table that waits for Reset, a bad cell. Never numbers of another table
or another network.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..core.encoded_table import AS_TYPED, CLASS, ONE_HOT, SCALED, EncodedTable, encode_table
from ..core.encoding import EncodingError
from ..core.table import INPUT
from .reactions import training_table
from .session_state import Pending, SessionState
from .table_document import TableDocument

NO_NETWORK = "No network yet: press Reset (Ctrl+R) to build one; this view then shows the numbers it trains on."
WAITS_FOR_RESET = ("The table no longer fits the network (its columns or labels changed): press Reset (Ctrl+R) to "
                   "build one for it; this view then shows the numbers the new network trains on.")
SETTINGS_WAIT = "Changed settings wait for Reset: these are the numbers of the network as it is."


@dataclass(frozen=True)
class NetworkView:
    encoded: EncodedTable | None
    message: str = ""  # why there is nothing to show, when ``encoded`` is None
    caption: str = ""  # a line above the numbers: how they were made


def network_view(state: SessionState, document: TableDocument) -> NetworkView:
    encoding = state.network_encoding
    if encoding is None:
        return NetworkView(None, NO_NETWORK)
    if Pending.TABLE in state.pending:
        return NetworkView(None, WAITS_FOR_RESET)
    table, problem = training_table(document)
    if table is None:
        return NetworkView(None, f"Can't show the network's numbers: {problem}. Fix it in the table as typed.")
    try:
        encoded = encode_table(encoding, table)
    except EncodingError as exc:
        return NetworkView(None, f"The network can't read this table: {exc}")
    text = caption(encoded)
    if Pending.SETTINGS in state.pending:
        text = f"{text} {SETTINGS_WAIT}"
    return NetworkView(encoded, caption=text)


def caption(encoded: EncodedTable) -> str:
    """How the numbers were made, in one short line (the headers' tooltips say more)."""
    inputs = [c for c in encoded.columns if c.role == INPUT]
    targets = [c for c in encoded.columns if c.role != INPUT]
    parts = []
    if any(c.how == SCALED for c in inputs):
        parts.append("inputs x̃ = (x − μ)/σ")
    parts += [f"{source} one-hot" for source in dict.fromkeys(c.source for c in inputs if c.how == ONE_HOT)]
    if inputs and all(c.how == AS_TYPED for c in inputs):
        parts.append("inputs as typed")
    for source in dict.fromkeys(c.source for c in targets):
        first = next(c for c in targets if c.source == source)
        if first.how == ONE_HOT:
            parts.append(f"{source} one-hot")
        elif first.how == CLASS and (first.other, first.label) != ("0", "1"):
            parts.append(f"{source} {first.other} → 0, {first.label} → 1")
        elif first.how == SCALED:
            parts.append(f"{source} ỹ = (y − μ)/σ")
    return "Read-only · " + " · ".join(parts or ["the numbers as typed"])
