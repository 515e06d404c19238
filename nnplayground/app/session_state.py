"""The session as the user sees it: which file it is, whether it has unsaved changes, which settings
the network was built from and what waits for Reset.

One owner for each of these. The settings panel shows :attr:`SessionState.settings`; the worker's
network was built from :attr:`SessionState.network_config`; the learning rate and the number of
iterations always apply at once (to a network waiting for Reset too), so what the worker trains with
is :attr:`SessionState.training_config`.
"""
from __future__ import annotations

import enum
from dataclasses import replace
from pathlib import Path

from ..core import TrainingConfig
from ..core.config import APPLY_AT_ONCE
from ..core.encoding import Encoding


class Pending(enum.Flag):
    """What has changed since the network was built and only applies on Reset."""

    NONE = 0
    TABLE = enum.auto()  # the table's columns or labels no longer fit the network
    SETTINGS = enum.auto()  # layers, activation, loss, seed, biases or init changed

    def describe(self) -> str:
        parts = [name for flag, name in ((Pending.TABLE, "table"), (Pending.SETTINGS, "settings")) if flag in self]
        return ", ".join(parts)


class SettingsAction(enum.Enum):
    """What a change of the settings asks of the network."""

    APPLY = "apply"  # learning rate or iterations: the worker takes it from the next iteration
    RESET = "reset"  # nothing trained yet: build the new network now, nothing is lost
    WAIT = "wait"  # a trained network would be thrown away: wait for the user's Reset


class SessionState:
    def __init__(self, settings: TrainingConfig | None = None):
        self.path: Path | None = None
        self.source: str | None = None  # the table file an unsaved session started from, for its title
        self.settings: TrainingConfig = settings or TrainingConfig()
        self.network_config: TrainingConfig | None = None
        self.network_encoding: Encoding | None = None  # how the table became the network's numbers
        self.pending = Pending.NONE
        self._revision = 0
        self._saved_revision = 0
        self._saved_position: tuple | None = None  # (generation, iteration, phase) when saved or opened

    # -- the network and its settings -----------------------------------------------------------
    @property
    def training_config(self) -> TrainingConfig | None:
        """The network's settings with those that apply at once (learning rate, iterations, penalties,
        patience: config.APPLY_AT_ONCE) as the user set them now."""
        if self.network_config is None:
            return None
        return replace(self.network_config, **{k: getattr(self.settings, k) for k in APPLY_AT_ONCE})

    def network_built(self, config: TrainingConfig, encoding: Encoding) -> None:
        """A network was (re)built from ``config`` for the table as ``encoding`` reads it: nothing waits for Reset."""
        self.settings = config
        self.network_config = config
        self.network_encoding = encoding
        self.pending = Pending.NONE

    def change_settings(self, config: TrainingConfig, untouched: bool) -> SettingsAction:
        """The user changed a setting; ``untouched``: nothing has been trained yet."""
        if config == self.settings:
            return SettingsAction.APPLY
        self.settings = config
        self.mark_changed()
        if self.network_config is None or config.same_network(self.network_config):
            self.pending &= ~Pending.SETTINGS
            return SettingsAction.APPLY
        if untouched:
            return SettingsAction.RESET
        self.pending |= Pending.SETTINGS
        return SettingsAction.WAIT

    def no_network(self, settings: TrainingConfig) -> None:
        """No network for now (an opened session waits for a bad cell to be fixed); ``settings`` show."""
        self.settings = settings
        self.network_config = self.network_encoding = None
        self.pending = Pending.NONE

    def reset_refused(self) -> None:
        """A Reset the settings asked for could not happen (e.g. a bad cell): they wait for one."""
        if self.network_config is not None and not self.settings.same_network(self.network_config):
            self.pending |= Pending.SETTINGS

    def table_changed(self, fits: bool) -> bool:
        """The table was edited; ``fits``: the network can still train on it (its columns, and its labels,
        read by the network's encoding). Returns ``fits``; if not, the table waits for Reset."""
        self.mark_changed()
        fits = fits or self.network_encoding is None
        if fits:
            self.pending &= ~Pending.TABLE
        else:
            self.pending |= Pending.TABLE
        return fits

    @property
    def waiting_settings(self) -> TrainingConfig | None:
        """The settings as chosen, when they differ from the network's and wait for Reset."""
        return self.settings if Pending.SETTINGS in self.pending else None

    # -- clean and dirty --------------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        return self._revision != self._saved_revision

    def mark_changed(self) -> None:
        self._revision += 1

    def observe_training(self, position: tuple) -> None:
        """The network moved to ``position`` (generation, iteration, phase): unsaved unless it is the
        position last saved or opened."""
        if self._saved_position is None:
            self._saved_position = position  # the first network of a clean session
        elif position != self._saved_position:
            if not self.dirty:
                self.mark_changed()

    def mark_saved(self, path: Path | None, position: tuple | None) -> None:
        """Saved to (or opened from) ``path``, with the network at ``position``; None: not known yet."""
        self.path = path
        self._saved_revision = self._revision
        self._saved_position = position

    @property
    def title(self) -> str:
        if self.path:
            return self.path.name
        return f"untitled ({self.source})" if self.source else "untitled"
