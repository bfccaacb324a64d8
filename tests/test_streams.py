"""The seeding contract of the random streams: what a (seed, names) pair draws, pinned.

A stream named ``names`` under run seed ``seed`` is PCG64 seeded by
``SeedSequence(seed, spawn_key=(crc32(name_1), crc32(name_2), ...))``, each name's CRC-32
taken over its UTF-8 bytes. Nothing of the process enters the key, so a seed draws the
same numbers in every process, whatever its hash randomisation (``PYTHONHASHSEED``): saved
games, logs and paired comparisons stay reproducible. The raw 64-bit outputs of a few
streams are pinned below; they change only if this contract does (and the draws of every
run with it).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

from brinkmanship import load_scenario, simulate
from brinkmanship.engine.streams import Streams

ROOT = Path(__file__).resolve().parents[1]
KEYS = [("latency", "cable"), ("incident", "cuban_aa_fire"), ("hold", "sam_site_reprisal"),
        ("distortion", "radio"), ("chain", "mc1b_aa_reprisal_to_air_strike")]
SEEDS = (0, 7, 2**40 + 3)
PINNED_FIRST = {"latency/cable": [16077208821083053415, 9359771334670290148,
                                  13851155971356786724]}
"""The first three raw outputs of stream ("latency", "cable") under seed 7."""
PINNED_DIGEST = "25ba386ef156ecb63c64d29e106e99ae1c6a0ee21ebc798033f322561c4db511"
"""SHA-256 of the JSON (sorted keys) of three raw outputs of each of ``KEYS`` under each
of ``SEEDS``, as :func:`raw_draws` writes it."""


def raw_draws() -> dict[str, dict[str, list[int]]]:
    """Three raw 64-bit outputs of each stream of ``KEYS`` under each seed of ``SEEDS``
    (raw outputs of the bit generator, which NumPy keeps stable across versions)."""
    out = {}
    for seed in SEEDS:
        streams = Streams(seed)
        out[str(seed)] = {"/".join(k): [int(x) for x in streams(*k).bit_generator.random_raw(3)]
                          for k in KEYS}
    return out


def _digest(draws: dict[str, dict[str, list[int]]]) -> str:
    return hashlib.sha256(json.dumps(draws, sort_keys=True).encode()).hexdigest()


def test_the_draws_of_a_seed_are_pinned() -> None:
    draws = raw_draws()
    assert {k: v for k, v in draws["7"].items() if k in PINNED_FIRST} == PINNED_FIRST
    assert _digest(draws) == PINNED_DIGEST


@pytest.mark.parametrize("names", KEYS + [("a",), ("a", "b"), ("ünïcode", "")])
def test_a_stream_is_the_documented_generator(names: tuple[str, ...]) -> None:
    key = tuple(zlib.crc32(n.encode("utf-8")) for n in names)
    expected = np.random.Generator(np.random.PCG64(np.random.SeedSequence(7, spawn_key=key)))
    assert Streams(7)(*names).random(5).tolist() == expected.random(5).tolist()


def test_names_and_seeds_each_give_their_own_stream() -> None:
    first = {names: Streams(7)(*names).random() for names in
             [("a", "b"), ("b", "a"), ("ab",), ("a",), ("a", "b", "")]}
    assert len(set(first.values())) == len(first)
    assert Streams(7)("a", "b").random() != Streams(8)("a", "b").random()
    st = Streams(7)
    assert st("a") is st("a"), "one generator per name, drawn on where it stood"


PROBE = """
import hashlib, json, sys
sys.path.insert(0, sys.argv[1])
from test_streams import raw_draws
from brinkmanship import load_scenario, simulate
log = simulate(load_scenario("cuba-1962"), {}, 5).jsonl()
print(json.dumps({"draws": raw_draws(), "log": hashlib.sha256(log.encode()).hexdigest()}))
"""


@pytest.mark.slow
def test_processes_with_different_hash_seeds_draw_the_same_numbers() -> None:
    """Streams and a whole run of Cuba 1962 under the default decision-makers are the same
    in processes whose string hashing differs, and the same as here."""
    outs = []
    for hash_seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run([sys.executable, "-c", PROBE, str(Path(__file__).parent)],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
                              check=False)
        assert done.returncode == 0, done.stderr
        outs.append(json.loads(done.stdout))
    here = hashlib.sha256(simulate(load_scenario("cuba-1962"), {}, 5).jsonl().encode())
    assert outs[0] == outs[1] == {"draws": raw_draws(), "log": here.hexdigest()}
    assert _digest(outs[0]["draws"]) == PINNED_DIGEST
