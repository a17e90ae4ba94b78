//! Hostile input: every corpus file cut at every record boundary and at random offsets must
//! give a prefix of the full file's packets, then a clean end or an error naming an offset inside
//! the input — never a panic, a hang, or memory beyond the documented caps.

use crate::alloc::peak_during;
use crate::common::shared_dir;
use ferrocap::file::{self, limits};
use ferrocap::OwnedPacket;

/// What reading some bytes gave: packets, record ends, and how it ended.
struct Outcome {
    packets: Vec<OwnedPacket>,
    ends: Vec<u64>,
    error: Option<file::Error>,
    opened: bool,
}

fn read_all(bytes: &[u8]) -> Outcome {
    let mut out = Outcome {
        packets: Vec::new(),
        ends: Vec::new(),
        error: None,
        opened: false,
    };
    let mut r = match file::Reader::new(bytes) {
        Ok(r) => r,
        Err(e) => {
            out.error = Some(e);
            return out;
        }
    };
    out.opened = true;
    // Every packet consumes at least 12 bytes (the smallest pcapng block), so a reader that
    // makes more calls than this without ending is looping.
    let max_calls = bytes.len() / 12 + 2;
    for _ in 0..max_calls {
        match r.next() {
            Ok(Some(p)) => {
                out.packets.push(p.to_owned());
                let end = r.offset();
                assert!(
                    out.ends.last().is_none_or(|&prev| end > prev),
                    "a packet was delivered without consuming input"
                );
                out.ends.push(end);
            }
            Ok(None) => return out,
            Err(e) => {
                out.error = Some(e);
                assert!(matches!(r.next(), Ok(None)), "a reader must stay finished");
                return out;
            }
        }
    }
    panic!(
        "reader did not finish within {max_calls} calls on {} bytes",
        bytes.len()
    );
}

/// Checks one cut of `bytes` at `cut` against the full read.
fn check_cut(name: &str, bytes: &[u8], cut: usize, full: &Outcome, at_boundary: Option<usize>) {
    let prefix = &bytes[..cut];
    let (got, peak) = peak_during(|| read_all(prefix));
    // Bytes held at once: the packets we keep (owned copies) plus the reader's buffer, which
    // may hold one read chunk or the largest record, never more than the input.
    let kept: usize = got.packets.iter().map(|p| p.data.len() + 64).sum();
    let cap = kept + limits::READ_CHUNK.max(cut) + (1 << 20);
    assert!(
        peak <= cap,
        "{name} cut at {cut}: {peak} bytes allocated, cap {cap}"
    );
    let k = got.packets.len();
    assert!(
        k <= full.packets.len(),
        "{name} cut at {cut}: more packets than the whole file"
    );
    assert_eq!(
        got.packets[..],
        full.packets[..k],
        "{name} cut at {cut}: not a prefix"
    );
    if let Some(e) = &got.error {
        assert!(
            e.offset().is_some_and(|o| o <= cut as u64),
            "{name} cut at {cut}: error offset {:?} missing or beyond the input",
            e.offset()
        );
        assert!(!e.to_string().is_empty());
    }
    if let Some(n) = at_boundary {
        // A cut right after a record loses nothing before it.
        assert!(
            k >= n,
            "{name} cut after packet {n} at {cut}: only {k} packets"
        );
    }
}

/// A small deterministic generator for the random offsets.
struct XorShift(u64);
impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn corpus_cut_everywhere() {
    let Some(shared) = shared_dir() else { return };
    let mut names: Vec<_> = std::fs::read_dir(shared.join("corpus/files"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let (mut cuts, mut files) = (0usize, 0usize);
    for path in &names {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(path).unwrap();
        let full = read_all(&bytes);
        files += 1;
        if !full.opened {
            // Still cut it: a refused file must be refused at every length, without panicking.
            for cut in [0, 1, 3, 4, 23, 24, 27, 28]
                .into_iter()
                .filter(|&c| c <= bytes.len())
            {
                check_cut(&name, &bytes, cut, &full, None);
                cuts += 1;
            }
            continue;
        }
        for (i, &end) in full.ends.iter().enumerate() {
            check_cut(&name, &bytes, end as usize, &full, Some(i + 1));
            cuts += 1;
        }
        for _ in 0..16 {
            let cut = (rng.next() % (bytes.len() as u64 + 1)) as usize;
            check_cut(&name, &bytes, cut, &full, None);
            cuts += 1;
        }
    }
    eprintln!("hostile: {files} files, {cuts} cuts, no panic, no hang, memory within caps");
}
