"""refute's command line: thin click commands over the Python API.

Every command parses flags, calls one function of ``refute.prover`` or
``refute.verifier``, and prints the result (``--json`` for machines, text for
people). Failures are handled in one place, :class:`RefuteGroup`, with one exit
code contract for every command:

  0  success (``verify``: accepted)
  1  the input is invalid, or was checked and rejected (reason on stderr)
  2  usage error (bad flags or arguments)
  3  not available: this machine lacks something (a Groth16 prover, a built
     guest), or a service (L1/L2 RPC, beacon API) did not answer
  4  internal error: a bug; a short message, and the traceback with ``--debug``

With ``--json`` every failure prints one object on stdout:
``{"ok": false, "error": {"kind", "message", "exit_code", "fields"}}``.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from refute.prover.errors import (
    EXIT_INTERNAL,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_UNAVAILABLE,
    EXIT_USAGE,
    RefuteError,
)

__all__ = ["EXIT_INTERNAL", "EXIT_INVALID", "EXIT_OK", "EXIT_UNAVAILABLE", "EXIT_USAGE", "main"]


def failure_json(kind: str, message: str, exit_code: int, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    """The one shape every command prints on failure under ``--json``."""
    return {
        "ok": False,
        "error": {"kind": kind, "message": message, "exit_code": exit_code, "fields": dict(fields or {})},
    }


def _error_of(exc: BaseException) -> tuple[str, str, int, dict[str, Any]]:
    """(kind, message, exit code, fields) of any exception a command let through."""
    if isinstance(exc, RefuteError):
        return exc.kind, str(exc), exc.exit_code, dict(exc.fields)
    if isinstance(exc, click.UsageError):
        return "usage", exc.format_message(), EXIT_USAGE, {}
    if isinstance(exc, click.ClickException):
        return "usage", exc.format_message(), exc.exit_code or EXIT_USAGE, {}
    if isinstance(exc, OSError) and exc.filename is not None:
        return "io", f"{exc.filename}: {exc.strerror or exc}", EXIT_INVALID, {"path": str(exc.filename)}
    name = type(exc).__name__
    return (
        "internal",
        f"internal error: {name}: {exc} (a bug: run with --debug and please report it)",
        EXIT_INTERNAL,
        {},
    )


class RefuteGroup(click.Group):
    """The ``refute`` group: runs a command and turns whatever escapes it into the exit code contract."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        options = argv[: argv.index("--")] if "--" in argv else argv
        as_json = "--json" in options
        debug = "--debug" in options or os.environ.get("REFUTE_DEBUG", "") not in ("", "0")
        try:
            code = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.Abort:
            click.echo("aborted", err=True)
            code = EXIT_INVALID
        except (KeyboardInterrupt, EOFError):
            click.echo("interrupted", err=True)
            code = EXIT_INVALID
        except Exception as exc:
            kind, message, code, fields = _error_of(exc)
            if as_json:
                click.echo(json.dumps(failure_json(kind, message, code, fields)))
            if isinstance(exc, click.ClickException) and not as_json:
                exc.show()
            else:
                click.echo(f"error: {message}", err=True)
            if debug and code == EXIT_INTERNAL:
                traceback.print_exception(exc)
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else EXIT_OK)


def _emit(data: dict[str, Any], as_json: bool, text: Callable[[dict[str, Any]], str]) -> None:
    if as_json:
        click.echo(json.dumps(data))
    else:
        click.echo(text(data))


def _status(message: str):
    """A rich spinner on stderr for long work (silent when stderr is not a terminal)."""
    from contextlib import nullcontext

    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        return nullcontext()
    return console.status(message)


@click.group(cls=RefuteGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="print the traceback of internal errors (also REFUTE_DEBUG=1)")
def main(debug: bool) -> None:
    """refute: prove an optimistic rollup's state claim wrong with one ZK proof.

    Exit codes: 0 success/accepted, 1 invalid input or rejected, 2 usage error,
    3 not available (this machine, or an unreachable service), 4 internal error.
    With --json, a failure prints {"ok": false, "error": {...}}.
    """


@main.command()
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def version(as_json: bool) -> None:
    """Versions: refute, RISC Zero, receipt kinds available here, guest image IDs."""
    from refute.prover.api import version_info

    info = version_info()

    def text(d: dict[str, Any]) -> str:
        lines = [
            f"refute {d['refute']} (risc0-zkvm {d['risc0_zkvm']})",
            f"receipt kinds: {', '.join(d['receipt_kinds'])}",
        ]
        lines += [f"guest {name}: {image_id}" for name, image_id in d["guests"].items()] or [
            "no guests built (make guests)"
        ]
        return "\n".join(lines)

    _emit(info, as_json, text)


def _prove_text(d: dict[str, Any]) -> str:
    lines = []
    if d.get("dev_mode"):
        lines.append("*** DEV MODE: fake receipt, proves nothing ***")
    lines += [
        f"image ID:      {d['image_id']}",
        f"journal:       {d['journal']}",
        f"user cycles:   {d['user_cycles']}",
        f"total cycles:  {d['total_cycles']}",
        f"segments:      {d['segments']}",
    ]
    if "receipt_kind" in d:
        lines += [
            f"receipt kind:  {d['receipt_kind']}",
            f"prove seconds: {d['prove_seconds']:.2f}",
            f"receipt bytes: {d['receipt_bytes']}",
        ]
        if d.get("out"):
            lines.append(f"written to:    {d['out']}")
    else:
        lines.append(f"execute seconds: {d['execute_seconds']:.3f} (dry run: no proof)")
    return "\n".join(lines)


@main.command()
@click.option("--guest", "guest_name", required=True, help="guest program name (see `refute version`)")
@click.option("--input", "input_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True)
@click.option(
    "--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), help="where to write the proof artifact"
)
@click.option(
    "--receipt",
    "receipt_kind",
    type=click.Choice(["composite", "succinct", "groth16"]),
    default="succinct",
    show_default=True,
    help="receipt kind",
)
@click.option("--dev", is_flag=True, help="dev mode: fake receipt, proves nothing (also RISC0_DEV_MODE=1)")
@click.option("--dry-run", is_flag=True, help="execute only: journal and cycles, no proof")
@click.option(
    "--cluster",
    metavar="local|auto|ray://HOST:PORT",
    help="prove segments in parallel on a Ray cluster (local: start one on this machine)",
)
@click.option(
    "--segment-po2",
    type=click.IntRange(13, 22),
    help="with --cluster: log2 of the cycles per segment  [default: 20]",
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def prove(
    guest_name: str,
    input_file: Path,
    out_file: Path | None,
    receipt_kind: str,
    dev: bool,
    dry_run: bool,
    cluster: str | None,
    segment_po2: int | None,
    as_json: bool,
) -> None:
    """Prove a guest run on INPUT (or --dry-run: execute it only)."""
    from refute.prover.api import dry_run as api_dry_run
    from refute.prover.api import prove_guest
    from refute.prover.zkvm import dev_mode_from_env

    input_bytes = input_file.read_bytes()
    if dry_run:
        with _status(f"executing {guest_name}"):
            result = api_dry_run(guest_name, input_bytes)
        _emit(result, as_json, _prove_text)
        return
    if out_file is None:
        raise click.UsageError("--out is required unless --dry-run is given")
    dev_mode = dev or dev_mode_from_env()
    if segment_po2 is not None and cluster is None:
        raise click.UsageError("--segment-po2 applies to --cluster proofs only")
    if cluster is not None:
        from refute.prover.cluster.cli import prove_with_cluster

        if dev_mode:
            raise click.UsageError("--cluster proves for real; dev mode (--dev, RISC0_DEV_MODE) has nothing to spread")
        _emit(
            prove_with_cluster(guest_name, input_bytes, out_file, cluster, segment_po2, receipt_kind),
            as_json,
            _prove_text,
        )
        return
    with _status(f"proving {guest_name} ({'dev mode' if dev_mode else receipt_kind})"):
        result = prove_guest(guest_name, input_bytes, out_file, receipt_kind=receipt_kind, dev_mode=dev_mode)
    if dev_mode:
        click.echo("warning: DEV MODE: the receipt is fake and proves nothing", err=True)
    _emit(result, as_json, _prove_text)


@main.command()
@click.argument("artifact", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--receipt",
    "receipt_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="receipt or proof artifact file (verified natively)",
)
@click.option("--image-id", "image_id", help="expected image ID (hex)")
@click.option("--seal", help="on-chain seal: hex or @FILE (pure-Python verifier)")
@click.option("--journal", help="journal: hex or @FILE (with --seal)")
@click.option("--allow-dev", is_flag=True, help="accept dev-mode (fake/mock) receipts")
@click.option(
    "--deployment",
    "deployment_arg",
    metavar="NAME|FILE",
    help="router state to decide the seal as that deployment would: a shipped name "
    "(ethereum-mainnet, all-releases) or a JSON file of registered/removed/e-stopped selectors; "
    "default: ethereum-mainnet, RISC Zero's published mainnet router state (docs/verifier.md). "
    "all-releases registers every embedded parameter set",
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def verify(
    artifact: Path | None,
    receipt_file: Path | None,
    image_id: str | None,
    seal: str | None,
    journal: str | None,
    allow_dev: bool,
    deployment_arg: str | None,
    as_json: bool,
) -> None:
    """Verify a receipt (--receipt), a seal (--seal/--journal) or an ARTIFACT.

    A seal is routed as RISC Zero's Ethereum mainnet router routes it unless
    --deployment names another router state (e.g. all-releases).  Exit 0 when it
    verifies, 1 when it does not or the --deployment file is malformed (reason on
    stderr), 2 on a usage error.
    """
    from refute import verifier
    from refute.prover import api

    deployment_file: Path | str | None = None
    if deployment_arg is not None:
        if deployment_arg in verifier.BUILTIN_DEPLOYMENTS:
            deployment_file = deployment_arg
        elif Path(deployment_arg).is_file():
            deployment_file = Path(deployment_arg)
        else:
            raise click.BadParameter(
                f"{deployment_arg!r} is neither a shipped deployment "
                f"({', '.join(verifier.BUILTIN_DEPLOYMENTS)}) nor an existing file",
                param_hint="--deployment",
            )

    modes = sum(x is not None for x in (artifact, receipt_file, seal))
    if modes != 1:
        raise click.UsageError(
            "give exactly one of ARTIFACT, --receipt FILE, or --seal (with --journal and --image-id)"
        )
    expected_id = api.parse_image_id(image_id) if image_id else None
    if receipt_file is not None:
        if expected_id is None:
            raise click.UsageError("--receipt needs --image-id")
        if deployment_file is not None:
            raise click.UsageError(
                "--deployment applies to on-chain seals (--seal or an ARTIFACT with a seal), not to --receipt"
            )
        result = api.verify_receipt_file(receipt_file, expected_id, allow_dev=allow_dev)
    elif seal is not None:
        if expected_id is None or journal is None:
            raise click.UsageError("--seal needs --image-id and --journal")
        result = api.verify_seal_args(seal, expected_id, journal, allow_dev=allow_dev, deployment=deployment_file)
    else:
        assert artifact is not None
        result = api.verify_artifact_file(artifact, expected_id, allow_dev=allow_dev, deployment=deployment_file)
    if result.get("dev_mode"):
        click.echo("warning: DEV MODE receipt accepted because --allow-dev was given; it proves nothing", err=True)

    def text(d: dict[str, Any]) -> str:
        return "\n".join(["accepted"] + [f"  {k}: {v}" for k, v in d.items() if k != "accepted"])

    _emit(result, as_json, text)


def _demo_line(entry: dict[str, Any]) -> str | None:
    """One step of ``refute demo`` as a line of text (None: not shown in text mode)."""
    kind = entry["step"]
    short = lambda h: str(h)[:10] + "…"  # noqa: E731 - a local formatter
    if kind == "devnet":
        return f"devnet up: {entry['title']} (fault injected at L2 block {entry['faulty_block']}); game {entry['game']}"
    if kind == "proposal_seen":
        return f"proposal {entry['proposal']} seen: L2 block {entry['l2_block']} root {short(entry['root'])}"
    if kind == "verdict":
        return f"proposal {entry['proposal']}: {entry['verdict']}"
    if kind == "fault_found":
        diff = entry.get("first_difference") or {}
        account = f"{diff['name']} ({diff['account']})" if "name" in diff else diff.get("account", "?")
        where = account + (f" storage slot {diff['slot']}" if "slot" in diff else f" {diff.get('field', '')}")
        return (
            f"FAULT in proposal {entry['proposal']} (L2 block {entry['l2_block']}): correct root "
            f"{short(entry['correct_root'])}, proposed {short(entry['proposed_root'])}; first difference: {where}"
        )
    if kind == "proving":
        if entry["dev_mode"]:
            return f"proving proposal {entry['proposal']} (DEV MODE: fake receipt)"
        estimate = entry.get("estimate") or {}
        seconds = estimate.get("predicted_prove_seconds")
        cycles = estimate.get("predicted_total_cycles")
        predicted = (
            f": about {cycles / 1e6:.1f} M cycles, predicted {seconds / 60:,.0f} min at this machine's measured rate"
            " (refute demo --dev takes a minute)"
            if seconds and cycles
            else ""
        )
        return f"proving proposal {entry['proposal']} (real succinct receipt){predicted}"
    if kind == "proved":
        label = " DEV MODE" if entry["dev_mode"] else ""
        return (
            f"proof: {entry['receipt_kind']}{label} receipt, {entry['total_cycles']:,} cycles, {entry['segments']} "
            f"segments, {entry['prove_seconds']} s; verified against image ID {short(entry['verified_against'])}"
        )
    if kind == "mirror_accepts":
        return "pure-Python mirror of the game accepts the challenge"
    if kind == "challenged":
        return f"challenge accepted on L1: tx {short(entry['tx'])}, gas {entry['gas_used']:,}"
    if kind == "pruned":
        return f"descendant proposal {entry['proposal']} pruned (gas {entry['gas_used']:,})"
    if kind == "withdrawn":
        return f"bonds paid to the watcher: {entry['amount_wei'] / 1e18:g} ETH"
    if kind == "warp":
        return f"L1 time moves {entry['seconds']} s, past the challenge window"
    if kind == "honest_untouched":
        state = "resolved untouched" if entry["resolved"] else "NOT resolved"
        return f"honest proposals {entry['proposals']}: {state}"
    if kind in ("rejected", "retry"):
        return f"{kind}: {entry.get('reason') or entry.get('error') or entry}"
    return None


@main.command()
@click.option(
    "--scenario",
    type=click.Choice(["seeding", "oracle"]),
    default="seeding",
    show_default=True,
    help="incident: misconfigured vault seeding, or an oracle glitch that liquidates sound positions",
)
@click.option("--dev", is_flag=True, help="dev mode: fake receipts (fast, proves nothing)")
@click.option("--json", "as_json", is_flag=True, help="machine-readable account of every step")
def demo(scenario: str, dev: bool, as_json: bool) -> None:
    """The main job on the built-in devnet: a faulty proposal caught, proven and eliminated."""
    from refute.devnet.demo import run_demo

    def show(entry: dict[str, Any]) -> None:
        line = _demo_line(entry)
        if line is not None and not as_json:
            click.echo(f"[{entry['t']:7.1f} s] {line}")

    with _status(f"refute demo --scenario {scenario}" + (" (DEV MODE)" if dev else "")):
        result = run_demo(scenario, dev_mode=dev, step=show)
    if as_json:
        click.echo(json.dumps(result))
    else:
        click.echo(f"note: {result['note']}")
        click.echo(f"done in {result['seconds']} s" + (" (DEV MODE: nothing was proven)" if dev else ""))
    if dev:
        click.echo("warning: DEV MODE: fake receipts, nothing was proven", err=True)


# --- data availability ---


@main.group()
def blob() -> None:
    """EIP-4844 blobs: OP Stack v0 encoding (or --eigenda), KZG commitments."""


@blob.command("encode")
@click.option(
    "--in", "src", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path), help="payload file"
)
@click.option("--out", "dst", required=True, type=click.Path(dir_okay=False, path_type=Path), help="blob file to write")
@click.option("--eigenda", is_flag=True, help="EigenDA payload encoding instead of OP v0")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def blob_encode(src: Path, dst: Path, eigenda: bool, as_json: bool) -> None:
    """Encode a payload into a blob (131072 bytes for OP v0)."""
    from refute.prover.da.api import blob_encode_file

    _emit(
        blob_encode_file(src, dst, eigenda=eigenda),
        as_json,
        lambda d: f"{d['payload_bytes']} bytes -> {d['out']} ({d['encoding']}, {d['blob_bytes']} bytes)",
    )


@blob.command("decode")
@click.option(
    "--in", "src", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path), help="blob file"
)
@click.option(
    "--out", "dst", required=True, type=click.Path(dir_okay=False, path_type=Path), help="payload file to write"
)
@click.option("--eigenda", is_flag=True, help="EigenDA payload encoding instead of OP v0")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def blob_decode(src: Path, dst: Path, eigenda: bool, as_json: bool) -> None:
    """Decode a blob into its payload (strict: exit 1 naming layer and offset)."""
    from refute.prover.da.api import blob_decode_file

    _emit(
        blob_decode_file(src, dst, eigenda=eigenda),
        as_json,
        lambda d: f"{d['payload_bytes']} bytes -> {d['out']} ({d['encoding']})",
    )


@blob.command("commit")
@click.argument("blob_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def blob_commit(blob_file: Path, as_json: bool) -> None:
    """KZG commitment, versioned hash and blob proof of BLOB_FILE (EIP-4844)."""
    from refute.prover.da.api import blob_commit_file

    _emit(blob_commit_file(blob_file), as_json, lambda d: "\n".join(f"{k}: {v}" for k, v in d.items()))


@main.command()
@click.option(
    "--blob",
    "blob_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="OP-encoded blob file (repeatable, order kept)",
)
@click.option(
    "--blob-dir",
    "blob_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="directory of blob files (name order)",
)
@click.option(
    "--batcher-data",
    "batcher_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="raw batcher data or a signed batcher tx (binary or hex)",
)
@click.option("--l1-rpc", help="L1 execution JSON-RPC URL (fetch batcher txs)")
@click.option("--beacon-rpc", help="beacon API URL (fetch blob sidecars)")
@click.option(
    "--l1-block",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="L1 block to fetch (with --l1-rpc) or the inclusion block of the files",
)
@click.option("--l1-to", type=click.IntRange(min=0), help="last L1 block to fetch (default: --l1-block)")
@click.option(
    "--chain",
    default="op-mainnet",
    show_default=True,
    help="rollup preset: op-mainnet, unichain-mainnet (fork times from the shipped chain table)",
)
@click.option("--chain-id", type=click.IntRange(min=1), help="override the preset's L2 chain id")
@click.option("--l2-genesis-time", type=click.IntRange(min=0), help="override the L2 genesis timestamp")
@click.option("--block-time", type=click.IntRange(min=1), help="override the L2 block time")
@click.option(
    "--channel-timeout",
    type=click.IntRange(min=0),
    help="override the pre-Granite channel timeout (L1 blocks; Granite fixes it at 50)",
)
@click.option(
    "--at",
    type=click.IntRange(min=0),
    help="when the data was published (unix seconds): the derivation rules are the fork schedule's at this time "
    "[default: the --l1-block's timestamp with --l1-rpc, else now]",
)
@click.option(
    "--fork-time",
    "fork_times",
    multiple=True,
    metavar="FORK=TIMESTAMP|never",
    help="override a fork's activation time (repeatable), e.g. holocene=never",
)
@click.option("--holocene/--no-holocene", default=None, help="shorthand for --fork-time holocene=0 / holocene=never")
@click.option(
    "--retries", type=click.IntRange(min=0), default=4, show_default=True, help="HTTP retries (exponential backoff)"
)
@click.option(
    "--rlp", "rlp_out", type=click.Path(dir_okay=False, path_type=Path), help="write the blocks as RLP to this file"
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def reconstruct(
    blob_files: tuple[Path, ...],
    blob_dirs: tuple[Path, ...],
    batcher_files: tuple[Path, ...],
    l1_rpc: str | None,
    beacon_rpc: str | None,
    l1_block: int,
    l1_to: int | None,
    chain: str,
    chain_id: int | None,
    l2_genesis_time: int | None,
    block_time: int | None,
    channel_timeout: int | None,
    at: int | None,
    fork_times: tuple[str, ...],
    holocene: bool | None,
    retries: int,
    rlp_out: Path | None,
    as_json: bool,
) -> None:
    """Rebuild L2 blocks from published data (blobs, batcher data, or L1 + beacon RPC), with KZG checks."""
    from refute.prover.da.api import reconstruct_command, reconstruct_text, rollup_config
    from refute.prover.forks import parse_fork_time

    try:
        config = rollup_config(
            chain,
            chain_id=chain_id,
            l2_genesis_time=l2_genesis_time,
            block_time=block_time,
            channel_timeout=channel_timeout,
            holocene=holocene,
            at=at,
            fork_times=dict(parse_fork_time(f) for f in fork_times),
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if not (blob_files or blob_dirs or batcher_files or l1_rpc):
        raise click.UsageError("give --blob, --blob-dir, --batcher-data, or --l1-rpc (with --beacon-rpc for blobs)")
    report = reconstruct_command(
        config,
        blob_files=list(blob_files),
        blob_dirs=list(blob_dirs),
        batcher_files=list(batcher_files),
        l1_block=l1_block,
        l1_rpc=l1_rpc,
        beacon_rpc=beacon_rpc,
        l1_to=l1_to,
        rlp_out=rlp_out,
        retries=retries,
    )
    _emit(report, as_json, reconstruct_text)


# --- block execution ---


def _execute_text(d: dict[str, Any]) -> str:
    lines = [f"block {d['number']} ({d['fork']}): {d['block_hash']}"]
    for key in ("state_root", "transactions_root", "receipts_root", "output_root"):
        lines.append(f"{key}: {d[key]}")
    lines.append(f"gas_used: {d['gas_used']}")
    for i, tx in enumerate(d["transactions"]):
        lines.append(f"tx {i} {tx['hash']}: {tx['status']} gas {tx['gas_used']}")
    for m in d.get("mismatches", []):
        lines.append(f"MISMATCH {m['field']}: header claims {m['claimed']}, execution gives {m['computed']}")
    return "\n".join(lines)


def _kona_text(d: dict[str, Any]) -> str:
    verdict = "MATCH" if d["match"] else "MISMATCH"
    return "\n".join(
        [
            f"{d['fixture']}",
            f"block_hash: {d['block_hash']}",
            f"expected_block_hash: {d['expected_block_hash']} ({verdict})",
            f"state_root: {d['state_root']}",
            f"output_root: {d['output_root'] or 'unavailable: ' + str(d.get('output_root_unavailable'))}",
            f"gas_used: {d['gas_used']} ({len(d['transactions'])} transactions, {d['fork']})",
        ]
    )


@main.command()
@click.option(
    "--block",
    "block_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="RLP-encoded block (binary or 0x-hex)",
)
@click.option(
    "--witness",
    "witness_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="witness: debug_executionWitness JSON or geth RLP",
)
@click.option(
    "--chain",
    "chain_option",
    metavar="NAME|FILE",
    help="chain: op-mainnet, op-sepolia, base-mainnet, unichain-mainnet, unichain-sepolia, refute-devnet, an Ethereum fork name, a chain ID, or a JSON file (chain config or op-node rollup config); default: Ethereum, Prague",
)
@click.option(
    "--kona-fixture",
    "kona_fixture",
    type=click.Path(exists=True, path_type=Path),
    help="a kona executor fixture (tar archive or directory): rebuild its block, compare with expected_block_hash",
)
@click.option("--rpc", help="L2 JSON-RPC URL: fetch block and witness (with --number)")
@click.option("--number", type=click.IntRange(min=1), help="block number to fetch with --rpc")
@click.option(
    "--blockchain-test",
    "test_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="run an Ethereum blockchain-test file statelessly",
)
@click.option("--name", help="with --blockchain-test: run only this test")
@click.option(
    "--no-check-header", is_flag=True, help="compute the true values even if the block's header claims others"
)
@click.option(
    "--strict-witness", is_flag=True, help="reject witnesses with nodes, codes or headers the block does not use"
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def execute(
    block_file: Path | None,
    witness_file: Path | None,
    chain_option: str | None,
    kona_fixture: Path | None,
    rpc: str | None,
    number: int | None,
    test_file: Path | None,
    name: str | None,
    no_check_header: bool,
    strict_witness: bool,
    as_json: bool,
) -> None:
    """Execute a block statelessly (files, RPC or a kona fixture), or run blockchain tests."""
    from refute.prover import execute as ex

    if kona_fixture is not None:
        if block_file or witness_file or rpc or test_file or chain_option:
            raise click.UsageError("--kona-fixture carries its own block, witness and chain; give it alone")
        kona = ex.execute_kona_fixture(kona_fixture)
        _emit(kona.to_json(), as_json, _kona_text)
        sys.exit(EXIT_OK if kona.match else EXIT_INVALID)
    chain = ex.chain_from_option(chain_option)

    if test_file is not None:
        if block_file or witness_file or rpc:
            raise click.UsageError("--blockchain-test cannot be combined with --block/--witness/--rpc")
        results = ex.run_blockchain_tests(test_file, name)
        passed = sum(r.passed for r in results)
        if as_json:
            click.echo(
                json.dumps({"passed": passed, "failed": len(results) - passed, "tests": [r.__dict__ for r in results]})
            )
        else:
            for r in results:
                click.echo(r.line())
            click.echo(f"{passed} passed, {len(results) - passed} failed")
        sys.exit(EXIT_OK if passed == len(results) else EXIT_INVALID)
    opts = {"check_header": not no_check_header, "strict_witness": strict_witness}
    if rpc is not None:
        if number is None:
            raise click.UsageError("--rpc needs --number")
        from refute.prover.witness import RpcWitnessSource

        source = RpcWitnessSource(rpc)
        result = ex.execute_block(source.block_rlp(number), source.witness(number), chain, **opts)
    else:
        if block_file is None or witness_file is None:
            raise click.UsageError("give --block and --witness, --rpc with --number, or --blockchain-test")
        result = ex.execute_block(block_file.read_bytes(), witness_file.read_bytes(), chain, **opts)
    _emit(result.to_json(), as_json, _execute_text)


@main.group()
def l1() -> None:
    """Refute's L1 contracts: deploy them, or run a local L1 node."""


@l1.command("deploy")
@click.option("--l1-rpc", help="L1 JSON-RPC URL (default: a throwaway in-process chain)")
@click.option("--fault-image-id", required=True, help="image ID of the fault-proof program (32-byte hex)")
@click.option("--rollup-config-hash", required=True, help="rollup-config hash the game accepts (32-byte hex)")
@click.option("--anchor-root", "anchor_root", required=True, help="agreed anchor output root (32-byte hex)")
@click.option("--anchor-block", type=click.IntRange(min=0, max=2**64 - 2), default=0, show_default=True)
@click.option("--bond", "bond_wei", type=click.IntRange(min=0), default=10**17, show_default=True, help="wei")
@click.option(
    "--challenge-window", type=click.IntRange(min=1), default=7 * 24 * 3600, show_default=True, help="seconds"
)
@click.option("--dev/--no-dev", "dev_mode", default=None, help="register the mock verifier (devnet chain IDs only)")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def l1_deploy(
    l1_rpc: str | None,
    fault_image_id: str,
    rollup_config_hash: str,
    anchor_root: str,
    anchor_block: int,
    bond_wei: int,
    challenge_window: int,
    dev_mode: bool | None,
    as_json: bool,
) -> None:
    """Deploy the Groth16 verifiers, the router (and mock in dev mode) and the dispute game."""
    from refute.l1.api import deploy_command

    with _status("compiling and deploying"):
        out = deploy_command(
            l1_rpc,
            fault_image_id=fault_image_id,
            rollup_config_hash=rollup_config_hash,
            anchor_output_root=anchor_root,
            anchor_l2_block=anchor_block,
            bond_wei=bond_wei,
            challenge_window=challenge_window,
            dev_mode=dev_mode,
        )
    # Addresses are the output in both modes; text mode pretty-prints the same JSON.
    click.echo(json.dumps(out) if as_json else json.dumps(out, indent=2))


@l1.command("node")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8545, show_default=True)
def l1_node(host: str, port: int) -> None:
    """Serve a local py-evm chain (Prague rules) over JSON-RPC until interrupted."""
    import time

    from refute.l1.chain import serve

    server = serve(host=host, port=port)
    click.echo(f"L1 JSON-RPC at {server.url} (chain ID {server.chain.w3.eth.chain_id}); Ctrl-C stops it", err=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        server.stop()


@main.command()
@click.option("--l1-rpc", help="a devnet JSON-RPC URL, e.g. `refute l1 node` (default: an in-process chain)")
@click.option(
    "--receipts",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="RISC Zero Groth16 receipts JSON (default: $REFUTE_FIXTURES/conformance/risc0-groth16-receipts.json)",
)
@click.option("--mutations", type=click.IntRange(min=0), default=1, show_default=True, help="mutations per field")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def conformance(l1_rpc: str | None, receipts: Path | None, mutations: int, as_json: bool) -> None:
    """Run the differential corpus on the Vyper contracts and the Python mirror; exit 0 iff all agree."""
    from refute.l1.api import conformance_command
    from refute.l1.conformance import summary

    with _status("running the conformance corpus"):
        results, note = conformance_command(l1_rpc, receipts, mutations=mutations)
    passed, failed = summary(results)
    if as_json:
        out: dict[str, Any] = {"passed": passed, "failed": failed, "cases": [r.to_json() for r in results]}
        if note:
            out["note"] = note
        click.echo(json.dumps(out))
    else:
        for r in results:
            click.echo(r.line())
        if note:
            click.echo(note, err=True)
        click.echo(f"{passed} passed, {failed} failed")
    sys.exit(EXIT_OK if failed == 0 else EXIT_INVALID)


# ---------------------------------------------------------------- fault proofs


@main.group()
def fault() -> None:
    """The fault-proof program: show that a proposed output root is wrong, and prove it."""


def _bundle_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--bundle",
        "bundle_dir",
        required=True,
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="fault bundle directory (refute fault example / bundle)",
    )(f)


@fault.command("example")
@click.option(
    "--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="bundle directory to write"
)
@click.option("--no-fault", is_flag=True, help="claim the correct root (check then reports no fault)")
@click.option("--transactions", type=click.IntRange(0, 200), default=10, show_default=True, help="batched transfers")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def fault_example(out: Path, no_fault: bool, transactions: int, as_json: bool) -> None:
    """Write a small self-contained bundle from the chain-fixture generator and print the claimed root."""
    from refute.prover.fault import example

    with _status("generating an L1/L2 chain pair"):
        result = example(out, fault=not no_fault, transactions=transactions)
    _emit(result, as_json, lambda d: d["claimed_output_root"])


def _bundle_text(d: dict[str, Any]) -> str:
    window = d["l1_transaction_window"]
    return "\n".join(
        [
            f"bundle: {d['bundle']} ({d['input_bytes']} bytes, sha256 {d['input_sha256']})",
            f"block: {d['l2_block_number']} relative to L1 head {d['l1_head']}",
            f"L1: {d['l1_headers']} headers back to origin {d['l1_origin']}, transactions of blocks "
            f"{window[0]}..={window[1]}, {d['blobs']} blobs",
            f"L2: {d.get('l2_ancestors', 0)} blocks before the agreed block (for a span batch reaching back)",
            f"computed root: {d['computed_output_root']}",
        ]
    )


@fault.command("bundle")
@click.option("--l2-block", required=True, type=click.IntRange(min=1), help="the disputed L2 block N")
@click.option("--l1-head", required=True, help="L1 block hash the derivation is relative to")
@click.option("--l1-rpc", required=True, help="L1 execution JSON-RPC URL")
@click.option("--l2-rpc", required=True, help="L2 execution JSON-RPC URL (debug_executionWitness)")
@click.option("--beacon-rpc", required=True, help="L1 beacon API URL (blob sidecars)")
@click.option("--rollup-rpc", help="op-node URL (optimism_*); default: --l2-rpc")
@click.option("--payout", default="0x" + "00" * 20, show_default=True, help="payout recipient the input names")
@click.option(
    "--retries", type=click.IntRange(min=0), default=4, show_default=True, help="HTTP retries (exponential backoff)"
)
@click.option(
    "--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="bundle directory to write"
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def fault_bundle(
    l2_block: int,
    l1_head: str,
    l1_rpc: str,
    l2_rpc: str,
    beacon_rpc: str,
    rollup_rpc: str | None,
    payout: str,
    retries: int,
    out: Path,
    as_json: bool,
) -> None:
    """Collect every input the fault program needs for block N from a live chain into a bundle directory."""
    from refute.prover.fault.collect import bundle, endpoints_from_urls
    from refute.prover.fault.progress import CollectProgress

    endpoints = endpoints_from_urls(l1_rpc, l2_rpc, beacon_rpc, rollup_rpc, retries=retries)
    with CollectProgress() as progress:
        result = bundle(out, endpoints, l2_block, l1_head, payout=payout, progress=progress)
    _emit(result, as_json, _bundle_text)


def _check_text(d: dict[str, Any]) -> str:
    lines = [
        f"block: {d['l2_block_number']}",
        f"computed root: {d['computed_output_root']}",
        f"claimed root:  {d['claimed_output_root']}",
        f"fault: {str(d['fault']).lower()}",
        f"derived from L1 origin {d['derivation']['l1_origin']}, batch included in L1 block "
        f"{d['derivation']['inclusion_block']}, {d['derivation']['transactions']} transactions",
        f"blobs opened: {len(d['openings'])}",
    ]
    for kind, label in (("dropped_batches", "batch dropped"), ("skipped_data", "data skipped")):
        lines.extend(f"{label}: {reason}" for reason in d["derivation"].get(kind, []))
    if "cycles" in d:
        c = d["cycles"]
        lines.append(f"cycles: {c['total_cycles']} total, {c['user_cycles']} user, {c['segments']} segments")
        lines.extend(f"  {name}: {count}" for name, count in c.get("phases", {}).items())
    return "\n".join(lines)


@fault.command("check")
@_bundle_option
@click.option("--claimed-root", required=True, help="the output root the proposal claims (hex)")
@click.option("--no-cycles", is_flag=True, help="skip the zkVM executor run that measures cycles")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def fault_check(bundle_dir: Path, claimed_root: str, no_cycles: bool, as_json: bool) -> None:
    """Native dry run: computed vs claimed root. Exit 0 when there is a fault, 1 when the claim is correct."""
    from refute.prover.fault import check, load_bundle

    with _status("running the fault program natively"):
        result = check(load_bundle(bundle_dir), claimed_root, cycles=not no_cycles)
    _emit(result.to_json(), as_json, _check_text)
    if not result.fault:
        click.echo("no fault: the claimed root is the correct output root", err=True)
        sys.exit(EXIT_INVALID)


@fault.command("prove")
@_bundle_option
@click.option("--claimed-root", required=True, help="the output root the proposal claims (hex)")
@click.option("--payout", required=True, help="payout recipient the journal names (20-byte address)")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="proof artifact to write")
@click.option(
    "--receipt",
    "receipt_kind",
    type=click.Choice(["composite", "succinct", "groth16"]),
    default="succinct",
    show_default=True,
)
@click.option("--dev", is_flag=True, help="dev mode: fake receipt, proves nothing (also RISC0_DEV_MODE=1)")
@click.option(
    "--estimate",
    is_flag=True,
    help="predict cycles, segments, proving time here and dollars from a native dry run; no proof is made",
)
@click.option("--usd-per-mcycle", type=float, help="price per million cycles for --estimate (see refute bench)")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def fault_prove(
    bundle_dir: Path,
    claimed_root: str,
    payout: str,
    out: Path,
    receipt_kind: str,
    dev: bool,
    estimate: bool,
    usd_per_mcycle: float | None,
    as_json: bool,
) -> None:
    """Prove the fault in the zkVM and write the artifact (refuses when there is no fault)."""
    from refute.prover.fault import prove
    from refute.prover.zkvm import dev_mode_from_env

    if estimate:
        from refute.bench.command import estimate_bundle, estimate_text
        from refute.bench.cost import price

        with _status("native dry run for the estimate"):
            predicted = estimate_bundle(bundle_dir, claimed_root, payout, price(usd_per_mcycle))
        _emit(predicted, as_json, estimate_text)
        return

    with _status(f"proving the fault ({receipt_kind} receipt)"):
        result = prove(
            bundle_dir, claimed_root, payout, out, receipt_kind=receipt_kind, dev_mode=dev or dev_mode_from_env()
        )
    _emit(result, as_json, lambda d: "\n".join(f"{k}: {v}" for k, v in d.items()))


# ---------------------------------------------------------------- proof cost


@main.command("bench")
@click.option("--quick", is_flag=True, help="the CI subset: 1 and 10 transactions of each kind, one real block")
@click.option("--kinds", help="comma-separated workload kinds (default: all)")
@click.option("--sizes", help="comma-separated block sizes in transactions (default: 1,10,100,1000; quick: 1,10)")
@click.option("--no-blocks", is_flag=True, help="skip the real fixture blocks")
@click.option("--prove", is_flag=True, help="make a small real proof to measure seconds per million cycles here")
@click.option("--repeats", type=click.IntRange(1, 50), default=3, show_default=True, help="timing repeats (median)")
@click.option(
    "--seconds-per-mcycle",
    type=click.FloatRange(min=0, min_open=True),
    help="proving rate measured by an earlier --prove run (default: the shipped model's)",
)
@click.option(
    "--usd-per-mcycle", type=float, help="price per million cycles (default: REFUTE_USD_PER_MCYCLE or Boundless')"
)
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), help="baseline JSON to gate against")
@click.option("--tolerance", type=click.FloatRange(0, 1), default=0.02, show_default=True, help="allowed cycle growth")
@click.option(
    "--update-baseline",
    "reason",
    help="write the baseline (and the estimate model) instead of gating; the argument says why",
)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="results folder")
@click.option("--no-plots", is_flag=True, help="skip the PNG plots")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def bench_command(
    quick: bool,
    kinds: str | None,
    sizes: str | None,
    no_blocks: bool,
    prove: bool,
    repeats: int,
    seconds_per_mcycle: float | None,
    usd_per_mcycle: float | None,
    baseline: Path | None,
    tolerance: float,
    reason: str | None,
    out: Path | None,
    no_plots: bool,
    as_json: bool,
) -> None:
    """Proof-cost benchmarks: cycles by phase, timings, dollars; fails when cycles grow over the baseline."""
    from refute.bench.command import DEFAULT_BASELINE, DEFAULT_OUT, bench
    from refute.bench.cost import price
    from refute.bench.runner import Plan
    from refute.bench.workloads import parse_kinds, parse_sizes

    plan = Plan(
        quick=quick,
        kinds=parse_kinds(kinds),
        sizes=parse_sizes(sizes),
        blocks=not no_blocks,
        prove=prove,
        repeats=repeats,
        seconds_per_mcycle=seconds_per_mcycle,
    )
    import time

    started = time.monotonic()

    def progress(name: str, done: int, total: int) -> None:
        click.echo(f"[{done}/{total}, {time.monotonic() - started:.0f} s] {name}", err=True)

    results, verdict = bench(
        plan,
        price(usd_per_mcycle),
        out=out or DEFAULT_OUT,
        baseline=baseline or DEFAULT_BASELINE,
        update_baseline=reason,
        tolerance=tolerance,
        plots=not no_plots,
        progress=None if as_json else progress,
    )
    lines = verdict.lines() if verdict else [f"baseline written ({len(results['cases'])} cases): {reason}"]
    _emit(
        {"out": str(out or DEFAULT_OUT), "gate": results.get("gate"), "cases": len(results["cases"])},
        as_json,
        lambda d: "\n".join([f"results in {d['out']}", *lines]),
    )


@main.command("profile")
@click.argument("case")
@click.option("--top", type=click.IntRange(1, 500), default=20, show_default=True, help="functions listed")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="keep the pprof file here (CASE.pprof; open it with `go tool pprof` or speedscope)",
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def profile_command(case: str, top: int, out: Path | None, as_json: bool) -> None:
    """Where a bench case's zkVM cycles go, by function, and whether the accelerators serve it.

    CASE is a bench case: KIND/N (N transactions of a generated workload through the fault guest) or
    op-sepolia/NUMBER (a fixture block through the block guest)."""
    from refute.bench.profile import profile_case, summarize

    with _status(f"executing {case} with the profiler on"):
        profile, kept = profile_case(case, out)
    summary = summarize(profile, top)
    data = {"case": case, "pprof": str(kept) if kept else None, **summary.to_json()}
    _emit(data, as_json, lambda d: summary.text(case) + (f"\nprofile: {d['pprof']}" if d["pprof"] else ""))


# ---------------------------------------------------------------- watcher and devnet


@main.command()
@click.option("--l1-rpc", envvar="REFUTE_L1_RPC", required=True, help="L1 execution JSON-RPC URL [REFUTE_L1_RPC]")
@click.option("--l2-rpc", envvar="REFUTE_L2_RPC", required=True, help="L2 execution JSON-RPC URL [REFUTE_L2_RPC]")
@click.option("--beacon-rpc", envvar="REFUTE_BEACON_RPC", required=True, help="L1 beacon API URL [REFUTE_BEACON_RPC]")
@click.option(
    "--rollup-rpc", envvar="REFUTE_ROLLUP_RPC", help="rollup node (op-node) URL; default --l2-rpc [REFUTE_ROLLUP_RPC]"
)
@click.option(
    "--game-address", envvar="REFUTE_GAME_ADDRESS", required=True, help="FaultDisputeGame address [REFUTE_GAME_ADDRESS]"
)
@click.option("--key", envvar="REFUTE_WATCHER_KEY", required=True, help="challenger's private key [REFUTE_WATCHER_KEY]")
@click.option("--payout", envvar="REFUTE_PAYOUT", help="bond recipient the proofs name (default: the key's address)")
@click.option(
    "--data-dir",
    envvar="REFUTE_DATA_DIR",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("refute-watcher"),
    show_default=True,
    help="the watcher's database, bundles and proofs (keep it: a restart resumes from it)",
)
@click.option(
    "--receipt", "receipt_kind", type=click.Choice(["succinct", "groth16"]), default="succinct", show_default=True
)
@click.option("--dev", is_flag=True, help="dev mode: fake receipts, proves nothing (devnets only)")
@click.option("--poll-interval", type=click.FloatRange(min=0.1), default=6.0, show_default=True, help="seconds")
@click.option("--until-settled", type=click.IntRange(min=1), help="exit 0 once this many proposals are settled")
@click.option("--timeout", type=click.FloatRange(min=1), help="with --until-settled: give up after this many seconds")
@click.option("--json", "as_json", is_flag=True, help="one JSON object per event on stdout")
def watch(
    l1_rpc: str,
    l2_rpc: str,
    beacon_rpc: str,
    rollup_rpc: str | None,
    game_address: str,
    key: str,
    payout: str | None,
    data_dir: Path,
    receipt_kind: str,
    dev: bool,
    poll_interval: float,
    until_settled: int | None,
    timeout: float | None,
    as_json: bool,
) -> None:
    """Watch a dispute game: re-execute every proposal, prove and challenge the faulty ones, collect bonds."""
    from refute.watcher.watch import Watcher, WatchSettings

    if dev:
        click.echo("warning: DEV MODE: fake receipts; only a devnet's mock verifier accepts them", err=True)

    def event(e: dict[str, Any]) -> None:
        click.echo(json.dumps(e) if as_json else " ".join(f"{k}={v}" for k, v in e.items()))

    settings = WatchSettings(
        l1_rpc=l1_rpc,
        l2_rpc=l2_rpc,
        beacon_rpc=beacon_rpc,
        rollup_rpc=rollup_rpc,
        game_address=game_address,
        key=key,
        payout=payout,
        data_dir=data_dir,
        dev_mode=dev,
        receipt_kind=receipt_kind,
        poll_interval=poll_interval,
    )
    watcher = Watcher(settings, events=event)
    try:
        summary = watcher.run(until_settled=until_settled, timeout=timeout)
    except TimeoutError as exc:
        from refute.prover.errors import EnvironmentUnavailable

        raise EnvironmentUnavailable(str(exc)) from None
    finally:
        watcher.close()
    event({"event": "settled", **summary})


@main.command()
@click.option("--scenario", type=click.Choice(["seeding", "oracle"]), default="seeding", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8545, show_default=True, help="on 127.0.0.1 (0: any)")
@click.option(
    "--block-interval", type=click.FloatRange(min=0.05), default=1.0, show_default=True, help="wall s per slot"
)
@click.option("--challenge-window", type=click.IntRange(min=12), default=86_400, show_default=True, help="L1 seconds")
@click.option("--span-blocks", type=click.IntRange(min=1), default=3, help="L2 blocks per span batch (as in the demo)")
def devnet(scenario: str, port: int, block_interval: float, challenge_window: int, span_blocks: int) -> None:
    """Run the local devnet (L1 with the dispute game, OP Stack L2, batcher, faulty proposer) until Ctrl-C.

    Prints one JSON line with the endpoints, the game address and a funded watcher key.
    """
    import time

    from refute.devnet.apps import scenario as scenario_plan
    from refute.devnet.network import Devnet
    from refute.prover.guests_registry import load_guest

    net = Devnet(
        scenario_plan(scenario),
        fault_image_id=load_guest("fault").image_id,
        challenge_window=challenge_window,
        block_interval=block_interval,
        port=port,
        span_blocks=span_blocks,
    )
    with _status("starting the devnet (deploying the contracts)"):
        net.start()
    try:
        click.echo(json.dumps(net.describe()), nl=True)
        net.on_event(lambda e: click.echo(json.dumps(e), err=True))
        while True:
            net.raise_if_failed()
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        net.stop()


if __name__ == "__main__":  # pragma: no cover
    main()
