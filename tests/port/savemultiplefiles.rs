//! Porting check: the `pcap` crate's `savemultiplefiles` example (five files of 30 packets from
//! the default device, each written through a dead capture of the same link type), built on
//! ferrocap by the `extern crate` line below.

// ferrocap's `Savefile::write` reports a failed write as a `Result` (the `pcap` crate's
// returns nothing); the example ignores it as it would with the `pcap` crate.
#![allow(unused_must_use)]

extern crate ferrocap as pcap;

use pcap::Capture;

fn main() {
    let device = pcap::Device::lookup().unwrap().unwrap();
    let mut cap = pcap::Capture::from_device(device)
        .unwrap()
        .immediate_mode(true)
        .open()
        .unwrap();
    let linktype = cap.get_datalink();

    for n in 0..5 {
        let mut file = Capture::dead(linktype)
            .unwrap()
            .savefile(format!("dump_{n}.pcap"))
            .unwrap();
        for _ in 0..30 {
            let packet = cap.next_packet().unwrap();
            file.write(&packet);
        }
        file.flush().unwrap();
    }
}
