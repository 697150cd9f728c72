"""The Annoy index: manifest, checksum, rebuilds, and deterministic builds."""

from __future__ import annotations

import json

from conftest import TINY, FakeEmbedder, write
from game.engine import open_world


def test_index_is_built_once_then_reused(tiny_path, fake):
    world, report = open_world(tiny_path, embedder=fake)
    assert report.index_built and report.embedded == 10
    manifest = json.loads((report.cache_dir / "index.json").read_text())
    for key in ("model_id", "dim", "metric", "seed", "trees", "search_k", "vocab_hash", "ann_sha256", "format_version"):
        assert key in manifest
    assert manifest["metric"] == "angular" and manifest["dim"] == 16 and manifest["count"] == 10
    messages = []
    again, report2 = open_world(tiny_path, embedder=FakeEmbedder(), notify=messages.append)
    assert not report2.index_built and report2.embedded == 0 and messages == []
    assert again.combine("water", "fire") == world.combine("water", "fire")


def test_truncated_index_is_rebuilt_never_loaded(tiny_path, fake, monkeypatch):
    world, report = open_world(tiny_path, embedder=fake)
    expected = world.combine("water", "fire")  # before the damage: the open index maps that file
    ann = report.cache_dir / "index.ann"
    ann.write_bytes(ann.read_bytes()[: ann.stat().st_size // 2])
    loads = []
    import annoy

    class SpyIndex(annoy.AnnoyIndex):
        def load(self, *args, **kwargs):
            loads.append(args)
            return super().load(*args, **kwargs)

    monkeypatch.setattr(annoy, "AnnoyIndex", SpyIndex)
    messages = []
    rebuilt, report2 = open_world(tiny_path, embedder=fake, notify=messages.append)
    assert report2.index_built and "checksum mismatch" in messages[0] and "rebuilding" in messages[0]
    assert loads == []  # the damaged file was never handed to annoy
    assert rebuilt.combine("water", "fire") == expected


def test_deleted_manifest_or_changed_settings_rebuild(tiny_path, fake):
    _, report = open_world(tiny_path, embedder=fake)
    (report.cache_dir / "index.json").unlink()
    assert open_world(tiny_path, embedder=fake)[1].index_built
    write(tiny_path, TINY + "settings:\n  trees: 3\n")
    messages = []
    _, report = open_world(tiny_path, embedder=fake, notify=messages.append)
    assert report.index_built and "stale (trees, search_k changed)" in messages[0]


def test_new_word_changes_the_index_and_embeds_only_that_word(tiny_path, fake):
    open_world(tiny_path, embedder=fake)
    write(tiny_path, TINY + "  Cloud: \"☁️\"\n")
    fresh = FakeEmbedder()
    world, report = open_world(tiny_path, embedder=fresh)
    assert fresh.calls == [["Cloud"]] and report.index_built and len(world.index) == 11


def test_same_vectors_and_seed_give_a_byte_identical_index(tmp_path):
    one = write(tmp_path / "a" / "w.yaml", TINY)
    two = write(tmp_path / "b" / "w.yaml", TINY)
    _, r1 = open_world(one, embedder=FakeEmbedder())
    _, r2 = open_world(two, embedder=FakeEmbedder())
    assert (r1.cache_dir / "index.ann").read_bytes() == (r2.cache_dir / "index.ann").read_bytes()


def test_read_only_cache_folder_still_plays(tiny_path, fake, monkeypatch):
    from game.engine.errors import StorageError

    def refuse(self, *args):
        raise StorageError("could not write index.ann: Read-only file system")

    monkeypatch.setattr("game.engine.world.index.AnnIndex.save", refuse)
    messages = []
    world, _ = open_world(tiny_path, embedder=fake, notify=messages.append)
    assert world.combine("water", "fire").result is not None
    assert any("kept in memory only" in m for m in messages)
