//! The C ABI conventions every exported function follows.
//!
//! Why a convention instead of ad-hoc signatures: Python (cffi) must be able to
//! call any function the same way, free every buffer exactly once, and never see
//! a Rust panic unwind across the boundary (that is undefined behaviour).
//!
//! * Inputs are `(ptr, len)` byte slices borrowed for the duration of the call;
//!   `ptr` may be NULL only when `len == 0`.
//! * Every function returns a [`RefuteResult`] by value. `status` is one of the
//!   `REFUTE_STATUS_*` codes. On success `data` holds the output bytes (raw bytes
//!   or UTF-8 JSON, as the function documents) and `error` is empty; otherwise
//!   `error` holds a UTF-8 message and `data` is empty.
//! * Both buffers are owned by Rust and must be released with
//!   [`refute_result_free`] (which accepts empty buffers and is idempotent on
//!   the zeroed result it leaves behind when called through a pointer).
//! * Panics are caught and reported as `REFUTE_STATUS_INTERNAL`.

use std::panic::{catch_unwind, AssertUnwindSafe};

/// Success: `data` holds the output.
pub const REFUTE_STATUS_OK: i32 = 0;
/// The input was well-formed at the ABI level but is invalid or was rejected
/// (bad ELF, receipt that does not verify, malformed blob, ...).
pub const REFUTE_STATUS_INVALID: i32 = 1;
/// A bug or an environment problem (panic, missing prover component, I/O).
pub const REFUTE_STATUS_INTERNAL: i32 = 2;
/// An argument violated the ABI contract (NULL pointer with non-zero length, bad UTF-8).
pub const REFUTE_STATUS_BAD_ARGUMENT: i32 = 3;
/// The request needs something this machine lacks (a Docker engine, CUDA).
pub const REFUTE_STATUS_UNAVAILABLE: i32 = 4;

/// A byte buffer allocated by Rust and handed to the caller.
#[repr(C)]
pub struct RefuteBuffer {
    pub ptr: *mut u8,
    pub len: usize,
}

impl RefuteBuffer {
    fn empty() -> Self {
        RefuteBuffer { ptr: std::ptr::null_mut(), len: 0 }
    }

    fn from_vec(bytes: Vec<u8>) -> Self {
        if bytes.is_empty() {
            return Self::empty();
        }
        // A boxed slice has capacity == len, so it can be rebuilt from (ptr, len) alone.
        let boxed = bytes.into_boxed_slice();
        let len = boxed.len();
        let ptr = Box::into_raw(boxed) as *mut u8;
        RefuteBuffer { ptr, len }
    }

    /// Frees the buffer; safe on an empty one.
    unsafe fn release(&mut self) {
        if !self.ptr.is_null() {
            let slice = std::ptr::slice_from_raw_parts_mut(self.ptr, self.len);
            drop(Box::from_raw(slice));
        }
        self.ptr = std::ptr::null_mut();
        self.len = 0;
    }
}

/// What every exported function returns.
#[repr(C)]
pub struct RefuteResult {
    pub status: i32,
    pub data: RefuteBuffer,
    pub error: RefuteBuffer,
}

/// An error crossing the boundary: a status code and a message.
#[derive(Debug)]
pub struct FfiError {
    pub status: i32,
    pub message: String,
}

impl FfiError {
    pub fn invalid(message: impl Into<String>) -> Self {
        FfiError { status: REFUTE_STATUS_INVALID, message: message.into() }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        FfiError { status: REFUTE_STATUS_INTERNAL, message: message.into() }
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        FfiError { status: REFUTE_STATUS_UNAVAILABLE, message: message.into() }
    }

    pub fn bad_argument(message: impl Into<String>) -> Self {
        FfiError { status: REFUTE_STATUS_BAD_ARGUMENT, message: message.into() }
    }
}

pub type FfiResult<T> = Result<T, FfiError>;

/// Borrows an input slice, enforcing the NULL/len contract.
///
/// # Safety
/// `ptr` must point to `len` readable bytes that stay valid for `'a`.
pub unsafe fn input<'a>(ptr: *const u8, len: usize, what: &str) -> FfiResult<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(FfiError::bad_argument(format!("{what}: NULL pointer with length {len}")));
    }
    Ok(std::slice::from_raw_parts(ptr, len))
}

/// Borrows an input slice that must be UTF-8 text.
///
/// # Safety
/// Same as [`input`].
pub unsafe fn input_str<'a>(ptr: *const u8, len: usize, what: &str) -> FfiResult<&'a str> {
    let bytes = input(ptr, len, what)?;
    std::str::from_utf8(bytes).map_err(|e| FfiError::bad_argument(format!("{what}: not UTF-8: {e}")))
}

/// Runs `body`, converting its outcome, and any panic, into a [`RefuteResult`].
pub fn run(body: impl FnOnce() -> FfiResult<Vec<u8>>) -> RefuteResult {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(data)) => RefuteResult {
            status: REFUTE_STATUS_OK,
            data: RefuteBuffer::from_vec(data),
            error: RefuteBuffer::empty(),
        },
        Ok(Err(err)) => RefuteResult {
            status: err.status,
            data: RefuteBuffer::empty(),
            error: RefuteBuffer::from_vec(err.message.into_bytes()),
        },
        Err(payload) => {
            let message = if let Some(s) = payload.downcast_ref::<&str>() {
                (*s).to_string()
            } else if let Some(s) = payload.downcast_ref::<String>() {
                s.clone()
            } else {
                "unknown panic payload".to_string()
            };
            RefuteResult {
                status: REFUTE_STATUS_INTERNAL,
                data: RefuteBuffer::empty(),
                error: RefuteBuffer::from_vec(format!("internal error (panic): {message}").into_bytes()),
            }
        }
    }
}

/// Serialises a value as JSON output bytes.
pub fn json<T: serde::Serialize>(value: &T) -> FfiResult<Vec<u8>> {
    serde_json::to_vec(value).map_err(|e| FfiError::internal(format!("JSON encoding failed: {e}")))
}

/// Releases both buffers of a result returned by any `refute_*` function.
///
/// # Safety
/// `result` must point to a `RefuteResult` produced by this library (or be NULL).
/// Calling it twice on the same pointer is harmless: the buffers are zeroed.
#[no_mangle]
pub unsafe extern "C" fn refute_result_free(result: *mut RefuteResult) {
    if result.is_null() {
        return;
    }
    (*result).data.release();
    (*result).error.release();
}
