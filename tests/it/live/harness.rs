//! Throw-away network namespaces joined by a veth pair, entered per thread, and a raw injector.
//!
//! Every test gets two namespaces of its own (unique names: process id and a counter), `A` and
//! `B`, joined by a veth pair `vA` (in `A`) and `vB` (in `B`); both ends and both `lo` are up,
//! IPv6 is off in both (no neighbour discovery or MLD noise), and `vA` has 198.18.0.1/24, `vB`
//! 198.18.0.2/24 (the benchmarking range). Dropping the [`Pair`] deletes both namespaces and
//! with them everything made inside (also when the test panics).
//!
//! Root is needed (`CAP_NET_ADMIN` for the namespaces, `CAP_NET_RAW` to capture): without it the
//! tests print a notice and skip, except under `CI=true`, where they fail.

use nix::sched::{setns, CloneFlags};
use nix::sys::socket::{sendto, socket, AddressFamily, MsgFlags, SockFlag, SockType};
use std::fs::File;
use std::os::fd::{AsRawFd, OwnedFd};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The EtherType of the test frames (IEEE local experimental 1).
pub const TEST_ETHERTYPE: u16 = 0x88b5;
/// The marker at the start of a test frame's payload.
pub const MARK: &[u8; 4] = b"FCAP";
/// Source MAC of injected frames.
pub const SRC_MAC: [u8; 6] = [0x02, 0xfc, 0, 0, 0, 0x01];
/// Broadcast: every injected frame reaches the other end's taps as a broadcast.
pub const BROADCAST: [u8; 6] = [0xff; 6];

/// Whether live tests can run here: root. Without it, prints a notice and returns false; under
/// `CI=true` panics instead (CI runs as root and must run them).
pub fn can_run() -> bool {
    if nix::unistd::geteuid().is_root() {
        return true;
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("live capture tests need root (CAP_NET_ADMIN, CAP_NET_RAW) and CI=true is set");
    }
    eprintln!("notice: not root, skipping this live capture test");
    false
}

/// Runs `ip` with `args`; panics with its output when it fails.
pub fn ip(args: &[&str]) {
    let out = Command::new("ip")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `ip` (iproute2): {e}"));
    assert!(
        out.status.success(),
        "ip {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A network namespace made by `ip netns add`, deleted on drop.
#[derive(Debug)]
pub struct Netns {
    name: String,
    /// Made here, so deleted on drop.
    owned: bool,
}

impl Netns {
    /// A new namespace with `lo` up and IPv6 off.
    pub fn new(name: String) -> Netns {
        {
            // Concurrent `ip netns add` can stack bind mounts on /run/netns and hide each
            // other's files: one at a time.
            let _one = NETNS_LOCK.lock().unwrap_or_else(|p| p.into_inner());
            ip(&["netns", "add", &name]);
        }
        let ns = Netns { name, owned: true };
        ns.run(|| {
            for knob in ["all", "default"] {
                let path = format!("/proc/sys/net/ipv6/conf/{knob}/disable_ipv6");
                // No IPv6 in this kernel: nothing to switch off.
                let _ = std::fs::write(path, "1");
            }
        });
        ns.ip(&["link", "set", "lo", "up"]);
        ns
    }

    /// A namespace another process made (it is not deleted on drop).
    pub fn named(name: String) -> Netns {
        Netns { name, owned: false }
    }

    /// The namespace's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs `ip -n <this> args`.
    pub fn ip(&self, args: &[&str]) {
        let mut all = vec!["-n", self.name.as_str()];
        all.extend_from_slice(args);
        ip(&all);
    }

    /// A command run inside the namespace (`ip netns exec <this> program`).
    pub fn command(&self, program: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.name, program]);
        c
    }

    /// Enters the namespace in the calling thread. Only for threads that never leave it (the
    /// threads [`Netns::run`] and [`Netns::spawn`] start).
    pub fn enter(&self) {
        let f = File::open(format!("/run/netns/{}", self.name))
            .unwrap_or_else(|e| panic!("open /run/netns/{}: {e}", self.name));
        setns(f, CloneFlags::CLONE_NEWNET).expect("setns(CLONE_NEWNET)");
    }

    /// Runs `f` on a new thread inside the namespace and returns its result (a panic in `f` is
    /// passed on). Sockets opened there stay in the namespace wherever they are used later.
    pub fn run<R: Send, F: FnOnce() -> R + Send>(&self, f: F) -> R {
        std::thread::scope(|s| {
            s.spawn(|| {
                self.enter();
                f()
            })
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
        })
    }

    /// Starts `f` on a thread inside the namespace.
    pub fn spawn<R: Send + 'static, F: FnOnce() -> R + Send + 'static>(
        &self,
        f: F,
    ) -> std::thread::JoinHandle<R> {
        let path = format!("/run/netns/{}", self.name);
        std::thread::spawn(move || {
            let f_ns = File::open(&path).unwrap_or_else(|e| panic!("open {path}: {e}"));
            setns(f_ns, CloneFlags::CLONE_NEWNET).expect("setns(CLONE_NEWNET)");
            f()
        })
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        if !self.owned {
            return;
        }
        // Deleting the namespace deletes its interfaces (and the peer end of a veth with them).
        let _one = NETNS_LOCK.lock().unwrap_or_else(|p| p.into_inner());
        let ok = Command::new("ip")
            .args(["netns", "del", &self.name])
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            eprintln!("warning: could not delete network namespace {}", self.name);
        }
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// Serialises `ip netns add` and `del` within this process.
static NETNS_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A unique namespace name prefix for this process.
fn unique() -> String {
    format!(
        "fcdev{}x{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Two namespaces joined by a veth pair: `vA` in [`Pair::a`], `vB` in [`Pair::b`].
#[derive(Debug)]
pub struct Pair {
    /// The capturing side, with `vA` (198.18.0.1/24).
    pub a: Netns,
    /// The peer side, with `vB` (198.18.0.2/24).
    pub b: Netns,
}

/// The interface name in namespace A.
pub const VA: &str = "vA";
/// The interface name in namespace B.
pub const VB: &str = "vB";

impl Pair {
    /// New namespaces and veth pair, all up; `None` (after a notice) when not root.
    pub fn new() -> Option<Pair> {
        if !can_run() {
            return None;
        }
        let base = unique();
        let a = Netns::new(format!("{base}a"));
        let b = Netns::new(format!("{base}b"));
        a.ip(&[
            "link", "add", VA, "type", "veth", "peer", "name", VB, "netns", &b.name,
        ]);
        a.ip(&["addr", "add", "198.18.0.1/24", "brd", "+", "dev", VA]);
        b.ip(&["addr", "add", "198.18.0.2/24", "brd", "+", "dev", VB]);
        a.ip(&["link", "set", VA, "up"]);
        b.ip(&["link", "set", VB, "up"]);
        let pair = Pair { a, b };
        pair.wait_running();
        Some(pair)
    }

    /// Waits until both ends report a carrier (the veth comes up asynchronously).
    fn wait_running(&self) {
        let deadline = Instant::now() + Duration::from_secs(5);
        for (ns, dev) in [(&self.a, VA), (&self.b, VB)] {
            loop {
                // Not sysfs: it shows the namespace it was mounted in, not this thread's.
                let up = ns.run(|| {
                    nix::ifaddrs::getifaddrs().expect("getifaddrs").any(|e| {
                        e.interface_name == dev
                            && e.flags.contains(nix::net::if_::InterfaceFlags::IFF_RUNNING)
                    })
                });
                if up {
                    break;
                }
                assert!(Instant::now() < deadline, "{dev} never came up");
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }

    /// An injector on `vB`, sending towards `vA`.
    pub fn injector(&self) -> Injector {
        Injector::new(&self.b, VB)
    }
}

/// A raw `AF_PACKET` socket in a namespace that sends whole frames out of one interface.
#[derive(Debug)]
pub struct Injector {
    fd: OwnedFd,
    addr: nix::sys::socket::SockaddrStorage,
}

impl Injector {
    /// A sender on `dev` in `ns`.
    pub fn new(ns: &Netns, dev: &str) -> Injector {
        ns.run(|| {
            // Protocol 0: the socket receives nothing, it only sends.
            let fd = socket(
                AddressFamily::Packet,
                SockType::Raw,
                SockFlag::SOCK_CLOEXEC,
                None,
            )
            .expect("socket(AF_PACKET)");
            // The interface's AF_PACKET address from getifaddrs: family, ifindex, hatype.
            let addr = nix::ifaddrs::getifaddrs()
                .expect("getifaddrs")
                .filter(|e| e.interface_name == dev)
                .filter_map(|e| e.address)
                .find(|a| a.as_link_addr().is_some())
                .unwrap_or_else(|| panic!("{dev} has no link address"));
            Injector { fd, addr }
        })
    }

    /// Sends one frame; panics if the kernel refuses it.
    pub fn send(&self, frame: &[u8]) {
        let n = sendto(self.fd.as_raw_fd(), frame, &self.addr, MsgFlags::empty())
            .unwrap_or_else(|e| panic!("sendto({} bytes): {e}", frame.len()));
        assert_eq!(n, frame.len());
    }
}

/// A 60-byte broadcast test frame carrying `seq`: Ethernet header, EtherType 0x88b5,
/// `FCAP`, `seq` (big-endian), zero padding.
pub fn frame(seq: u32) -> Vec<u8> {
    frame_of_len(seq, 60)
}

/// A test frame of `len` bytes (at least 22).
pub fn frame_of_len(seq: u32, len: usize) -> Vec<u8> {
    let mut f = Vec::with_capacity(len);
    f.extend_from_slice(&BROADCAST);
    f.extend_from_slice(&SRC_MAC);
    f.extend_from_slice(&TEST_ETHERTYPE.to_be_bytes());
    f.extend_from_slice(MARK);
    f.extend_from_slice(&seq.to_be_bytes());
    assert!(len >= f.len(), "frame too short");
    f.resize(len, 0);
    f
}

/// A test frame with VLAN tags inserted after the MAC addresses, outermost first: each
/// `(tpid, tci)`. 60 bytes before tagging, so 64 with one tag.
pub fn tagged_frame(seq: u32, tags: &[(u16, u16)]) -> Vec<u8> {
    let plain = frame(seq);
    let mut f = plain[..12].to_vec();
    for (tpid, tci) in tags {
        f.extend_from_slice(&tpid.to_be_bytes());
        f.extend_from_slice(&tci.to_be_bytes());
    }
    f.extend_from_slice(&plain[12..]);
    f
}

/// The sequence number of a captured test frame whose EtherType field sits at `type_at`, if it
/// is one.
pub fn seq_at(data: &[u8], type_at: usize) -> Option<u32> {
    let t = data.get(type_at..type_at + 2)?;
    if t != TEST_ETHERTYPE.to_be_bytes() || data.get(type_at + 2..type_at + 6)? != MARK {
        return None;
    }
    let s = data.get(type_at + 6..type_at + 10)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// The sequence number of a captured untagged Ethernet test frame.
pub fn seq_of(data: &[u8]) -> Option<u32> {
    seq_at(data, 12)
}

/// Open file descriptors and memory mappings of this process.
pub fn fds_and_maps() -> (usize, usize) {
    let fds = std::fs::read_dir("/proc/self/fd")
        .expect("/proc/self/fd")
        .count();
    let maps = std::fs::read_to_string("/proc/self/maps")
        .expect("/proc/self/maps")
        .lines()
        .count();
    (fds, maps)
}

/// A capture configuration with a read timeout, so that no test read blocks for ever.
pub fn config_with_timeout(ms: u64) -> ferrocap::live::Config {
    let mut c = ferrocap::live::Config::default();
    c.timeout = Some(Duration::from_millis(ms));
    c
}

/// A configuration: `base` changed by `f`.
pub fn cfg(
    base: ferrocap::live::Config,
    f: impl FnOnce(&mut ferrocap::live::Config),
) -> ferrocap::live::Config {
    let mut c = base;
    f(&mut c);
    c
}

/// Reads from `h` until `want` packets that `keep` accepts were seen, or `within` passed;
/// returns those packets (owned), in order. Read timeouts are waited through; any other error
/// panics.
pub fn collect(
    h: &mut ferrocap::live::Handle,
    want: usize,
    within: Duration,
    mut keep: impl FnMut(&ferrocap::Packet<'_>) -> bool,
) -> Vec<ferrocap::OwnedPacket> {
    let deadline = Instant::now() + within;
    let mut out = Vec::new();
    while out.len() < want && Instant::now() < deadline {
        match h.next_packet() {
            Ok(p) if keep(&p) => out.push(p.to_owned()),
            Ok(_) | Err(ferrocap::live::Error::TimeoutExpired) => {}
            Err(e) => panic!("read failed: {e}"),
        }
    }
    out
}

/// Reads test frames (untagged Ethernet, EtherType 0x88b5) and returns their sequence numbers.
pub fn collect_seqs(h: &mut ferrocap::live::Handle, want: usize, within: Duration) -> Vec<u32> {
    collect(h, want, within, |p| seq_of(p.data).is_some())
        .iter()
        .filter_map(|p| seq_of(&p.data))
        .collect()
}

/// The environment variable that tells a re-executed test binary which role to play.
pub const CHILD_ENV: &str = "FERROCAP_LIVE_CHILD";

/// The role this process plays when a test re-executed the test binary (see [`run_child`]).
pub fn child_role() -> Option<String> {
    std::env::var(CHILD_ENV).ok()
}

/// Runs the test `test` (its full path, e.g. `live::close::fds`) alone in a new process of this
/// test binary, with `role` in [`CHILD_ENV`], extra environment `env`, and as user `uid` when
/// given (then from a copy of the binary in a world-readable temporary directory, since the
/// build directory may not be reachable for that user). Returns the process's status and
/// output.
pub fn run_child(
    test: &str,
    role: &str,
    env: &[(&str, &str)],
    uid: Option<u32>,
) -> std::process::Output {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let exe = std::env::current_exe().expect("current_exe");
    let mut copy_dir = None;
    let program = match uid {
        None => exe,
        Some(_) => {
            let dir = std::env::temp_dir().join(unique());
            std::fs::create_dir(&dir).expect("temporary directory");
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
            let copy = dir.join("it");
            std::fs::copy(&exe, &copy).expect("copy the test binary");
            std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
            copy_dir = Some(dir);
            copy
        }
    };
    let mut c = Command::new(&program);
    c.args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, role)
        .current_dir("/");
    for (k, v) in env {
        c.env(k, v);
    }
    if let Some(uid) = uid {
        c.uid(uid).gid(uid);
    }
    let out = c.output();
    if let Some(dir) = copy_dir {
        let _ = std::fs::remove_dir_all(dir);
    }
    out.expect("re-run the test binary")
}
