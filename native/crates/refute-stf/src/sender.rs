//! Transaction sender recovery (secp256k1 public-key recovery).
//!
//! Why not `recover_signer` from alloy: it goes through `ecdsa`'s
//! `recover_from_prehash`, which re-verifies the signature against the key it
//! just recovered — a second full scalar multiplication that cannot fail for a
//! key obtained this way. In the zkVM, where secp256k1 is the largest cost of a
//! transaction, that doubles the price. The rules are the same: r and s in
//! [1, n), s ≤ n/2 (EIP-2), R must be on the curve, the key must not be the
//! point at infinity.

use alloy_consensus::{EthereumTxEnvelope, TxEip4844};
use alloy_primitives::{keccak256, Address, B256, U256};
use k256::{
    elliptic_curve::{
        ops::{LinearCombination, Reduce},
        point::DecompressPoint,
        sec1::ToEncodedPoint,
        subtle::Choice,
        PrimeField,
    },
    AffinePoint, FieldBytes, ProjectivePoint, Scalar,
};

/// secp256k1's group order n, halved (EIP-2's bound on s).
const HALF_N: U256 = U256::from_be_slice(&[
    0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x5D, 0x57, 0x6E,
    0x73, 0x57, 0xA4, 0x50, 0x1D, 0xDF, 0xE9, 0x2F, 0x46, 0x68, 0x1B, 0x20, 0xA0,
]);

/// Recovers the address that signed `prehash` with (r, s, y parity).
pub fn recover_address(prehash: B256, r: U256, s: U256, y_odd: bool) -> Result<Address, &'static str> {
    if s > HALF_N {
        return Err("s is above secp256k1n/2 (EIP-2)");
    }
    let r_bytes: FieldBytes = r.to_be_bytes::<32>().into();
    let r_scalar = Option::<Scalar>::from(Scalar::from_repr(r_bytes)).ok_or("r is not below the group order")?;
    let s_scalar = Option::<Scalar>::from(Scalar::from_repr(s.to_be_bytes::<32>().into()))
        .ok_or("s is not below the group order")?;
    if bool::from(r_scalar.is_zero()) || bool::from(s_scalar.is_zero()) {
        return Err("r or s is zero");
    }
    let big_r = Option::<AffinePoint>::from(AffinePoint::decompress(&r_bytes, Choice::from(u8::from(y_odd))))
        .ok_or("r is not the x coordinate of a curve point")?;
    let z = <Scalar as Reduce<k256::U256>>::reduce_bytes(&FieldBytes::from(prehash.0));
    let r_inv = Option::<Scalar>::from(r_scalar.invert()).ok_or("r is not invertible")?;
    let u1 = -(r_inv * z);
    let u2 = r_inv * s_scalar;
    let key = ProjectivePoint::lincomb(&ProjectivePoint::GENERATOR, &u1, &ProjectivePoint::from(big_r), &u2);
    if key == ProjectivePoint::IDENTITY {
        return Err("the recovered key is the point at infinity");
    }
    let encoded = key.to_affine().to_encoded_point(false);
    Ok(Address::from_slice(&keccak256(&encoded.as_bytes()[1..])[12..]))
}

/// The sender of a transaction.
pub fn recover_sender(tx: &EthereumTxEnvelope<TxEip4844>) -> Result<Address, &'static str> {
    let sig = tx.signature();
    recover_address(tx.signature_hash(), sig.r(), sig.s(), sig.v())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn matches_alloy_on_random_hashes() {
        // Real-looking signatures: sign with k256 and compare with alloy's recovery.
        use k256::ecdsa::SigningKey;
        for i in 1u8..20 {
            let key = SigningKey::from_bytes(&[i; 32].into()).unwrap();
            let hash = keccak256([i]);
            let (sig, rid) = key.sign_prehash_recoverable(hash.as_slice()).unwrap();
            let sig = alloy_primitives::Signature::from_signature_and_parity(sig, rid.is_y_odd());
            let ours = recover_address(hash, sig.r(), sig.s(), sig.v());
            let theirs = sig.recover_address_from_prehash(&hash).map_err(|_| "alloy failed");
            assert_eq!(ours, theirs);
            // The malleated twin (n - s, other parity) recovers the same key but is invalid (EIP-2).
            let n =
                U256::from_str_radix("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16).unwrap();
            assert!(recover_address(hash, sig.r(), n - sig.s(), !sig.v()).is_err());
        }
    }
}
