//! Porting check: the `pcap` crate's `getdevices` example (list every capture device), written
//! against the `pcap` API and built on ferrocap by the one `extern crate` line below.
//! `tests/it/live/port.rs` runs it in a network namespace.

extern crate ferrocap as pcap;

fn main() {
    let devices = pcap::Device::list().expect("listing the devices failed");
    for device in devices {
        // Each device with its description, addresses and flags.
        println!("Found device! {device:?}");
    }
}
