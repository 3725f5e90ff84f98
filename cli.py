"""refute's command line: thin click commands over the Python API.

Every command parses flags, calls one function of ``prover`` or ``verifier``,
and prints the result (``--json`` for machines, text for people). Exit codes,
the same for every command:

  0  success (for ``verify``: accepted)
  1  the input is invalid or was rejected (reason on stderr)
  2  usage error (bad flags or arguments)
  3  not available on this machine (e.g. a Groth16 prover, an unbuilt guest)
  4  internal error (a bug: please report it)
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any, Callable, NoReturn

import click

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3
EXIT_INTERNAL = 4


def _fail(code: int, message: str, *, as_json: bool = False, extra: dict[str, Any] | None = None) -> NoReturn:
    if as_json:
        payload = {"ok": False, "reason": message, **(extra or {})}
        click.echo(json.dumps(payload))
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Maps the project's exception types to the documented exit codes."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from prover.errors import EnvironmentUnavailable, InvalidInputError, NativeError, RefuteError, VerificationFailed

        as_json = bool(kwargs.get("as_json"))
        try:
            return func(*args, **kwargs)
        except (InvalidInputError, VerificationFailed) as exc:
            _fail(EXIT_INVALID, str(exc), as_json=as_json)
        except EnvironmentUnavailable as exc:
            _fail(EXIT_UNAVAILABLE, str(exc), as_json=as_json)
        except NativeError as exc:
            _fail(EXIT_INTERNAL, f"internal error: {exc}", as_json=as_json)
        except RefuteError as exc:
            _fail(EXIT_INVALID, str(exc), as_json=as_json)
        except OSError as exc:
            _fail(EXIT_INVALID, f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "), as_json=as_json)

    return wrapper


def _emit(data: dict[str, Any], as_json: bool, text: Callable[[dict[str, Any]], str]) -> None:
    if as_json:
        click.echo(json.dumps(data))
    else:
        click.echo(text(data))


def _status(message: str, as_json: bool):
    """A rich spinner on stderr for long work (silent when stderr is not a terminal)."""
    from contextlib import nullcontext

    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        return nullcontext()
    return console.status(message)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """refute: prove an optimistic rollup's state claim wrong with one ZK proof.

    Exit codes: 0 success/accepted, 1 invalid input or rejected, 2 usage error,
    3 not available on this machine, 4 internal error.
    """


@main.command()
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handle_errors
def version(as_json: bool) -> None:
    """Versions: refute, RISC Zero, receipt kinds available here, guest image IDs."""
    from prover.api import version_info

    info = version_info()

    def text(d: dict[str, Any]) -> str:
        lines = [f"refute {d['refute']} (risc0-zkvm {d['risc0_zkvm']})", f"receipt kinds: {', '.join(d['receipt_kinds'])}"]
        lines += [f"guest {name}: {image_id}" for name, image_id in d["guests"].items()] or ["no guests built (make guests)"]
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
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), help="where to write the proof artifact")
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
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handle_errors
def prove(
    guest_name: str, input_file: Path, out_file: Path | None, receipt_kind: str, dev: bool, dry_run: bool, as_json: bool
) -> None:
    """Prove a guest run on INPUT (or --dry-run: execute it only)."""
    from prover.api import dry_run as api_dry_run
    from prover.api import prove_guest
    from prover.zkvm import dev_mode_from_env

    input_bytes = input_file.read_bytes()
    if dry_run:
        with _status(f"executing {guest_name}", as_json):
            result = api_dry_run(guest_name, input_bytes)
        _emit(result, as_json, _prove_text)
        return
    if out_file is None:
        raise click.UsageError("--out is required unless --dry-run is given")
    dev_mode = dev or dev_mode_from_env()
    with _status(f"proving {guest_name} ({'dev mode' if dev_mode else receipt_kind})", as_json):
        result = prove_guest(guest_name, input_bytes, out_file, receipt_kind=receipt_kind, dev_mode=dev_mode)
    if dev_mode:
        click.echo("warning: DEV MODE: the receipt is fake and proves nothing", err=True)
    _emit(result, as_json, _prove_text)


@main.command()
@click.argument("artifact", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--receipt", "receipt_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="receipt or proof artifact file (verified natively)")
@click.option("--image-id", "image_id", help="expected image ID (hex)")
@click.option("--seal", help="on-chain seal: hex or @FILE (pure-Python verifier)")
@click.option("--journal", help="journal: hex or @FILE (with --seal)")
@click.option("--allow-dev", is_flag=True, help="accept dev-mode (fake/mock) receipts")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handle_errors
def verify(
    artifact: Path | None,
    receipt_file: Path | None,
    image_id: str | None,
    seal: str | None,
    journal: str | None,
    allow_dev: bool,
    as_json: bool,
) -> None:
    """Verify a receipt (--receipt), a seal (--seal/--journal) or an ARTIFACT.

    Exit 0 when it verifies, 1 when it does not (reason on stderr), 2 on a usage error.
    """
    from prover import api
    from prover.errors import VerificationFailed

    modes = sum(x is not None for x in (artifact, receipt_file, seal))
    if modes != 1:
        raise click.UsageError("give exactly one of ARTIFACT, --receipt FILE, or --seal (with --journal and --image-id)")
    expected_id = api.parse_image_id(image_id) if image_id else None
    try:
        if receipt_file is not None:
            if expected_id is None:
                raise click.UsageError("--receipt needs --image-id")
            result = api.verify_receipt_file(receipt_file, expected_id, allow_dev=allow_dev)
        elif seal is not None:
            if expected_id is None or journal is None:
                raise click.UsageError("--seal needs --image-id and --journal")
            result = api.verify_seal_args(seal, expected_id, journal, allow_dev=allow_dev)
        else:
            assert artifact is not None
            result = api.verify_artifact_file(artifact, expected_id, allow_dev=allow_dev)
    except VerificationFailed as exc:
        if as_json:
            click.echo(json.dumps({"accepted": False, "reason": str(exc)}))
        click.echo(f"rejected: {exc}", err=True)
        sys.exit(EXIT_INVALID)
    if result.get("dev_mode"):
        click.echo("warning: DEV MODE receipt accepted because --allow-dev was given; it proves nothing", err=True)

    def text(d: dict[str, Any]) -> str:
        return "\n".join(["accepted"] + [f"  {k}: {v}" for k, v in d.items() if k != "accepted"])

    _emit(result, as_json, text)


@main.command()
@click.option("--dev", is_flag=True, help="dev mode: fake receipts (fast, proves nothing)")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handle_errors
def demo(dev: bool, as_json: bool) -> None:
    """The main job on the built-in devnet: prove and verify end to end."""
    from prover.demo import run_demo

    result = run_demo(dev_mode=dev, progress=not as_json)
    _emit(result, as_json, lambda d: "\n".join(f"{k}: {v}" for k, v in d.items()))


# --- data availability commands (issue 3) ---


# --- block execution commands (issue 4) ---


if __name__ == "__main__":  # pragma: no cover
    main()
