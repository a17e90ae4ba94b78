//! Helpers shared by the integration tests.

use std::path::PathBuf;

/// `../shared` next to the repository, where the corpus, filters and tools live.
///
/// Missing: under `CI=true` the test fails with a clear message; otherwise it prints a notice and
/// the caller skips.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if dir.join("corpus").is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!(
            "{} is missing: CI must provide the shared corpus next to the repository",
            dir.display()
        );
    }
    eprintln!("notice: {} not found, skipping this test", dir.display());
    None
}

/// 64-bit FNV-1a, as the golden files use.
pub fn fnv1a64(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Lower-case hex MD5, as `golden-ng` uses.
pub fn md5_hex(data: &[u8]) -> String {
    use md5::{Digest, Md5};
    let d = Md5::digest(data);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Path of the built `ferrocap` command.
pub fn ferrocap_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ferrocap"))
}
