//! refute-da: decoders for the data a rollup sequencer publishes.
//!
//! Written once, in `no_std` + `alloc` Rust, because the fault-proof guest must
//! decode exactly what the host decodes: the zkVM guest (`guest/programs/da`)
//! and the native core (`native/src/da.rs`, called from Python) both link this
//! crate. Every decoder is strict and returns a [`DaError`] naming the layer
//! (blob, frame, channel, batch, tx) and the byte offset where the input went
//! wrong; sizes are capped so hostile input cannot exhaust memory.
//!
//! Modules, one job each: [`blob`] (OP blob v0), [`eigenda`] (EigenDA payload
//! encoding), [`frame`], [`channel`] (assembly rules), [`compress`] (zlib /
//! brotli with a cap), [`batch`] (singular and span batches), [`derive`]
//! (blocks and signed transactions), [`pipeline`] (all of it), [`wire`] (the
//! request format the guest reads). `bn254` (host only) checks EigenDA KZG
//! commitments.
#![no_std]
extern crate alloc;

pub mod batch;
pub mod blob;
#[cfg(feature = "bn254")]
pub mod bn254;
pub mod channel;
pub mod compress;
pub mod derive;
pub mod eigenda;
pub mod error;
pub mod frame;
pub mod pipeline;
mod reader;
pub mod wire;

pub use error::{DaError, DaResult, Layer};
