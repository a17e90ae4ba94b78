//! The porting test: the `pcap` crate's examples, written against its API, build on ferrocap
//! with only `extern crate ferrocap as pcap;` added (`tests/port/*.rs`, built by `cargo test`
//! as examples), and do what they do with the `pcap` crate.

use crate::common::example_bin;
use ferrocap::Capture;
use std::process::{Command, Stdio};

/// `stdin`: a capture piped into standard input is read through `Capture::from_raw_fd` and
/// `iter(codec)`, one line per packet.
#[test]
fn stdin_example_reads_a_piped_capture() {
    let Some(bin) = example_bin("port_stdin") else {
        return;
    };
    for name in ["sample.pcap", "sample.pcapng"] {
        let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
        let out = Command::new(&bin)
            .stdin(std::fs::File::open(&path).unwrap())
            .stderr(Stdio::inherit())
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {:?}", out.status);
        let text = String::from_utf8(out.stdout).unwrap();
        let mut cap = Capture::from_file(&path).unwrap();
        let mut lines = text.lines();
        let mut n = 0;
        while let Some(p) = cap.next().unwrap() {
            let line = lines
                .next()
                .unwrap_or_else(|| panic!("{name}: line {n} missing"));
            let want = format!("{:?}", p.header);
            assert!(
                line.contains(&want),
                "{name} packet {n}: {line} lacks {want}"
            );
            n += 1;
        }
        assert!(n > 0);
        assert_eq!(lines.next(), None, "{name}: more lines than packets");
    }
}

/// A stream that is not a capture ends the example with an error, not a crash.
#[test]
fn stdin_example_reports_a_bad_stream() {
    let Some(bin) = example_bin("port_stdin") else {
        return;
    };
    let out = Command::new(&bin).stdin(Stdio::null()).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    // `main` returning `Err` prints the error's `Debug` form.
    assert!(err.contains("TruncatedFileHeader"), "{err}");
}
