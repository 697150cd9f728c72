"""The discovery log: what is known, what is new, and the lineage of an element."""

import pytest

from game.engine.runs.discovery import Craft, DiscoveryLog, NotDiscovered

START = ["Water", "Fire", "Wind", "Earth"]


def test_record_marks_new_and_known():
    log = DiscoveryLog(START)
    first = log.record("Water", "Fire", "Steam", 100)
    again = log.record("fire", "water", "Steam", 200)
    nothing = log.record("Wind", "Wind", None, 300)
    assert first.new and not again.new and not nothing.new
    assert log.found == ("Water", "Fire", "Wind", "Earth", "Steam")
    assert "steam" in log and "Mud" not in log
    assert log.made_by("Steam") == first and log.made_by("Water") is None
    assert log.is_starting("Earth") and not log.is_starting("Steam")
    assert log.order_of("STEAM") == 4 and log.elapsed_ms == 300


def test_inputs_must_be_known():
    log = DiscoveryLog(START)
    with pytest.raises(NotDiscovered, match="'Steam' has not been discovered"):
        log.record("Steam", "Fire", "Cloud", 1)
    with pytest.raises(NotDiscovered, match="craft 2: 'Mud'"):
        DiscoveryLog(START, [Craft("Water", "Fire", "Steam", True, 1), Craft("Mud", "Fire", "Brick", True, 2)])


def test_lineage_lists_each_step_once_after_its_inputs():
    log = DiscoveryLog(START)
    log.record("Water", "Fire", "Steam", 1)
    log.record("Earth", "Water", "Mud", 2)
    log.record("Steam", "Mud", "Geyser", 3)
    log.record("Geyser", "Steam", "Spa", 4)
    log.record("Wind", "Wind", "Storm", 5)  # not on Spa's path
    steps = log.lineage("spa")
    assert [s.result for s in steps] == ["Steam", "Mud", "Geyser", "Spa"]
    made = set(START)
    for step in steps:  # it is a route: every input exists before it is used
        assert step.a in made and step.b in made
        made.add(step.result)
    assert log.lineage("Water") == []


def test_lineage_ignores_later_remakes():
    log = DiscoveryLog(START)
    log.record("Water", "Fire", "Steam", 1)
    log.record("Earth", "Fire", "Lava", 2)
    log.record("Lava", "Water", "Steam", 3)  # Steam again, another way
    assert [str(s) for s in log.lineage("Steam")] == ["Water + Fire = Steam"]
