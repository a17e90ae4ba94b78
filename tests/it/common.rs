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

/// A time stamp from `golden/` (libpcap's signed reading of pcap's 32-bit fields) in
/// nanoseconds as read unsigned, as the format says and ferrocap reads it: libpcap's negative
/// seconds and fractions get 2^32 (fractions: 2^32 µs in microsecond files) added back.
pub fn golden_nanos(sec: i64, nsec: i64, nano_file: bool) -> i128 {
    let mut sec = sec as i128;
    if sec < 0 {
        sec += 1 << 32;
    }
    let mut nsec = nsec as i128;
    if nsec < 0 {
        nsec += if nano_file {
            1 << 32
        } else {
            (1i128 << 32) * 1000
        };
    }
    sec * 1_000_000_000 + nsec
}

/// Path of a built example program (`[[example]]` in Cargo.toml), next to this test binary's
/// profile directory. `cargo test` builds examples with the tests; a run of this binary alone
/// may not have: then the caller gets `None` after a notice, and a failure under `CI=true`.
pub fn example_bin(name: &str) -> Option<PathBuf> {
    let exe = std::env::current_exe().expect("test binary path");
    let profile = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target dir");
    let bin = profile.join("examples").join(name);
    if bin.is_file() {
        return Some(bin);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!(
            "{} is missing: `cargo test` builds the examples; run it without target filters",
            bin.display()
        );
    }
    eprintln!(
        "notice: {} not built (run `cargo test` for all targets), skipping",
        bin.display()
    );
    None
}
