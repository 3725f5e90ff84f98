//! Guest packing: a user ELF plus the v1compat kernel make a RISC Zero program
//! binary, and the binary's image ID is what the L1 contracts pin.
//!
//! One implementation for both callers: `refute-pack-guest` (which
//! `guest/build.py` runs before the Python package exists) and the native
//! core's `refute_pack_elf` / image-ID calls.

use std::fmt;

use risc0_binfmt::ProgramBinary;

/// Refuse guest binaries larger than this (the zkVM's whole address space is 3 GiB;
/// real programs are a few MiB).
pub const MAX_PROGRAM_BYTES: usize = 256 * 1024 * 1024;

/// Why an ELF or a program binary was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackError {
    /// The input is larger than [`MAX_PROGRAM_BYTES`].
    TooLarge { what: &'static str, bytes: usize },
    /// The user ELF does not start with the ELF magic.
    NotElf,
    /// `risc0-binfmt` could not parse the program binary or one of its ELFs.
    Malformed(String),
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge { what, bytes } => write!(f, "{what} is {bytes} bytes; the limit is {MAX_PROGRAM_BYTES}"),
            Self::NotElf => write!(f, "ELF: missing \\x7fELF magic at offset 0"),
            Self::Malformed(reason) => write!(f, "program binary: {reason}"),
        }
    }
}

impl std::error::Error for PackError {}

/// Wraps a user ELF with the v1compat kernel into a RISC Zero program binary.
pub fn pack_elf(user_elf: &[u8]) -> Result<Vec<u8>, PackError> {
    if user_elf.len() > MAX_PROGRAM_BYTES {
        return Err(PackError::TooLarge { what: "ELF", bytes: user_elf.len() });
    }
    if !user_elf.starts_with(b"\x7fELF") {
        return Err(PackError::NotElf);
    }
    let blob = ProgramBinary::new(user_elf, risc0_zkos_v1compat::V1COMPAT_ELF).encode();
    // Computing the image ID fully parses both ELFs, so a bad one is rejected here
    // rather than at prove time.
    image_id(&blob)?;
    Ok(blob)
}

/// The image ID of a program binary.
pub fn image_id(program: &[u8]) -> Result<[u8; 32], PackError> {
    if program.len() > MAX_PROGRAM_BYTES {
        return Err(PackError::TooLarge { what: "program", bytes: program.len() });
    }
    let id = risc0_binfmt::compute_image_id(program).map_err(|e| PackError::Malformed(format!("{e:#}")))?;
    let mut bytes = [0u8; 32];
    bytes.copy_from_slice(id.as_bytes());
    Ok(bytes)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_an_elf() {
        assert_eq!(pack_elf(b"#!/bin/sh\n"), Err(PackError::NotElf));
        assert_eq!(pack_elf(b""), Err(PackError::NotElf));
    }

    #[test]
    fn refuses_a_truncated_elf() {
        assert!(matches!(pack_elf(b"\x7fELF\x01\x01\x01"), Err(PackError::Malformed(_))));
    }

    #[test]
    fn refuses_a_program_binary_that_is_not_one() {
        assert!(matches!(image_id(&[0u8; 64]), Err(PackError::Malformed(_))));
    }
}
