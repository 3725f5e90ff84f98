//! refute's native core: the Rust side of the toolkit, exported through a C ABI
//! that Python loads with cffi (built by maturin with `bindings = "cffi"`).
//!
//! The ABI conventions (buffers, status codes, panics) are in [`ffi`].

pub mod crosscheck;
pub mod da;
pub mod devnet;
pub mod errors;
pub mod fault;
pub mod ffi;
pub mod segments;
pub mod stf;
pub mod zkvm;
