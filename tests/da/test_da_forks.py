"""Fork schedules: Python's view equals the Rust one, and the request carries the schedule."""

from __future__ import annotations

import struct

import pytest

from refute.prover.da import _native
from refute.prover.da.api import rollup_config
from refute.prover.da.config import PRESET_NAMES, RollupConfig, preset
from refute.prover.da.request import MAGIC, PipelineInput, encode_request
from refute.prover.forks import OP_FORKS, OpForkSchedule, named_op_schedule, parse_fork_time

#: Timestamp of L1 block 18090218 (September 2023), the OP Mainnet 2023 derivation fixture.
OP_2023_L1_TIME = 1_694_158_199

SCHEDULE = OpForkSchedule(regolith=0, canyon=100, delta=150, ecotone=200, fjord=300, granite=300, holocene=400)


def test_is_active_and_fork_at_boundaries() -> None:
    assert not SCHEDULE.is_active("canyon", 99) and SCHEDULE.is_active("canyon", 100)
    assert not SCHEDULE.is_active("delta", 149) and SCHEDULE.is_active("delta", 150)
    assert SCHEDULE.is_active("bedrock", 0)
    assert [SCHEDULE.fork_at(t) for t in (0, 99, 100, 199, 299, 300, 2**64 - 1)] == [
        "regolith",
        "regolith",
        "canyon",
        "canyon",
        "ecotone",
        "granite",
        "holocene",
    ]
    assert OpForkSchedule().fork_at(2**64 - 1) == "bedrock"
    with pytest.raises(ValueError, match="unknown OP fork"):
        SCHEDULE.is_active("bogota", 0)


def test_none_is_never() -> None:
    for t in (0, 400, 2**64 - 1):
        assert not SCHEDULE.is_active("isthmus", t)
        assert not SCHEDULE.is_active("karst", t)
    assert SCHEDULE.with_(holocene=None).fork_at(2**64 - 1) == "granite"


def test_rlp_distinguishes_never_from_zero() -> None:
    assert OpForkSchedule().rlp() == bytes([0xCA]) + b"\xc0" * 10
    zero = OpForkSchedule(**dict.fromkeys(OP_FORKS, 0)).rlp()
    assert zero == bytes([0xCA]) + b"\x80" * 10


def test_json_round_trip_and_fork_time_option() -> None:
    assert OpForkSchedule.from_json(SCHEDULE.to_json()) == SCHEDULE
    assert OpForkSchedule.from_json({"hardforks": {"canyon_time": 5}}) == OpForkSchedule(canyon=5)
    assert parse_fork_time("holocene=never") == ("holocene", None)
    assert parse_fork_time("Canyon=0x10") == ("canyon", 16)
    for bad in ("holocene", "bedrock=1", "canyon=soon", "canyon=-1"):
        with pytest.raises(ValueError):
            parse_fork_time(bad)


def _rules(config: RollupConfig, rules_time: int | None = None) -> dict:
    return _native.call_json("request_rules", encode_request(config, [], rules_time=rules_time))


@pytest.mark.usefixtures("native")
def test_request_round_trip() -> None:
    cfg = RollupConfig("t", 10, 7, 2, forks=SCHEDULE, at=250, channel_timeout_bedrock=123)
    data = encode_request(cfg, [PipelineInput(5, 1, b"\x01\x02")])
    assert data[:4] == MAGIC == b"RDA2"
    chain_id, genesis, block_time, timeout, rules_time, forks_len = struct.unpack(">QQQQQI", data[4:48])
    assert (chain_id, genesis, block_time, timeout, rules_time) == (10, 7, 2, 123, 250)
    assert data[48 : 48 + forks_len] == SCHEDULE.rlp()
    rules = _rules(cfg)
    assert (rules["chain_id"], rules["l2_genesis_time"], rules["block_time"]) == (10, 7, 2)
    assert (rules["canyon"], rules["delta"], rules["fjord"], rules["holocene"]) == (True, True, False, False)
    assert (rules["channel_timeout"], rules["max_rlp_bytes"]) == (123, 10_000_000)


@pytest.mark.usefixtures("native")
@pytest.mark.parametrize("name", PRESET_NAMES)
def test_python_and_rust_rules_agree_at_every_boundary(name: str) -> None:
    cfg = preset(name)
    times = sorted({t + d for t in cfg.forks.times() if t is not None for d in (-1, 0) if t + d >= 0})
    for t in [*times, 2**64 - 1]:
        c = cfg.with_(at=t)
        expected = {
            "canyon": c.canyon,
            "delta": c.delta,
            "fjord": c.fjord,
            "holocene": c.holocene,
            "channel_timeout": c.channel_timeout,
            "max_rlp_bytes": c.max_rlp_bytes,
        }
        rules = _rules(c)
        assert {k: rules[k] for k in expected} == expected, t


@pytest.mark.usefixtures("native")
def test_presets_take_their_schedule_from_the_native_table() -> None:
    from refute.prover.execute.api import _call_json, chain_bytes

    for name in PRESET_NAMES:
        spec = _call_json("stf_chain_spec", chain_bytes(name))
        cfg = preset(name)
        assert cfg.chain_id == spec["chain_id"]
        assert cfg.forks.to_json() == {f"{f}_time": spec[f"{f}_time"] for f in OP_FORKS}
    chain_id, mainnet = named_op_schedule("op-mainnet")
    # alloy-op-hardforks' OP Mainnet constants (the Rust table is checked against them).
    assert (chain_id, mainnet.canyon, mainnet.holocene, mainnet.karst) == (10, 1_704_992_401, 1_736_445_601, None)
    assert named_op_schedule("op-sepolia")[0] == 11_155_420


@pytest.mark.usefixtures("native")
def test_op_mainnet_in_2023_has_the_bedrock_rules() -> None:
    """OP Mainnet's schedule at the 2023 fixture's L1 time gives the rules its data was derived under."""
    rules = _rules(preset("op-mainnet", at=OP_2023_L1_TIME))
    assert rules == {
        "chain_id": 10,
        "l2_genesis_time": 1_686_068_903,
        "block_time": 2,
        "canyon": False,
        "delta": False,
        "fjord": False,
        "holocene": False,
        "channel_timeout": 300,
        "max_rlp_bytes": 10_000_000,
    }
    now = _rules(preset("op-mainnet"))
    assert (now["canyon"], now["delta"], now["fjord"], now["holocene"], now["channel_timeout"]) == (
        True,
        True,
        True,
        True,
        50,
    )


@pytest.mark.usefixtures("native")
def test_rollup_config_overrides() -> None:
    cfg = rollup_config("unichain-mainnet", holocene=False, at=2_000_000_000)
    assert not cfg.holocene and cfg.canyon and cfg.forks.holocene is None
    cfg = rollup_config("op-mainnet", at=OP_2023_L1_TIME, fork_times={"canyon": 0}, channel_timeout=200)
    assert cfg.canyon and not cfg.holocene and cfg.channel_timeout == 200
    with pytest.raises(ValueError, match="unknown rollup preset"):
        rollup_config("op-mainnet-bedrock")
