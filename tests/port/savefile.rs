//! Porting check: the `pcap` crate's `savefile` example (save one packet from the default device
//! to `test.pcap`, read it back), built on ferrocap by the `extern crate` line below.

// ferrocap's `Savefile::write` reports a failed write as a `Result` (the `pcap` crate's
// returns nothing); the example ignores it as it would with the `pcap` crate.
#![allow(unused_must_use)]

extern crate ferrocap as pcap;

use pcap::*;

fn main() {
    {
        let device = Device::lookup()
            .expect("looking up the default device failed")
            .expect("there is no device to capture on");
        println!("Using device {}", device.name);

        let mut cap = Capture::from_device(device)
            .unwrap()
            .immediate_mode(true)
            .open()
            .unwrap();

        let mut savefile = cap.savefile("test.pcap").unwrap();
        let p = cap.next_packet().unwrap();
        println!("packet received on network: {p:?}");
        savefile.write(&p);
    }

    let mut cap = Capture::from_file("test.pcap").unwrap();
    let p = cap.next_packet().unwrap();
    println!("packet obtained from file: {p:?}");
}
