//! tcpdump's listings of libpcap's own programs, byte for byte, and parsing them back; every
//! program libpcap generates is accepted by the validator.

use super::refdata::{self, Record};
use crate::common::shared_dir;
use ferrocap::bpf::{self, Format, Instruction, Program, Rules};
use std::path::PathBuf;

fn reference() -> Option<PathBuf> {
    shared_dir().map(|d| d.join("filters/reference"))
}

/// `(-dd records, -d records)` of one program set, aligned (same expressions, same order).
fn pairs(dd: &str, d: &str) -> Option<Vec<(Record, Record)>> {
    let dir = reference()?;
    let dd = refdata::records(&dir.join(dd));
    let d = refdata::records(&dir.join(d));
    assert_eq!(dd.len(), d.len());
    assert_eq!(dd.len(), 5448, "one record per corpus expression");
    Some(dd.into_iter().zip(d).collect())
}

fn check_listings(dd: &str, d: &str) {
    let Some(pairs) = pairs(dd, d) else { return };
    let mut programs = 0;
    for (dd, d) in pairs {
        assert_eq!(dd.expr, d.expr);
        assert_eq!(dd.error, d.error, "{}", dd.expr);
        let Some(insns) = dd.instructions() else {
            continue;
        };
        programs += 1;
        let p = Program::with_rules(insns.clone(), Rules::Libpcap)
            .unwrap_or_else(|e| panic!("{:?}: {e}", dd.expr));
        // -d: bpf_image, trailing blanks included.
        let want_d: String = d.lines.iter().map(|l| format!("{l}\n")).collect();
        assert_eq!(p.dump(Format::Asm), want_d, "-d of {:?}", dd.expr);
        // -dd: the reference lines themselves.
        let want_dd: String = dd.lines.iter().map(|l| format!("{l}\n")).collect();
        assert_eq!(p.dump(Format::C), want_dd, "-dd of {:?}", dd.expr);
        // -ddd: the count, then decimal fields (tcpdump's `%u %u %u %u`).
        let mut want_ddd = format!("{}\n", insns.len());
        for i in &insns {
            want_ddd += &format!("{} {} {} {}\n", i.code, i.jt, i.jf, i.k);
        }
        assert_eq!(p.dump(Format::Decimal), want_ddd, "-ddd of {:?}", dd.expr);
        // Both parse back.
        for text in [&want_dd, &want_ddd] {
            let again = Program::parse(text, Rules::Libpcap).unwrap();
            assert_eq!(again.instructions(), &insns[..], "{text}");
        }
    }
    assert!(programs > 1800, "{programs} programs checked");
}

/// `-d`, `-dd`, `-ddd` of every optimized EN10MB program are tcpdump's (`EN10MB.d.txt`,
/// `EN10MB.txt`), and the two machine forms parse back.
#[test]
fn en10mb_optimized_listings() {
    check_listings("EN10MB.txt", "EN10MB.d.txt");
}

/// The same for the unoptimized programs (`EN10MB.unopt.txt`, `EN10MB.unopt.d.txt`).
#[test]
fn en10mb_unoptimized_listings() {
    check_listings("EN10MB.unopt.txt", "EN10MB.unopt.d.txt");
}

/// The Linux-live listings use the ancillary names (`[vlanp]`, `[vlan_tci]`, `[type]`, …). The
/// live programs pass Linux's rules — all but those libpcap 1.10.3 generates for `vlan … and
/// pppoes`, which read `M[1]` before any path writes it (the kernel refuses them; libpcap then
/// filters in user space, reading an uninitialised word).
#[test]
fn live_listings_name_ancillary_fields() {
    let Some(dir) = reference() else { return };
    let dd = refdata::records(&dir.join("live-lo/EN10MB.txt"));
    let d = refdata::records(&dir.join("live-lo/EN10MB.d.txt"));
    assert_eq!(dd.len(), d.len());
    let (mut named, mut refused) = (0, 0);
    for (dd, d) in dd.iter().zip(&d) {
        let Some(insns) = dd.instructions() else {
            continue;
        };
        let p = Program::with_rules(insns.clone(), Rules::Libpcap).unwrap();
        let want: String = d.lines.iter().map(|l| format!("{l}\n")).collect();
        assert_eq!(p.dump(Format::Asm), want, "{}", dd.expr);
        named += usize::from(want.contains("[vlan"));
        if insns.iter().any(|i| i.code == 0x05 && (i.k as i32) < 0) {
            continue; // protochain
        }
        if let Err(e) = p.check(Rules::Linux) {
            let scratch = matches!(e.rule, bpf::Rule::ScratchReadBeforeWrite { k: 1 });
            assert!(scratch && dd.expr.contains("pppoes"), "{}: {e}", dd.expr);
            refused += 1;
        }
    }
    assert!(named > 10);
    assert!(refused >= 1);
}

/// Every program libpcap generated for any link type passes libpcap's rules; all but the
/// `protochain` ones (backward `ja`) and those longer than 4096 instructions pass the standard
/// rules too.
#[test]
fn libpcap_programs_validate() {
    let Some(dir) = reference() else { return };
    let mut files: Vec<PathBuf> = Vec::new();
    for sub in ["", "native", "savefile", "live-lo"] {
        for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".txt") && !name.ends_with(".d.txt") && name != "resolver.txt" {
                files.push(path);
            }
        }
    }
    let (mut total, mut backward, mut long) = (0, 0, 0);
    for path in &files {
        for r in refdata::records(path) {
            let Some(insns) = r.instructions() else {
                continue;
            };
            total += 1;
            Program::with_rules(insns.clone(), Rules::Libpcap)
                .unwrap_or_else(|e| panic!("{}: {:?}: {e}", path.display(), r.expr));
            match Program::new(insns.clone()).map_err(|e| e.rule) {
                Ok(_) => {}
                Err(bpf::Rule::BackwardJump { .. }) => {
                    assert!(r.expr.contains("protochain"), "{}", r.expr);
                    backward += 1;
                }
                Err(bpf::Rule::TooLong { len, max: 4096 }) => {
                    assert!(len > 4096);
                    long += 1;
                }
                Err(e) => panic!("{}: {:?}: {e}", path.display(), r.expr),
            }
        }
    }
    assert!(total > 20_000, "{total} programs");
    assert!(
        backward > 0 && long > 0,
        "{backward} protochain, {long} long"
    );
}

/// `tcpdump -ddd` text pasted as users paste it: with a trailing blank line, CRLF line ends,
/// or the one-line form `iptables -m bpf --bytecode` takes.
#[test]
fn pasted_text() {
    let want = [
        Instruction::new(0x28, 0, 0, 12),
        Instruction::new(0x15, 0, 1, 0x800),
        Instruction::new(0x06, 0, 0, 262144),
        Instruction::new(0x06, 0, 0, 0),
    ];
    for text in [
        "4\n40 0 0 12\n21 0 1 2048\n6 0 0 262144\n6 0 0 0\n\n",
        "4\r\n40 0 0 12\r\n21 0 1 2048\r\n6 0 0 262144\r\n6 0 0 0\r\n",
        "4,40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0",
        "{ 0x28, 0, 0, 0x0000000c },\r\n{ 0x15, 0, 1, 0x00000800 },\n{ 0x6, 0, 0, 0x00040000 },\n{ 0x6, 0, 0, 0x00000000 },\n",
    ] {
        let p = Program::parse(text, Rules::Standard).unwrap();
        assert_eq!(p.instructions(), &want[..], "{text:?}");
    }
}
