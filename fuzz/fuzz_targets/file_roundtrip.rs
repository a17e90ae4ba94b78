#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| ferrocap::fuzzing::file::file_roundtrip(data));
