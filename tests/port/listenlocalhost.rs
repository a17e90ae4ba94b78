//! Porting check: the `pcap` crate's `listenlocalhost` example (capture on `any` in immediate
//! mode with the filter `host 127.0.0.1`, print each packet), built on ferrocap by the
//! `extern crate` line below.

extern crate ferrocap as pcap;

fn main() {
    let mut cap = pcap::Capture::from_device("any")
        .unwrap()
        .immediate_mode(true)
        .open()
        .unwrap();

    cap.filter("host 127.0.0.1", true).unwrap();

    while let Ok(packet) = cap.next_packet() {
        println!("got packet! {packet:?}");
    }
}
