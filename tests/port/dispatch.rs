//! Porting check: the `pcap` crate's `dispatch` example (a 16 MB buffer, a one-second timeout,
//! batches of packets through `dispatch` until more than 100), built on ferrocap by the
//! `extern crate` line below.

extern crate ferrocap as pcap;

fn main() {
    let device = pcap::Device::lookup()
        .expect("looking up the default device failed")
        .expect("there is no device to capture on");
    println!("Using device {}", device.name);

    let mut cap = pcap::Capture::from_device(device)
        .unwrap()
        .buffer_size(16_000_000)
        .timeout(1000)
        .open()
        .unwrap();

    let mut seen = 0;
    while seen <= 100 {
        cap.dispatch(None, |packet| {
            println!("Got {:?}", packet.header);
            seen += 1;
        })
        .unwrap();
    }
}
