//! `refute-pack-guest ELF OUT`: wraps a guest ELF with the v1compat kernel into a
//! RISC Zero program binary at OUT and prints its image ID (hex).
//!
//! Used by `guest/build.py`; it runs before the Python package exists, which is
//! why this is a binary and not a call through the cffi core.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: refute-pack-guest ELF OUT");
        return ExitCode::from(2);
    }
    match pack(&args[1], &args[2]) {
        Ok(id) => {
            println!("{id}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(1)
        }
    }
}

/// Packs the ELF at `elf_path` into `out_path` and returns the image ID in hex.
fn pack(elf_path: &str, out_path: &str) -> Result<String, String> {
    let elf = std::fs::read(elf_path).map_err(|e| format!("cannot read {elf_path}: {e}"))?;
    let program = refute_pack::pack_elf(&elf).map_err(|e| format!("{elf_path}: {e}"))?;
    let id = refute_pack::image_id(&program).map_err(|e| format!("{out_path}: {e}"))?;
    std::fs::write(out_path, &program).map_err(|e| format!("cannot write {out_path}: {e}"))?;
    Ok(hex::encode(id))
}
