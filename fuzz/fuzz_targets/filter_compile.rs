#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| ferrocap::fuzzing::filter::filter_compile(data));
