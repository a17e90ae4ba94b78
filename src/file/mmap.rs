//! Memory-mapping capture files: the one place outside `live` with `unsafe` code.
#![allow(unsafe_code)]

use std::fs::File;

/// Maps a regular, non-empty file read-only, or returns `None` (a pipe, a character device,
/// an empty file, or a failed `mmap(2)`), in which case the caller reads it instead.
pub(crate) fn map(file: &File) -> Option<memmap2::Mmap> {
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() == 0 {
        return None;
    }
    // SAFETY: `Mmap::map` is unsafe because the mapped bytes may change underneath us if another
    // process modifies the file. The readers read each byte through bounds-checked slices and
    // never rely on two reads of the same byte agreeing, so a concurrent modification can at
    // worst yield wrong packet data or a parse error, not undefined behaviour in our code. The
    // one hazard left, a concurrent truncation raising SIGBUS, is documented on
    // `Reader::open_with`, which lets callers opt out of mapping.
    let map = unsafe { memmap2::Mmap::map(file) }.ok()?;
    #[cfg(unix)]
    let _ = map.advise(memmap2::Advice::Sequential);
    Some(map)
}

/// Hints the CPU to fetch the cache line holding `bytes[at]` (nothing if `at` is out of range).
#[inline]
pub(crate) fn prefetch(bytes: &[u8], at: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(b) = bytes.get(at) {
        // SAFETY: `_mm_prefetch` needs SSE, which every x86_64 CPU has; it only hints the cache
        // and never reads memory architecturally, and the pointer is to a live byte of `bytes`.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                std::ptr::from_ref(b).cast(),
            )
        };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (bytes, at);
}
