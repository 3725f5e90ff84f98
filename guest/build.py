#!/usr/bin/env python3
"""Build refute's RISC Zero guests without rzup or Docker.

Why this exists: RISC Zero's own builder (risc0-build) needs the toolchain that
`rzup` downloads, which these machines cannot fetch. The zkVM target
`riscv32im-risc0-zkvm-elf` is built into upstream rustc, so Debian's rustc
(package rustc-web) plus the standard library source (rust-web-src) can build
guests with `-Zbuild-std`, the same rustflags risc0-build passes, and rust-lld.

For every package guest/programs/NAME (package `refute-guest-NAME`, binary NAME)
this script:
  1. compiles it for riscv32im-risc0-zkvm-elf (release, --locked);
  2. wraps the ELF with the v1compat kernel into a program binary
     (`refute-pack-guest`, a small binary of the native crate);
  3. writes refute/prover/guests/<name>.bin and records the image ID in
     refute/prover/guests/manifest.json.

Reproducibility: paths that differ between checkouts (the clone, CARGO_HOME,
the target dir, the std source) are remapped, and Cargo.lock is honoured, so two
clean builds of the same commit give byte-identical ELFs and image IDs.

Standard library only: it runs before the project's virtualenv exists.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

GUEST_DIR = Path(__file__).resolve().parent
REPO_DIR = GUEST_DIR.parent
NATIVE_DIR = REPO_DIR / "native"
DEFAULT_OUT_DIR = REPO_DIR / "refute" / "prover" / "guests"
TARGET = "riscv32im-risc0-zkvm-elf"

# risc0_zkvm_platform::memory::TEXT_START (risc0-zkvm-platform 2.2.x); risc0-build
# links user guests at this address.
TEXT_START = 0x0020_0800

# Where Debian's packages put the toolchain (see README "Guest build pipeline").
DEBIAN_RUSTC = Path("/usr/bin/rustc")
DEBIAN_CARGO = Path("/usr/bin/cargo")
RUST_LLD = Path("/usr/bin/rust-lld")
RUST_SRC = Path("/usr/lib/rustlib/src/rust/library")


class GuestBuildError(RuntimeError):
    """A guest could not be built; the message says which step and why."""


def cache_dir() -> Path:
    """Build caches live outside the clone so CI runs and other clones reuse them."""
    base = os.environ.get("REFUTE_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "refute"
    )
    return Path(base)


def check_toolchain() -> None:
    missing = [str(p) for p in (DEBIAN_RUSTC, DEBIAN_CARGO, RUST_LLD) if not p.exists()]
    if not (RUST_SRC / "std" / "Cargo.toml").exists():
        missing.append(str(RUST_SRC))
    if missing:
        raise GuestBuildError(
            "guest toolchain missing: "
            + ", ".join(missing)
            + " (install with: apt-get install rustc-web cargo-web rust-web-src lld-19; `make deps` does it)"
        )


def guest_rustflags(target_dir: Path) -> list[str]:
    """The flags risc0-build's encode_rust_flags passes, plus path remapping."""
    cargo_home = Path(os.environ.get("CARGO_HOME") or os.path.expanduser("~/.cargo"))
    return [
        # Guests are single-threaded: replace atomics with plain loads and stores.
        "-C",
        "passes=lower-atomic",
        # Load the program where the zkVM expects user code.
        "-C",
        f"link-arg=-Ttext={TEXT_START:#010x}",
        # A missing entry point is only a linker warning otherwise.
        "-C",
        "link-arg=--fatal-warnings",
        "-C",
        "panic=abort",
        "--cfg",
        'getrandom_backend="custom"',
        "-C",
        f"linker={RUST_LLD}",
        # Reproducibility: no checkout- or machine-specific paths in the binary.
        f"--remap-path-prefix={GUEST_DIR}=/refute/guest",
        f"--remap-path-prefix={REPO_DIR}=/refute",
        f"--remap-path-prefix={cargo_home}=/cargo",
        f"--remap-path-prefix={target_dir}=/target",
        f"--remap-path-prefix={RUST_SRC.parent}=/rustc-src",
    ]


def guest_env(target_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUSTUP_", "CARGO_ENCODED_RUSTFLAGS"))}
    env.pop("RUSTFLAGS", None)
    env.update(
        {
            "RUSTC": str(DEBIAN_RUSTC),
            "RUSTC_BOOTSTRAP": "1",
            "CARGO_TARGET_DIR": str(target_dir),
            "CARGO_ENCODED_RUSTFLAGS": "\x1f".join(guest_rustflags(target_dir)),
            # No C code is compiled for guests; make any attempt fail loudly.
            "CC_riscv32im_risc0_zkvm_elf": "/no-c-compiler-for-refute-guests",
            "CFLAGS_riscv32im_risc0_zkvm_elf": "-march=rv32im -nostdlib",
            # Tells RISC Zero's crypto patches that the bigint2 accelerator exists.
            "RISC0_FEATURE_bigint2": "",
            "SOURCE_DATE_EPOCH": "0",
        }
    )
    return env


def program_names() -> list[str]:
    programs = GUEST_DIR / "programs"
    return sorted(p.name for p in programs.iterdir() if (p / "Cargo.toml").exists())


def run(cmd: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None, what: str) -> str:
    proc = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=None, text=True)
    if proc.returncode != 0:
        raise GuestBuildError(f"{what} failed (exit {proc.returncode}): {' '.join(cmd)}")
    return proc.stdout


def build_pack_tool() -> Path:
    """Builds `refute-pack-guest` with the host toolchain (rustup's, first on PATH).

    ``REFUTE_PACK_GUEST`` names an already built tool instead (tests use it to
    build guests from a copy of the sources without rebuilding the native crate).
    """
    prebuilt = os.environ.get("REFUTE_PACK_GUEST")
    if prebuilt:
        if not Path(prebuilt).is_file():
            raise GuestBuildError(f"REFUTE_PACK_GUEST={prebuilt} is not a file")
        return Path(prebuilt)
    target_dir = Path(os.environ.get("CARGO_TARGET_DIR") or cache_dir() / "target")
    env = dict(os.environ, CARGO_TARGET_DIR=str(target_dir))
    run(
        ["cargo", "build", "--release", "--locked", "--bin", "refute-pack-guest"],
        env=env,
        cwd=NATIVE_DIR,
        what="building refute-pack-guest",
    )
    tool = target_dir / "release" / "refute-pack-guest"
    if not tool.exists():
        raise GuestBuildError(f"refute-pack-guest not found at {tool}")
    return tool


def build_elfs(names: list[str], target_dir: Path) -> dict[str, Path]:
    """One cargo invocation per guest.

    Building several workspace members in one invocation unifies the features of
    their shared dependencies, so a guest's ELF (and image ID) would depend on
    which other guests were built with it. Separate invocations make each image
    ID a function of that guest's own sources and Cargo.lock only.
    """
    elfs = {}
    for name in names:
        cmd = [
            str(DEBIAN_CARGO),
            "build",
            "--release",
            "--locked",
            "--target",
            TARGET,
            "-Zbuild-std=alloc,core,proc_macro,panic_abort,std",
            "-Zbuild-std-features=compiler-builtins-mem",
            "-p",
            f"refute-guest-{name}",
        ]
        run(cmd, env=guest_env(target_dir), cwd=GUEST_DIR, what=f"guest build of {name}")
        elf = target_dir / TARGET / "release" / name
        if not elf.exists():
            raise GuestBuildError(f"guest build produced no ELF for {name} at {elf}")
        elfs[name] = elf
    return elfs


def build(out_dir: Path, target_dir: Path, names: list[str] | None = None) -> dict[str, str]:
    """Builds the guests; returns {name: image_id_hex} and writes out_dir."""
    check_toolchain()
    names = names or program_names()
    tool = build_pack_tool()
    elfs = build_elfs(names, target_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = out_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    for name, elf in elfs.items():
        program = out_dir / f"{name}.bin"
        image_id = run([str(tool), str(elf), str(program)], what=f"packing {name}").strip()
        manifest[name] = {"image_id": "0x" + image_id, "binary": program.name}
        print(f"guest {name}: image ID 0x{image_id} ({program.stat().st_size} bytes)", file=sys.stderr)
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return {n: manifest[n]["image_id"] for n in elfs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR, help="where .bin files and manifest.json go")
    parser.add_argument(
        "--target-dir",
        type=Path,
        default=None,
        help="cargo target dir for guests (default: ~/.cache/refute/guest-target)",
    )
    parser.add_argument("--clean", action="store_true", help="remove the guest target dir first")
    parser.add_argument("programs", nargs="*", help="guest packages to build (default: all under guest/programs)")
    args = parser.parse_args(argv)
    target_dir = (args.target_dir or cache_dir() / "guest-target").resolve()
    if args.clean and target_dir.exists():
        shutil.rmtree(target_dir)
    try:
        ids = build(args.out_dir.resolve(), target_dir, args.programs or None)
    except GuestBuildError as exc:
        print(f"guest build: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(ids, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
