//! What the compiler's hot paths share to avoid work: a fast hasher for tables keyed by the
//! compiler's own data, and per-thread spares that keep tables (with their allocations) from
//! one use to the next.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::thread::LocalKey;

/// A fast hasher for small keys (FxHash's multiply-rotate). Only for tables keyed by the
/// compiler's own data or fixed words, never by anything input can fill: no flooding
/// concerns.
#[derive(Default, Clone, Copy)]
pub(crate) struct Fx(u64);

impl Fx {
    #[inline]
    fn add(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(b));
        }
    }
    fn write_u8(&mut self, v: u8) {
        self.add(u64::from(v));
    }
    fn write_u16(&mut self, v: u16) {
        self.add(u64::from(v));
    }
    fn write_u32(&mut self, v: u32) {
        self.add(u64::from(v));
    }
    fn write_u64(&mut self, v: u64) {
        self.add(v);
    }
    fn write_usize(&mut self, v: usize) {
        self.add(v as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A hash map with [`Fx`].
pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// A thread's spare values of one kind (declare with `thread_local!`).
pub(crate) type Spares<T> = RefCell<Vec<T>>;

/// Most spares kept per kind and thread.
const MAX_SPARES: usize = 4;

/// A spare from `pool`, if one is kept (none during thread teardown).
pub(crate) fn take<T: 'static>(pool: &'static LocalKey<Spares<T>>) -> Option<T> {
    pool.try_with(|p| p.try_borrow_mut().ok().and_then(|mut p| p.pop()))
        .ok()
        .flatten()
}

/// Keeps `spare` in `pool` for a later [`take`]; drops it when the pool is full or the thread
/// is ending. (Callers keep nothing a large input grew.)
pub(crate) fn keep<T: 'static>(pool: &'static LocalKey<Spares<T>>, spare: T) {
    let _ = pool.try_with(|p| {
        if let Ok(mut p) = p.try_borrow_mut() {
            if p.len() < MAX_SPARES {
                p.push(spare);
            }
        }
    });
}
