#![allow(missing_docs)] // criterion_group! generates undocumented functions
//! Reading throughput: pcap (and pcapng) files opened by path the default way
//! (`file::Reader::open`: `read()`, safe against files that change while read), memory-mapped on
//! request, from memory and from a stream, in bytes/s and packets/s; and the filtered read
//! (`next_matching`) that skips packets without copying them.
//!
//! The captures are synthesised here with ferrocap's own writers, in the same shape as
//! `../shared/tools/gen_capture.py` makes them (60-byte frames; an IMIX of 60/590/1514 bytes at
//! 7:4:1), so the bench needs no files. Whole-process comparisons with tcpdump and the other
//! Rust readers are made with `../shared/tools/bench-vs-tcpdump.sh` (see the README).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ferrocap::file::{self, pcap, pcapng};
use ferrocap::{Linktype, PacketHeader, Precision, Timestamp};
use std::hint::black_box;
use std::io::Write;
use std::ops::ControlFlow;

const PACKETS: usize = 200_000;

/// A deterministic pseudo-random frame size sequence: 60 bytes, or IMIX.
fn sizes(imix: bool) -> impl Iterator<Item = usize> {
    let mut x: u32 = 0x1234_5678;
    std::iter::repeat_with(move || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        if !imix {
            60
        } else {
            match x % 12 {
                0..=6 => 60,
                7..=10 => 590,
                _ => 1514,
            }
        }
    })
}

/// The benchmark's packets: header and bytes of each.
fn packets(imix: bool) -> impl Iterator<Item = (PacketHeader, &'static [u8])> {
    static FRAME: [u8; 1514] = {
        let mut f = [0u8; 1514];
        let mut i = 0;
        while i < f.len() {
            f[i] = i as u8;
            i += 1;
        }
        f
    };
    sizes(imix).take(PACKETS).enumerate().map(|(i, size)| {
        let ts = Timestamp::new(
            1_700_000_000 + i as i64 / 100_000,
            (i as u32 % 100_000) * 10_000,
        );
        let h = PacketHeader::new(ts, size as u32, size as u32, Linktype::EN10MB);
        (h, &FRAME[..size])
    })
}

fn make_pcap(imix: bool) -> Vec<u8> {
    let mut w = pcap::Writer::new(Vec::new(), Linktype::EN10MB, 65535, Precision::Micro).unwrap();
    for (h, data) in packets(imix) {
        w.write(&h, data).unwrap();
    }
    w.into_inner().unwrap()
}

fn make_pcapng(imix: bool) -> Vec<u8> {
    let mut w = pcapng::Writer::new(Vec::new()).unwrap();
    let id = w
        .add_interface(&pcapng::Interface::new(Linktype::EN10MB, 65535))
        .unwrap();
    for (h, data) in packets(imix) {
        w.write_packet(id, &h, data).unwrap();
    }
    w.into_inner().unwrap()
}

/// Reads every packet, touching one byte of each, and returns (packets, a checksum).
fn walk<R: std::io::Read>(mut r: file::Reader<R>) -> (usize, u64) {
    let (mut n, mut x) = (0usize, 0u64);
    while let Some(p) = r.next().unwrap() {
        n += 1;
        x = x.wrapping_add(p.header.caplen as u64 ^ p.data.get(12).copied().unwrap_or(0) as u64);
    }
    (n, x)
}

/// [`walk`] by `try_for_each_in_context` (the reader's own loop) instead of `next`.
fn walk_each<R: std::io::Read>(mut r: file::Reader<R>) -> (usize, u64) {
    let (mut n, mut x) = (0usize, 0u64);
    let end = r
        .try_for_each_in_context(|p, _| {
            n += 1;
            x = x
                .wrapping_add(p.header.caplen as u64 ^ p.data.get(12).copied().unwrap_or(0) as u64);
            ControlFlow::<()>::Continue(())
        })
        .unwrap();
    assert!(end.is_continue());
    (n, x)
}

/// [`walk`] over the packets `next_matching` keeps: those with an even time stamp fraction
/// (every other one), the rest skipped in the reader's buffer.
fn walk_every_other<R: std::io::Read>(mut r: file::Reader<R>) -> (usize, u64) {
    let (mut n, mut x) = (0usize, 0u64);
    while let Some(p) = r
        .next_matching(|h, _| (h.ts.nanos() / 10_000) % 2 == 0)
        .unwrap()
    {
        n += 1;
        x = x.wrapping_add(p.header.caplen as u64 ^ p.data.get(12).copied().unwrap_or(0) as u64);
    }
    (n, x)
}

fn bench_read(c: &mut Criterion) {
    let formats = [
        ("pcap", make_pcap as fn(bool) -> Vec<u8>),
        ("pcapng", make_pcapng),
    ];
    for (format, make) in formats {
        bench_format(c, format, make);
    }
    let mut g = c.benchmark_group("read_packets");
    g.throughput(Throughput::Elements(PACKETS as u64));
    for (format, make) in formats {
        let bytes = make(false);
        g.bench_function(format!("stream/{format}/small60"), |b| {
            b.iter(|| black_box(walk(file::Reader::new(&bytes[..]).unwrap())))
        });
    }
    g.finish();
}

fn bench_format(c: &mut Criterion, format: &str, make: fn(bool) -> Vec<u8>) {
    let mut g = c.benchmark_group(format!("read_{format}"));
    for (name, imix) in [("small60", false), ("imix", true)] {
        let bytes = make(imix);
        let file = format!("ferrocap-bench-{name}-{}.{format}", std::process::id());
        let path = std::env::temp_dir().join(file);
        std::fs::File::create(&path)
            .unwrap()
            .write_all(&bytes)
            .unwrap();
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_with_input(BenchmarkId::new("memory", name), &bytes, |b, bytes| {
            b.iter(|| black_box(walk(file::Reader::from_bytes(bytes.clone()).unwrap())))
        });
        g.bench_with_input(BenchmarkId::new("stream", name), &bytes, |b, bytes| {
            b.iter(|| black_box(walk(file::Reader::new(&bytes[..]).unwrap())))
        });
        g.bench_with_input(BenchmarkId::new("open", name), &path, |b, path| {
            b.iter(|| black_box(walk(file::Reader::open(path).unwrap())))
        });
        g.bench_with_input(BenchmarkId::new("open_mapped", name), &path, |b, path| {
            b.iter(|| black_box(walk(file::Reader::open_with(path, true).unwrap())))
        });
        g.bench_with_input(BenchmarkId::new("open_each", name), &path, |b, path| {
            b.iter(|| black_box(walk_each(file::Reader::open(path).unwrap())))
        });
        g.bench_with_input(
            BenchmarkId::new("open_mapped_each", name),
            &path,
            |b, path| b.iter(|| black_box(walk_each(file::Reader::open_with(path, true).unwrap()))),
        );
        g.bench_with_input(
            BenchmarkId::new("open_every_other", name),
            &path,
            |b, path| b.iter(|| black_box(walk_every_other(file::Reader::open(path).unwrap()))),
        );
        let _ = std::fs::remove_file(&path);
    }
    g.finish();
}

criterion_group!(benches, bench_read);
criterion_main!(benches);
