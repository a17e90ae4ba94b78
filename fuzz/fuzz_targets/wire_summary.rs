#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| ferrocap::fuzzing::wire::wire_summary(data));
