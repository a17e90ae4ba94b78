//! Porting check: the `pcap` crate's `breakloop` example (a reader thread on the default device,
//! stopped from another thread after a second), built on ferrocap by the `extern crate` line.

extern crate ferrocap as pcap;

use std::thread;
use std::time::Duration;

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
    println!("Using device");

    let stopper = cap.breakloop_handle();
    let reader = thread::spawn(move || {
        while cap.next_packet().is_ok() {
            println!("got packet!");
        }
        println!("capture loop exited");
    });
    thread::spawn(move || {
        thread::sleep(Duration::from_secs(1));
        println!("break loop called!");
        stopper.breakloop();
    });
    reader.join().unwrap();
}
