//! Inputs that once crashed or hung a fuzz target, replayed through the same bodies
//! (`ferrocap::fuzzing`). Each lives in `tests/data/fuzz/<target>/`; the seeds of every target
//! (the captures in `tests/data/`) are replayed too.

use std::path::Path;

fn run(target: &str, data: &[u8]) {
    match target {
        "file_read" => ferrocap::fuzzing::file::file_read(data),
        "pcap_read" => ferrocap::fuzzing::file::pcap_read(data),
        "file_roundtrip" => ferrocap::fuzzing::file::file_roundtrip(data),
        "pcapng_read" => ferrocap::fuzzing::file::pcapng_read(data),
        "bpf_run" => ferrocap::fuzzing::bpf::bpf_run(data),
        "wire_summary" => ferrocap::fuzzing::wire::wire_summary(data),
        "filter_compile" => ferrocap::fuzzing::filter::filter_compile(data),
        other => panic!("tests/data/fuzz/{other}: no such fuzz target"),
    }
}

#[test]
fn fuzz_regressions_and_seeds() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut count = 0;
    let crashers = std::fs::read_dir(data.join("fuzz")).into_iter().flatten();
    for entry in crashers {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let target = dir.file_name().unwrap().to_string_lossy().into_owned();
        for case in std::fs::read_dir(&dir).unwrap() {
            let path = case.unwrap().path();
            run(&target, &std::fs::read(&path).unwrap());
            count += 1;
        }
    }
    for seed in std::fs::read_dir(&data).unwrap() {
        let path = seed.unwrap().path();
        if path
            .extension()
            .is_some_and(|e| e == "pcap" || e == "pcapng")
        {
            let bytes = std::fs::read(&path).unwrap();
            for target in [
                "file_read",
                "pcap_read",
                "pcapng_read",
                "file_roundtrip",
                "bpf_run",
                "wire_summary",
                "filter_compile",
            ] {
                run(target, &bytes);
                count += 1;
            }
        }
    }
    eprintln!("fuzz regressions and seeds: {count} cases");
}
