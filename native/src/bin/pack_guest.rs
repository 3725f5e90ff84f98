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
    let elf = match std::fs::read(&args[1]) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cannot read {}: {e}", args[1]);
            return ExitCode::from(1);
        }
    };
    let program = match refute_native::zkvm::pack_elf(&elf) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{}: {}", args[1], e.message);
            return ExitCode::from(1);
        }
    };
    let id = match refute_native::zkvm::image_id(&program) {
        Ok(id) => id,
        Err(e) => {
            eprintln!("{}: {}", args[2], e.message);
            return ExitCode::from(1);
        }
    };
    if let Err(e) = std::fs::write(&args[2], &program) {
        eprintln!("cannot write {}: {e}", args[2]);
        return ExitCode::from(1);
    }
    println!("{}", hex::encode(id.as_bytes()));
    ExitCode::SUCCESS
}
