"""A game in progress: the world, the discovery log, the canvas, the sidebar and saving.

No pygame here. The window turns input into calls on :class:`Session` and draws what it
holds; tests call it directly. Combinations run on an executor (one worker thread in the
game, an inline fake in tests) so a slow answer never blocks a frame.
"""

from __future__ import annotations

import time
from concurrent.futures import Executor, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from queue import SimpleQueue
from typing import Callable

from ..engine.errors import EmbedcraftError, StorageError
from ..engine.runs.discovery import DiscoveryLog, NotDiscovered, finish_ms, splits_to
from ..engine.runs.journal import Drop, Journal, JournalHead, journal_path
from ..engine.runs.lock import SaveLock
from ..engine.runs.resume import resume
from ..engine.runs.savefile import (
    SaveFile,
    Speedrun,
    TileState,
    WorldStamp,
    world_stamp,
    write_save,
)
from ..engine.world.vocab import fold
from ..engine.world.world import Combination, World
from .board import Board, Measure, Tile
from .geometry import Point
from .sidebar import Entry, SidebarModel

__all__ = ["Outcome", "Session", "open_session"]

AUTOSAVE_SECONDS = 15.0  # canvas moves are saved at most this often (discoveries at once; every
# craft is in the journal the moment it is dropped)


@dataclass(frozen=True)
class Outcome:
    """What a finished combination did, for the window's feedback.

    ``kind`` is "new" (a discovery), "known" (made again) or "nothing"; ``tile`` is the result
    tile (None for Nothing, or when its inputs were cleared away meanwhile).
    """

    kind: str
    combination: Combination
    tile: Tile | None
    finished: bool = False  # this craft made the speedrun's target


@dataclass
class _Pending:
    a: Tile
    b: Tile
    future: Future
    t_ms: int  # when the player dropped the tile: the craft's time, whatever the engine takes


@dataclass
class Session:
    """Everything a running game holds. Create one with :func:`open_session`."""

    world: World
    log: DiscoveryLog
    board: Board
    sidebar: SidebarModel
    save_path: Path
    executor: Executor
    stamp: WorldStamp
    created: str
    play_ms_before: int = 0  # play time in earlier sessions
    camera: Point = Point(0.0, 0.0)
    clock: Callable[[], float] = time.monotonic
    speedrun: Speedrun | None = None
    timer_running: bool = True  # a speedrun's clock waits for the first drag
    started: float = field(default=0.0)
    pending: list[_Pending] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # problems to show the player
    dirty: bool = False
    journal: Journal | None = None  # every drop, durable at once (None: saved after every craft instead)
    lock: SaveLock | None = None  # this process's hold on save_path
    _last_save: float = 0.0
    _save_future: Future | None = None
    _worker_messages: SimpleQueue = field(default_factory=SimpleQueue)

    def __post_init__(self) -> None:
        self.started = self.clock()
        self._last_save = self.started

    # ------------------------------------------------------------------ time
    @property
    def play_ms(self) -> int:
        if not self.timer_running:
            return self.play_ms_before
        return self.play_ms_before + int(round((self.clock() - self.started) * 1000))

    def start_timer(self) -> None:
        """The player started dragging: a speedrun's clock starts now (once)."""
        if not self.timer_running:
            self.timer_running = True
            self.started = self.clock()

    @property
    def finished_ms(self) -> int | None:
        """When the speedrun's target was made; None before that, or without a speedrun."""
        return finish_ms(self.splits, self.speedrun.target) if self.speedrun is not None else None

    @property
    def timer_ms(self) -> int:
        """What the speedrun timer shows: the running time, or the final one."""
        finished = self.finished_ms
        return finished if finished is not None else self.play_ms

    @property
    def splits(self) -> list[tuple[str, int]]:
        """Each discovery of the run with its time, up to the target."""
        return splits_to(self.log.crafts, self.speedrun.target) if self.speedrun is not None else []

    # ------------------------------------------------------------------ tiles
    def place(self, name: str, at: Point) -> Tile:
        """A new tile for a discovered element, centred on world point ``at``."""
        if name not in self.log:
            raise NotDiscovered(name)
        self.dirty = True
        return self.board.add(self.world.element(name).name, at.x, at.y, self.clock())

    def drop(self, tile: Tile) -> Tile | None:
        """``tile`` was let go: combine it with the tile it covers most, if any."""
        self.dirty = True
        target = self.board.drop_target(tile)
        if target is not None and not tile.busy:
            self.combine(target, tile)
        return target

    def combine(self, a: Tile, b: Tile) -> None:
        """Start combining two tiles; they stay busy until :meth:`poll` sees the answer."""
        a.busy = b.busy = True
        a.busy_since = b.busy_since = self.clock()
        t_ms = self.play_ms
        if self.journal is not None:
            try:
                self.journal.add(Drop(a.name, b.name, t_ms))
            except StorageError as exc:
                self.journal = None  # from now on every craft is saved in full instead
                self.messages.append(f"Could not record the craft: {exc}; the game now saves after every craft")
        future = self.executor.submit(self.world.combine, a.name, b.name, 0)
        self.pending.append(_Pending(a, b, future, t_ms))

    def duplicate(self, tile: Tile) -> Tile:
        self.dirty = True
        return self.board.duplicate(tile, self.clock())

    def delete(self, tile: Tile) -> None:
        if not tile.busy:
            self.board.remove(tile)
            self.dirty = True

    def clear(self) -> int:
        """Remove every tile that is not waiting for a result."""
        self.dirty = True
        return self.board.clear(keep=[t for t in self.board if t.busy])

    def pan(self, dx: float, dy: float) -> None:
        """Move the view by ``(dx, dy)`` screen px (the world moves with the pointer)."""
        self.camera = Point(self.camera.x - dx, self.camera.y - dy)
        self.dirty = True

    # ------------------------------------------------------------------ results
    def poll(self) -> list[Outcome]:
        """Apply every finished combination; returns what happened, oldest first."""
        outcomes = []
        still = []
        for job in self.pending:
            if not job.future.done():
                still.append(job)
                continue
            try:
                combination = job.future.result()
            except Exception as exc:  # noqa: BLE001 - a failed combination must not end the game
                job.a.busy = job.b.busy = False
                self.messages.append(str(exc) if isinstance(exc, EmbedcraftError)
                                     else f"{job.a.name} + {job.b.name} failed: {exc!r}")
                continue
            outcomes.append(self._finish(job, combination))
        self.pending = still
        while not self._worker_messages.empty():
            self.messages.append(self._worker_messages.get())
        return outcomes

    def settle(self, timeout: float = 5.0) -> list[Outcome]:
        """Wait (up to ``timeout`` s) for combinations in flight and apply them, so quitting
        right after a drop still records what it made."""
        if self.pending:
            wait([job.future for job in self.pending], timeout=timeout)
        return self.poll()

    def _finish(self, job: _Pending, c: Combination) -> Outcome:
        now = self.clock()
        a, b = job.a, job.b
        on_board = a in self.board.tiles and b in self.board.tiles
        a.busy = b.busy = False
        craft = self.log.record(c.a, c.b, c.result, max(job.t_ms, self.log.elapsed_ms))
        self.dirty = True
        if c.result is None:
            if on_board:
                self.board.bounce(a, b, now)
            if self.journal is None:
                self.save_soon()
            return Outcome("nothing", c, None)
        tile = None
        if on_board:
            x, y = (a.x + b.x) / 2, (a.y + b.y) / 2
            self.board.remove(a)
            self.board.remove(b)
            tile = self.board.add(c.result, x, y, now)
            tile.fresh = craft.new
        finished = False
        if craft.new:
            self.sidebar.add(_entry(self.world, self.log, c.result))
            finished = self.speedrun is not None and fold(c.result) == fold(self.speedrun.target)
        if craft.new or self.journal is None:
            self.save_soon()
        return Outcome("new" if craft.new else "known", c, tile, finished)

    # ------------------------------------------------------------------ saving
    def snapshot(self) -> SaveFile:
        tiles = tuple(TileState(t.name, t.x, t.y) for t in self.board)
        return SaveFile(self.stamp, self.log.starting, tuple(self.log.crafts), tiles,
                        (self.camera.x, self.camera.y), self.play_ms, self.created, self.speedrun)

    def _journal_mark(self) -> int:
        """The first journal position a snapshot taken now does not hold: the drops still
        waiting for an answer are the journal's last ones."""
        return self.journal.count - len(self.pending) if self.journal is not None else 0

    def _write(self, snapshot: SaveFile, kept_from: int) -> None:
        """Write ``snapshot``, then start the journal again from it (in that order: a kill
        between the two leaves a save and a journal that still agree)."""
        write_save(self.save_path, snapshot)
        journal = self.journal
        if journal is not None:
            journal.restart(len(snapshot.crafts), kept_from)

    def save_soon(self) -> None:
        """Write the save on the worker thread (after any combination already queued)."""
        snapshot = self.snapshot()
        self.dirty = False
        self._last_save = self.clock()
        self._save_future = self.executor.submit(self._write, snapshot, self._journal_mark())
        self._save_future.add_done_callback(self._saved)

    def _saved(self, future: Future) -> None:
        exc = future.exception()
        # Runs on the worker thread: messages go through a queue that poll() drains.
        if exc is not None:
            self.dirty = True  # try again at the next autosave
            self._worker_messages.put(f"Could not save: {exc}" if isinstance(exc, StorageError)
                                      else f"Could not save: {exc!r}")

    def autosave(self) -> None:
        """Save canvas changes now and then, so a crash loses at most a few seconds of moves."""
        if self.dirty and self.clock() - self._last_save >= AUTOSAVE_SECONDS:
            self.save_soon()

    def save_now(self) -> None:
        """Write the save before returning (on quit). Raises StorageError when it cannot."""
        if self._save_future is not None:
            self._save_future.exception()  # wait for a save in flight, so the last one wins
        self._write(self.snapshot(), self._journal_mark())
        self.dirty = False

    def close(self) -> None:
        """Stop writing this game: close the journal and let the save go for other windows.
        Call after the last :meth:`save_now`."""
        if self._save_future is not None:
            self._save_future.exception()
        if self.journal is not None:
            self.journal.close()
        if self.lock is not None:
            self.lock.release()


def open_session(world: World, save_path: Path, executor: Executor, measure: Measure, *,
                 clock: Callable[[], float] = time.monotonic, speedrun: str | None = None) -> Session:
    """Lock ``save_path`` and resume the run in it (by the rules of
    :func:`game.engine.runs.resume.resume`: a broken save kept aside, its backup, a save from
    an older world, speedrun files, the crafts of its journal) or start a fresh one;
    ``session.messages`` says what happened. Every drop goes to the save's journal at once.
    Call :meth:`Session.close` when done with it.

    Args:
        measure: the on-screen size of a tile for an element name (see :class:`Board`).
        speedrun: start (or resume) a speedrun to this element in ``save_path``.
    Raises:
        SaveLocked: another window (or command) has ``save_path`` open.
        EmbedcraftError: ``speedrun`` is not an element that can be made, or ``save_path``
            holds a different run.
    """
    lock = SaveLock.acquire(save_path, "an Embedcraft window")
    try:
        session = _resumed_session(world, save_path, executor, measure, clock, speedrun)
    except BaseException:
        lock.release()
        raise
    session.lock = lock
    return session


def _resumed_session(world: World, save_path: Path, executor: Executor, measure: Measure,
                     clock: Callable[[], float], speedrun: str | None) -> Session:
    found = resume(world, save_path, speedrun)
    save, log, run = found.save, found.log, found.speedrun
    stamp = world_stamp(world)
    board = Board(measure)
    craftable = len(world.elements) - len(world.vocab.banned)  # banned words are never made
    sidebar = SidebarModel(craftable, [_entry(world, log, name) for name in log.found])
    session = Session(world, log, board, sidebar, found.path, executor, stamp,
                      save.created if save else SaveFile(stamp, log.starting).created,
                      play_ms_before=save.play_ms if save else 0,
                      camera=Point(*save.camera) if save else Point(0.0, 0.0), clock=clock,
                      speedrun=run, timer_running=run is None or run.target in log)
    if save:
        for tile in save.canvas:
            if tile.name in world.vocab and tile.name in log:
                board.add(world.element(tile.name).name, tile.x, tile.y)
    session.messages.extend(found.messages)
    saved = True
    if found.write_now:
        try:
            session.save_now()
        except StorageError as exc:
            saved = False
            session.messages.append(f"Could not save: {exc}")
    if saved or not journal_path(found.path).exists():  # never start over a journal the save lacks
        try:
            session.journal = Journal(journal_path(found.path), JournalHead(stamp.fingerprint, session.created,
                                                                            len(log.crafts)))
        except StorageError as exc:
            session.messages.append(f"{exc}; the game saves after every craft instead")
    return session


def _entry(world: World, log: DiscoveryLog, name: str) -> Entry:
    element = world.element(name)
    return Entry(element.name, element.emoji or "", log.order_of(name), not log.is_starting(name))
