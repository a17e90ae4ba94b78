//! Porting check: the `pcap` crate's `easylisten` example (open the default device in immediate
//! mode, print one packet), built on ferrocap by the `extern crate` line below.

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

    // The first packet, or the error that came instead.
    println!("{:?}", cap.next_packet());
}
