//! The classic pcap format (`pcap-savefile(5)`): a 24-byte file header, then records of a
//! 16-byte header and the packet bytes.
//!
//! Read: all four magic numbers (microseconds or nanoseconds, either byte order), the modified
//! (Kuznetzov, `0xa1b2cd34`) format with 24-byte record headers, versions 2.0 to 2.4 and DG/UX's
//! 543.0 (with the caplen/len order each used), FCS-length bits in the link-type field, and
//! libpcap's adjustments: a stored snapshot length of 0 or above `i32::MAX` means the link
//! type's maximum; a record longer than the snapshot length but within the link type's maximum
//! is cut to the snapshot length; a record longer than the maximum is an error.
//!
//! Written: version 2.4, either byte order, microseconds or nanoseconds.

mod header;
mod reader;
mod writer;

pub use header::{FileHeader, LEN as FILE_HEADER_LEN, MAGIC_MICRO, MAGIC_MODIFIED, MAGIC_NANO};
pub use reader::Reader;
pub use writer::Writer;
