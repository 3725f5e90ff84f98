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
//!   `error` holds the error object (below) and `data` is empty.
//! * The error object is UTF-8 JSON, versioned, the same for every function:
//!   `{"version": 1, "kind": "<kind>", "message": "<text>", "fields": {...}}`.
//!   `kind` is a stable machine-readable name (see [`crate::errors`] for the
//!   list and each kind's fields); `message` is for people. Callers dispatch on
//!   `kind`, never on the message.
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
#[derive(Debug)]
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
    ///
    /// # Safety
    /// `ptr`/`len` must come from [`RefuteBuffer::from_vec`] and not be freed yet.
    unsafe fn release(&mut self) {
        if !self.ptr.is_null() {
            let slice = std::ptr::slice_from_raw_parts_mut(self.ptr, self.len);
            // SAFETY: `slice` is the boxed slice `from_vec` leaked, rebuilt with its exact length.
            drop(unsafe { Box::from_raw(slice) });
        }
        self.ptr = std::ptr::null_mut();
        self.len = 0;
    }
}

/// What every exported function returns.
#[repr(C)]
#[derive(Debug)]
pub struct RefuteResult {
    pub status: i32,
    pub data: RefuteBuffer,
    pub error: RefuteBuffer,
}

/// Version of the error object in `RefuteResult.error`.
pub const ERROR_FORMAT_VERSION: u32 = 1;

/// An error crossing the boundary: a status class, a stable kind, a message and
/// the kind's fields (layer, offset, hash, path, expected/computed, ...).
#[derive(Debug)]
pub struct FfiError {
    pub status: i32,
    pub kind: &'static str,
    pub message: String,
    pub fields: serde_json::Map<String, serde_json::Value>,
}

impl FfiError {
    /// An error of `status` and `kind` with no fields yet.
    pub fn new(status: i32, kind: &'static str, message: impl Into<String>) -> Self {
        FfiError { status, kind, message: message.into(), fields: serde_json::Map::new() }
    }

    /// Adds one field of the error's kind.
    pub fn with(mut self, name: &str, value: impl Into<serde_json::Value>) -> Self {
        self.fields.insert(name.to_string(), value.into());
        self
    }

    /// Invalid input of no more specific kind.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(REFUTE_STATUS_INVALID, "invalid_input", message)
    }

    /// Invalid input of a specific kind.
    pub fn invalid_kind(kind: &'static str, message: impl Into<String>) -> Self {
        Self::new(REFUTE_STATUS_INVALID, kind, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(REFUTE_STATUS_INTERNAL, "internal", message)
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(REFUTE_STATUS_UNAVAILABLE, "unavailable", message)
    }

    pub fn bad_argument(message: impl Into<String>) -> Self {
        Self::new(REFUTE_STATUS_BAD_ARGUMENT, "bad_argument", message)
    }

    /// The error object's JSON bytes.
    pub fn to_json_bytes(&self) -> Vec<u8> {
        let object = serde_json::json!({
            "version": ERROR_FORMAT_VERSION,
            "kind": self.kind,
            "message": self.message,
            "fields": self.fields,
        });
        // Serialising a `Value` built from strings, numbers and maps cannot fail.
        serde_json::to_vec(&object).unwrap_or_default()
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
    // SAFETY: non-NULL, and the caller guarantees `len` readable bytes valid for `'a`.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Borrows an input slice that must be UTF-8 text.
///
/// # Safety
/// Same as [`input`].
pub unsafe fn input_str<'a>(ptr: *const u8, len: usize, what: &str) -> FfiResult<&'a str> {
    // SAFETY: the caller upholds `input`'s contract.
    let bytes = unsafe { input(ptr, len, what) }?;
    std::str::from_utf8(bytes).map_err(|e| FfiError::bad_argument(format!("{what}: not UTF-8: {e}")))
}

/// Runs `body`, converting its outcome, and any panic, into a [`RefuteResult`].
pub fn run(body: impl FnOnce() -> FfiResult<Vec<u8>>) -> RefuteResult {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(data)) => {
            RefuteResult { status: REFUTE_STATUS_OK, data: RefuteBuffer::from_vec(data), error: RefuteBuffer::empty() }
        }
        Ok(Err(err)) => RefuteResult {
            status: err.status,
            data: RefuteBuffer::empty(),
            error: RefuteBuffer::from_vec(err.to_json_bytes()),
        },
        Err(payload) => {
            let message = if let Some(s) = payload.downcast_ref::<&str>() {
                (*s).to_string()
            } else if let Some(s) = payload.downcast_ref::<String>() {
                s.clone()
            } else {
                "unknown panic payload".to_string()
            };
            let err = FfiError::new(REFUTE_STATUS_INTERNAL, "panic", format!("internal error (panic): {message}"));
            RefuteResult {
                status: err.status,
                data: RefuteBuffer::empty(),
                error: RefuteBuffer::from_vec(err.to_json_bytes()),
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
    // SAFETY: non-NULL and, by the contract, a result this library produced.
    unsafe {
        (*result).data.release();
        (*result).error.release();
    }
}
