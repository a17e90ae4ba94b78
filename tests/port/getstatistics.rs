//! Porting check: the `pcap` crate's `getstatistics` example (read ten packets from the default
//! device, print the capture statistics), built on ferrocap by the `extern crate` line below.

extern crate ferrocap as pcap;

fn main() {
    let device = pcap::Device::lookup()
        .expect("looking up the default device failed")
        .expect("there is no device to capture on");
    println!("Using device {}", device.name);

    let mut cap = pcap::Capture::from_device(device)
        .unwrap()
        .immediate_mode(true)
        .open()
        .unwrap();

    for _ in 0..10 {
        let _ = cap.next_packet();
    }
    let stats = cap.stats().unwrap();
    println!(
        "Received: {}, dropped: {}, if_dropped: {}",
        stats.received, stats.dropped, stats.if_dropped
    );
}
