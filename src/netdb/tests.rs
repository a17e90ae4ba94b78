use super::*;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn address_order() {
    let sorted = |v: &[&str]| -> Vec<String> {
        sort_addresses(&v.iter().map(|s| ip(s)).collect::<Vec<_>>())
            .iter()
            .map(|a| a.to_string())
            .collect()
    };
    assert_eq!(sorted(&["127.0.0.1", "::1"]), ["::1", "127.0.0.1"]);
    assert_eq!(
        sorted(&["2001:db8::20", "192.0.2.20"]),
        ["192.0.2.20", "2001:db8::20"]
    );
    assert_eq!(
        sorted(&["10.20.30.40", "fd00:a1b2:c3d4::1020:3040:5060:7080"]),
        ["fd00:a1b2:c3d4:0:1020:3040:5060:7080", "10.20.30.40"]
    );
    assert_eq!(
        sorted(&["192.168.243.1", "192.168.242.4", "192.168.244.2"]),
        ["192.168.243.1", "192.168.242.4", "192.168.244.2"]
    );
}

#[test]
fn file_formats() {
    let hosts =
        parse::hosts("# c\n127.0.0.1 localhost\n::1 localhost ip6-localhost # x\nbad line\n");
    assert_eq!(hosts["localhost"], [ip("127.0.0.1"), ip("::1")]);
    assert_eq!(hosts["ip6-localhost"], [ip("::1")]);
    let nets = parse::networks("loopback 127.0.0.0\nlink-local 169.254.0.0\nshort 10 alias\n");
    assert_eq!(nets["loopback"], 0x7f00_0000);
    assert_eq!(nets["short"], 10);
    assert_eq!(nets["alias"], 10);
    let svc = parse::services("http 80/tcp www\nfoo 1/udp\nfoo 2/udp\n");
    assert_eq!(svc[&("www".to_string(), "tcp".to_string())], 80);
    assert_eq!(svc[&("foo".to_string(), "udp".to_string())], 1);
    let ethers = parse::ethers("02:00:0:0:0:1 GW.example.test\n");
    assert_eq!(ethers["gw.example.test"], [2, 0, 0, 0, 0, 1]);
    assert_eq!(parse::inet_network("10.20"), Some(0x0a14));
    assert_eq!(parse::inet_network("0x0a.0"), Some(0x0a00));
    let ns = parse::nsswitch("hosts: files [NOTFOUND=return] dns\nethers: db\n");
    assert_eq!(ns["hosts"], ["files", "dns"]);
    assert_eq!(ns["ethers"], ["db"]);
}
