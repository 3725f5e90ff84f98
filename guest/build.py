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
     (`refute-pack-guest`, the small `native/pack` crate: risc0-binfmt and the
     kernel only, so guests need not wait for the native core's prover);
  3. checks the image ID against the committed lockfile guest/image-ids.json
     (the IDs L1 contracts pin) and refuses a build that differs;
  4. writes refute/prover/guests/<name>.bin and records the image ID in
     refute/prover/guests/manifest.json.

Changing a guest (or anything it compiles) changes its image ID: rebuild it with
`--update-lock` and commit guest/image-ids.json in the same commit.

Reproducibility: the sources a guest compiles (guest/, native/crates/) are
staged at one fixed path, /tmp/refute-guest-build, and built from there: cargo
hashes the absolute path of a path dependency outside the guest workspace
(native/crates/) into every symbol name of that crate, which changes the link
order and so the image ID, so a build from the checkout's own path would give
another image ID in every clone. Paths that still differ between machines
(CARGO_HOME, the target dir, the std source) are remapped, and Cargo.lock is
honoured, so two clean builds of the same commit give byte-identical ELFs and
image IDs wherever the repository is checked out.

Standard library only: it runs before the project's virtualenv exists.
"""

from __future__ import annotations

import argparse
import fcntl
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
DEFAULT_LOCK = GUEST_DIR / "image-ids.json"
#: Where the guest sources are staged and built from (a path every machine has; see the module docstring).
STAGE_DIR = Path("/tmp/refute-guest-build")
LOCK_ABOUT = (
    "Expected image IDs of refute's guests, as built by guest/build.py from this commit. "
    "A build that differs fails; a deliberate change is `python3 guest/build.py --update-lock NAME`, "
    "committed with the guest change."
)
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


def guest_rustflags(target_dir: Path, repo_dir: Path) -> list[str]:
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
        f"--remap-path-prefix={repo_dir / 'guest'}=/refute/guest",
        f"--remap-path-prefix={repo_dir}=/refute",
        f"--remap-path-prefix={cargo_home}=/cargo",
        f"--remap-path-prefix={target_dir}=/target",
        f"--remap-path-prefix={RUST_SRC.parent}=/rustc-src",
    ]


def guest_env(target_dir: Path, repo_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUSTUP_", "CARGO_ENCODED_RUSTFLAGS"))}
    env.pop("RUSTFLAGS", None)
    env.update(
        {
            "RUSTC": str(DEBIAN_RUSTC),
            "RUSTC_BOOTSTRAP": "1",
            "CARGO_TARGET_DIR": str(target_dir),
            "CARGO_ENCODED_RUSTFLAGS": "\x1f".join(guest_rustflags(target_dir, repo_dir)),
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


def pack_tool_path() -> Path:
    """Where `build_pack_tool` leaves `refute-pack-guest`.

    Its own target dir: the native core's build (maturin, in ``CARGO_TARGET_DIR``)
    can then run beside the guest build instead of holding cargo's lock on a
    shared target dir for most of an hour on a cold machine.
    """
    return cache_dir() / "pack-target" / "release" / "refute-pack-guest"


def build_pack_tool() -> Path:
    """Builds `refute-pack-guest` with the host toolchain (rustup's, first on PATH).

    ``REFUTE_PACK_GUEST`` names an already built tool instead (tests use it to
    build guests from a copy of the sources without rebuilding the tool).
    """
    prebuilt = os.environ.get("REFUTE_PACK_GUEST")
    if prebuilt:
        if not Path(prebuilt).is_file():
            raise GuestBuildError(f"REFUTE_PACK_GUEST={prebuilt} is not a file")
        return Path(prebuilt)
    tool = pack_tool_path()
    env = dict(os.environ, CARGO_TARGET_DIR=str(tool.parent.parent))
    run(
        ["cargo", "build", "--release", "--locked", "-p", "refute-pack", "--bin", "refute-pack-guest"],
        env=env,
        cwd=NATIVE_DIR,
        what="building refute-pack-guest",
    )
    if not tool.exists():
        raise GuestBuildError(f"refute-pack-guest not found at {tool}")
    return tool


def stage_sources(stage: Path) -> Path:
    """Copies what the guests compile to ``stage`` (the repository's layout) and returns it.

    Cargo judges freshness by content here (``-Zchecksum-freshness``), so an
    unchanged guest is not rebuilt even from a fresh clone, whose files are all
    newer than the last build; only the guest workspace, the shared crates and
    the files their manifests read are staged.
    """
    ignore = shutil.ignore_patterns("target", "__pycache__", "*.bin")
    if stage.exists():
        try:
            shutil.rmtree(stage)
        except OSError as exc:
            raise GuestBuildError(f"cannot clear the guest staging dir {stage}: {exc}") from exc
    shutil.copytree(GUEST_DIR, stage / "guest", ignore=ignore)
    shutil.copytree(NATIVE_DIR / "crates", stage / "native" / "crates", ignore=ignore)
    # The shared crates' workspace root is also the native core's package, which cargo parses.
    shutil.copytree(NATIVE_DIR / "src", stage / "native" / "src", ignore=ignore)
    shutil.copytree(NATIVE_DIR / "pack", stage / "native" / "pack", ignore=ignore)
    for name in ("Cargo.toml", "Cargo.lock"):
        shutil.copy2(NATIVE_DIR / name, stage / "native" / name)
    shutil.copy2(REPO_DIR / "rustfmt.toml", stage / "rustfmt.toml")
    return stage


def build_elfs(names: list[str], target_dir: Path, repo_dir: Path) -> dict[str, Path]:
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
            # Freshness by content, not mtime: the sources are staged afresh from
            # every checkout (a fresh clone's files are all new), and an unchanged
            # guest should not be recompiled because its copies are newer.
            "-Zchecksum-freshness",
            "-p",
            f"refute-guest-{name}",
        ]
        run(cmd, env=guest_env(target_dir, repo_dir), cwd=repo_dir / "guest", what=f"guest build of {name}")
        elf = target_dir / TARGET / "release" / name
        if not elf.exists():
            raise GuestBuildError(f"guest build produced no ELF for {name} at {elf}")
        elfs[name] = elf
    return elfs


def read_lock(lock: Path) -> dict[str, str]:
    """The committed image IDs, {name: "0x…"}; empty when the lockfile does not exist yet."""
    if not lock.exists():
        return {}
    try:
        data = json.loads(lock.read_text())
        ids = data["image_ids"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise GuestBuildError(f"{lock}: not an image-ID lockfile ({exc})") from exc
    if not isinstance(ids, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in ids.items()):
        raise GuestBuildError(f"{lock}: image_ids must map guest names to hex strings")
    return ids


def write_lock(lock: Path, ids: dict[str, str]) -> None:
    lock.write_text(json.dumps({"about": LOCK_ABOUT, "image_ids": dict(sorted(ids.items()))}, indent=2) + "\n")


def check_locked(name: str, image_id: str, locked: dict[str, str], lock: Path) -> None:
    """Refuses an image ID the lockfile does not name: contracts pin these IDs."""
    expected = locked.get(name)
    fix = f"python3 guest/build.py --update-lock {name}"
    if expected is None:
        raise GuestBuildError(
            f"guest {name}: image ID {image_id} is not in {lock}; a new guest is added with `{fix}` "
            "and the lockfile committed with it"
        )
    if expected.lower() != image_id.lower():
        raise GuestBuildError(
            f"guest {name}: this build's image ID {image_id} differs from the committed {expected} in {lock}. "
            f"If you changed the guest or a crate it compiles, run `{fix}` and commit the lockfile with the change; "
            "if you did not, this machine's build is not reproducible (toolchain, Cargo.lock or sources differ "
            "from the commit's) and its proofs would not verify against the published ID"
        )


def build(
    out_dir: Path,
    target_dir: Path,
    names: list[str] | None = None,
    *,
    lock: Path = DEFAULT_LOCK,
    update_lock: bool = False,
) -> dict[str, str]:
    """Builds the guests; returns {name: image_id_hex} and writes out_dir.

    Every image ID is checked against the lockfile before its binary replaces
    the installed one, so a failed check leaves the previous build in place.
    """
    check_toolchain()
    names = names or program_names()
    locked = read_lock(lock)
    tool = build_pack_tool()
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = out_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    built: dict[str, tuple[Path, str]] = {}
    # One build at a time uses the staging dir and the ELFs it leaves in the target dir.
    with open(STAGE_DIR.with_suffix(".lock"), "w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        elfs = build_elfs(names, target_dir, stage_sources(STAGE_DIR))
        for name, elf in elfs.items():
            staged = out_dir / f".{name}.bin.new"
            image_id = "0x" + run([str(tool), str(elf), str(staged)], what=f"packing {name}").strip()
            built[name] = (staged, image_id)
    try:
        if not update_lock:
            for name, (_, image_id) in built.items():
                check_locked(name, image_id, locked, lock)
    except GuestBuildError:
        for staged, _ in built.values():
            staged.unlink(missing_ok=True)
        raise
    for name, (staged, image_id) in built.items():
        program = out_dir / f"{name}.bin"
        staged.replace(program)
        manifest[name] = {"image_id": image_id, "binary": program.name}
        print(f"guest {name}: image ID {image_id} ({program.stat().st_size} bytes)", file=sys.stderr)
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    if update_lock:
        write_lock(lock, {**locked, **{name: image_id for name, (_, image_id) in built.items()}})
        print(f"updated {lock}: commit it with the guest change", file=sys.stderr)
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
    parser.add_argument("--lock", type=Path, default=DEFAULT_LOCK, help="the image-ID lockfile to check against")
    parser.add_argument(
        "--update-lock",
        action="store_true",
        help="record this build's image IDs in the lockfile instead of checking them (a deliberate guest change)",
    )
    parser.add_argument("programs", nargs="*", help="guest packages to build (default: all under guest/programs)")
    args = parser.parse_args(argv)
    target_dir = (args.target_dir or cache_dir() / "guest-target").resolve()
    if args.clean and target_dir.exists():
        shutil.rmtree(target_dir)
    try:
        ids = build(
            args.out_dir.resolve(),
            target_dir,
            args.programs or None,
            lock=args.lock.resolve(),
            update_lock=args.update_lock,
        )
    except GuestBuildError as exc:
        print(f"guest build: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(ids, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
