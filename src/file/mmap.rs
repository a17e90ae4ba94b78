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
    // SAFETY: memmap2 documents `Mmap::map` as unsafe because using the map is undefined
    // behaviour if the file is modified, in or out of process, while it is mapped: the map is
    // handed out as a `&[u8]`, which Rust assumes nobody changes, and a truncation makes the
    // pages past the new end raise SIGBUS, which ends the process. Nothing here can rule that
    // out for an ordinary file (memmap2's `map_if_safe` accepts only sealed memfds and
    // fs-verity files), so the caller takes it on: this is reached only from the explicit
    // opt-in `Reader::open_with(path, true)`, whose documentation states the hazard, never from
    // `Reader::open` or `Capture::from_file`, which read with `read()`.
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
