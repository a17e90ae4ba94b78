//! Porting check: the `pcap` crate's `loop` example (`for_each` over the default device; the
//! handler panics at the 101st packet and the panic comes out of `for_each`), built on ferrocap
//! by the `extern crate` line below.

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

    let mut seen = 0;
    cap.for_each(None, |packet| {
        println!("Got {:?}", packet.header);
        seen += 1;
        if seen > 100 {
            panic!("ow");
        }
    })
    .unwrap();
}
