//! A byte cursor that knows its absolute offset, so every error can say where.

use alloc::format;

use crate::error::{DaError, Layer};

pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    /// Offset of `data[0]` inside the layer's input.
    base: usize,
    layer: Layer,
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8], base: usize, layer: Layer) -> Self {
        Reader { data, pos: 0, base, layer }
    }

    /// Absolute offset of the cursor.
    pub fn offset(&self) -> usize {
        self.base + self.pos
    }

    pub fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    pub fn err(&self, msg: impl Into<alloc::string::String>) -> DaError {
        DaError::new(self.layer, self.offset(), msg)
    }

    pub fn bytes(&mut self, n: usize, what: &str) -> Result<&'a [u8], DaError> {
        if self.remaining() < n {
            return Err(self.err(format!("truncated: {what} needs {n} bytes, {} left", self.remaining())));
        }
        let out = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    pub fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], DaError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.bytes(N, what)?);
        Ok(out)
    }

    /// An unsigned LEB128 varint with Go `binary.ReadUvarint` semantics
    /// (at most 10 bytes, overflow rejected, non-minimal forms accepted).
    pub fn uvarint(&mut self, what: &str) -> Result<u64, DaError> {
        let start = self.offset();
        let mut x: u64 = 0;
        let mut s: u32 = 0;
        for i in 0..10 {
            let Some(&b) = self.data.get(self.pos) else {
                return Err(DaError::new(self.layer, start, format!("truncated varint ({what})")));
            };
            self.pos += 1;
            if b < 0x80 {
                if i == 9 && b > 1 {
                    return Err(DaError::new(self.layer, start, format!("varint overflows u64 ({what})")));
                }
                return Ok(x | (u64::from(b) << s));
            }
            x |= u64::from(b & 0x7f) << s;
            s += 7;
        }
        Err(DaError::new(self.layer, start, format!("varint overflows u64 ({what})")))
    }

    /// A bitlist of `bits` bits: ceil(bits/8) bytes, a big-endian integer whose
    /// bit `i` is entry `i`; bits at or above `bits` must be zero.
    pub fn bitlist(&mut self, bits: usize, what: &str) -> Result<alloc::vec::Vec<bool>, DaError> {
        let start = self.offset();
        let n = bits.div_ceil(8);
        let buf = self.bytes(n, what)?;
        let mut out = alloc::vec::Vec::with_capacity(bits);
        for i in 0..bits {
            out.push(buf[n - 1 - i / 8] >> (i % 8) & 1 == 1);
        }
        if !bits.is_multiple_of(8) && n > 0 && buf[0] >> (bits % 8) != 0 {
            return Err(DaError::new(self.layer, start, format!("{what}: bits set beyond the {bits}-bit length")));
        }
        Ok(out)
    }
}

pub(crate) fn put_uvarint(out: &mut alloc::vec::Vec<u8>, mut x: u64) {
    while x >= 0x80 {
        out.push((x as u8) | 0x80);
        x >>= 7;
    }
    out.push(x as u8);
}

pub(crate) fn put_bitlist(out: &mut alloc::vec::Vec<u8>, bits: &[bool]) {
    let n = bits.len().div_ceil(8);
    let start = out.len();
    out.resize(start + n, 0);
    for (i, &b) in bits.iter().enumerate() {
        if b {
            out[start + n - 1 - i / 8] |= 1 << (i % 8);
        }
    }
}

impl Reader<'_> {
    /// Moves the cursor to absolute offset `abs` (must be inside the data).
    pub fn rewind_to(&mut self, abs: usize) {
        self.pos = abs - self.base;
    }
}
