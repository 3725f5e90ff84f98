//! EigenDA SRS parsing and BN254 commitments against the shared fixtures.
#![cfg(feature = "bn254")]
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use refute_da::bn254;

#[test]
fn test_srs_decompresses_to_published_points() {
    let Some(srs) = common::read("eigenda/srs-test-3000/g1.point") else { return };
    let Some(text) = common::read("eigenda/rust-kzg-bn254/srs.g1.points.string") else { return };
    let points = bn254::load_g1(&srs, 3000).unwrap();
    let text = String::from_utf8(text).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 3000);
    let mut wrong = Vec::new();
    for (i, (p, line)) in points.iter().zip(lines).enumerate() {
        let (x, y) = bn254::g1_decimal(p);
        if format!("{x},{y}") != line.trim() {
            wrong.push(format!("point {i}: decompressed to {x},{y}, published {}", line.trim()));
        }
        if bn254::g1_compress(p).as_slice() != &srs[i * 32..i * 32 + 32] {
            wrong.push(format!("point {i}: does not recompress to its SRS bytes"));
        }
    }
    assert!(wrong.is_empty(), "{} of 3000 points wrong:\n{}", wrong.len(), wrong.join("\n"));
    assert_eq!(bn254::g1_decimal(&points[0]), ("1".to_string(), "2".to_string()));
}

#[test]
fn blob_symbols_match_published_field_elements() {
    let Some(blob) = common::read("eigenda/rust-kzg-bn254/blobs.txt") else { return };
    let Some(text) = common::read("eigenda/rust-kzg-bn254/blobs-from-fr.txt") else { return };
    let scalars = bn254::blob_scalars(&blob).unwrap();
    let text = String::from_utf8(text).unwrap();
    let expected: Vec<&str> =
        text.lines().filter(|l| !l.trim().is_empty()).map(|l| l.split(',').next().unwrap().trim()).collect();
    assert_eq!(scalars.len(), expected.len());
    use ark_ff::PrimeField;
    let wrong: Vec<String> = scalars
        .iter()
        .zip(&expected)
        .enumerate()
        .filter(|(_, (s, e))| format!("{}", s.into_bigint()) != **e)
        .map(|(i, (s, e))| format!("symbol {i}: {} != published {e}", s.into_bigint()))
        .collect();
    assert!(wrong.is_empty(), "{} of {} symbols wrong:\n{}", wrong.len(), expected.len(), wrong.join("\n"));
}

#[test]
fn commitment_is_linear_and_rejects_tampering() {
    let Some(srs) = common::read("eigenda/srs-test-3000/g1.point") else { return };
    let g1 = bn254::load_g1(&srs, 64).unwrap();
    let blob = refute_da::eigenda::encode(b"refute eigenda commitment test payload").unwrap();
    let c = bn254::commit(&blob, &g1).unwrap();
    let again = bn254::parse_commitment(&bn254::g1_to_bytes(&c)).unwrap();
    assert_eq!(c, again);
    assert_eq!(bn254::parse_commitment(&bn254::g1_compress(&c)).unwrap(), c);
    let mut tampered = blob.clone();
    tampered[40] ^= 1;
    assert_ne!(bn254::commit(&tampered, &g1).unwrap(), c);
    // A single symbol s commits to s * G1 generator.
    let mut one = vec![0u8; 32];
    one[31] = 1;
    assert_eq!(bn254::commit(&one, &g1).unwrap(), g1[0]);
}
