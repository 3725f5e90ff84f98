//! Transaction sender recovery (secp256k1 public-key recovery).
//!
//! Why not `recover_signer` from alloy: it goes through `ecdsa`'s
//! `recover_from_prehash`, which re-verifies the signature against the key it
//! just recovered — a second full scalar multiplication that cannot fail for a
//! key obtained this way — and its software field arithmetic costs millions of
//! zkVM cycles. [`crate::secp256k1`] recovers the key once, with the zkVM's
//! 256-bit multiplication accelerator in the guest. The rules are the same:
//! r and s in [1, n), s ≤ n/2 (EIP-2), R must be on the curve, the key must
//! not be the point at infinity.

use alloy_consensus::{EthereumTxEnvelope, TxEip4844};
use alloy_primitives::{Address, B256, U256};

/// Recovers the address that signed `prehash` with (r, s, y parity).
pub fn recover_address(prehash: B256, r: U256, s: U256, y_odd: bool) -> Result<Address, &'static str> {
    crate::secp256k1::recover_address(prehash, r, s, y_odd)
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
        use alloy_primitives::keccak256;
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
