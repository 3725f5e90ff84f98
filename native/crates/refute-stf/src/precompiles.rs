//! revm's precompile crypto provider for the zkVM guests.
//!
//! Why: revm's `ecrecover` precompile (0x01) runs k256 in software, millions of
//! cycles per call in the zkVM, and contracts call it often (permits,
//! multisigs, account abstraction); its BN254 precompiles (0x06–0x08) run
//! arkworks in software, tens of millions per pairing check, for every
//! on-chain SNARK verifier; its SHA-256 precompile (0x02) runs the `sha2`
//! crate in software. [`AcceleratedCrypto`] answers them with
//! [`crate::secp256k1`] and [`crate::bn254`], whose arithmetic runs on the
//! bigint accelerator, and [`crate::sha256`] on the SHA accelerator; every
//! other precompile keeps revm's implementation.
//! The guests install it once at start ([`install`]); the tests check it
//! against revm's own backends, including every refusal.

use alloy_primitives::{B256, U256};
use revm::precompile::{install_crypto, Crypto, PrecompileHalt};

/// revm's default crypto, except `ecrecover` on refute's secp256k1 recovery,
/// the BN254 precompiles on refute's BN254 and SHA-256 on the accelerator.
#[derive(Debug, Clone, Copy, Default)]
pub struct AcceleratedCrypto;

impl Crypto for AcceleratedCrypto {
    fn sha256(&self, input: &[u8]) -> [u8; 32] {
        crate::sha256::sha256(&[input])
    }

    fn secp256k1_ecrecover(&self, sig: &[u8; 64], recid: u8, msg: &[u8; 32]) -> Result<[u8; 32], PrecompileHalt> {
        ecrecover(sig, recid, msg).ok_or(PrecompileHalt::Secp256k1RecoverFailed)
    }

    fn bn254_g1_add(&self, p1: &[u8], p2: &[u8]) -> Result<[u8; 64], PrecompileHalt> {
        crate::bn254::g1_add(p1, p2).map_err(bn254_halt)
    }

    fn bn254_g1_mul(&self, point: &[u8], scalar: &[u8]) -> Result<[u8; 64], PrecompileHalt> {
        crate::bn254::g1_mul(point, scalar).map_err(bn254_halt)
    }

    fn bn254_pairing_check(&self, pairs: &[(&[u8], &[u8])]) -> Result<bool, PrecompileHalt> {
        crate::bn254::pairing_check(pairs).map_err(bn254_halt)
    }
}

/// revm's halt for a refused BN254 input. revm slices every input to exact
/// lengths before calling the provider, so a length refusal cannot come from
/// it; it is reported as the pairing's length error.
pub fn bn254_halt(error: crate::bn254::Bn254Error) -> PrecompileHalt {
    use crate::bn254::Bn254Error;
    match error {
        Bn254Error::NotAFieldElement => PrecompileHalt::Bn254FieldPointNotAMember,
        Bn254Error::NotInGroup => PrecompileHalt::Bn254AffineGFailedToCreate,
        Bn254Error::Length { .. } => PrecompileHalt::Bn254PairLength,
    }
}

/// The precompile's 32-byte output (the address, left-padded) for `r ‖ s`,
/// recovery id `recid` (0 or 1) and the message hash, or `None` where revm's
/// k256 backend fails.
pub fn ecrecover(sig: &[u8; 64], recid: u8, msg: &[u8; 32]) -> Option<[u8; 32]> {
    if recid > 1 {
        return None;
    }
    let r = U256::from_be_slice(&sig[..32]);
    let s = U256::from_be_slice(&sig[32..]);
    let address = crate::secp256k1::recover_address_precompile(B256::from(*msg), r, s, recid == 1).ok()?;
    let mut out = [0u8; 32];
    out[12..].copy_from_slice(address.as_slice());
    Some(out)
}

/// Installs [`AcceleratedCrypto`] as revm's crypto provider for the rest of
/// the process; `false` if a provider was installed already.
pub fn install() -> bool {
    install_crypto(AcceleratedCrypto)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{keccak256, B512};
    use k256::ecdsa::SigningKey;
    use proptest::prelude::*;

    const N: U256 = U256::from_limbs([0xbfd2_5e8c_d036_4141, 0xbaae_dce6_af48_a03b, 0xffff_ffff_ffff_fffe, u64::MAX]);

    fn reference(sig: &[u8; 64], recid: u8, msg: &[u8; 32]) -> Option<[u8; 32]> {
        revm::precompile::secp256k1::ecrecover(&B512::from(*sig), recid, &B256::from(*msg)).ok().map(|h| h.0)
    }

    fn signature(r: U256, s: U256) -> [u8; 64] {
        let mut sig = [0u8; 64];
        sig[..32].copy_from_slice(&r.to_be_bytes::<32>());
        sig[32..].copy_from_slice(&s.to_be_bytes::<32>());
        sig
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn real_signatures_and_their_high_s_twins(secret in any::<[u8; 32]>(), message in any::<[u8; 20]>()) {
            let Ok(key) = SigningKey::from_bytes(&secret.into()) else { return Ok(()) };
            let msg = keccak256(message).0;
            let (sig, recid) = key.sign_prehash_recoverable(&msg).unwrap_or_else(|e| panic!("{e}"));
            let (r, s) = (U256::from_be_slice(&sig.r().to_bytes()), U256::from_be_slice(&sig.s().to_bytes()));
            let recid = recid.to_byte();
            for (s, recid) in [(s, recid), (N - s, recid ^ 1), (s, recid ^ 1), (N - s, recid)] {
                let sig = signature(r, s);
                let ours = ecrecover(&sig, recid, &msg);
                prop_assert_eq!(ours, reference(&sig, recid, &msg));
            }
            let ours = ecrecover(&signature(r, s), recid, &msg).unwrap_or_default();
            let expected = keccak256(&key.verifying_key().to_encoded_point(false).as_bytes()[1..]);
            prop_assert_eq!(&ours[12..], &expected[12..]);
        }

        #[test]
        fn arbitrary_inputs(sig in any::<[u8; 64]>(), recid in 0u8..2, msg in any::<[u8; 32]>()) {
            prop_assert_eq!(ecrecover(&sig, recid, &msg), reference(&sig, recid, &msg));
        }
    }

    #[test]
    fn boundary_scalars() {
        let msg = keccak256(b"boundary").0;
        let values = [
            U256::ZERO,
            U256::from(1),
            N / U256::from(2),
            N / U256::from(2) + U256::from(1),
            N - U256::from(1),
            N,
            U256::MAX,
        ];
        for r in values {
            for s in values {
                for recid in 0..2 {
                    let sig = signature(r, s);
                    assert_eq!(ecrecover(&sig, recid, &msg), reference(&sig, recid, &msg), "r {r} s {s} recid {recid}");
                }
            }
        }
        assert_eq!(ecrecover(&signature(U256::from(1), U256::from(1)), 2, &msg), None);
    }
}
