//! A run as a classic pcap file (the libpcap format Wireshark and `tshark` open): a 24-byte
//! file header with link type 1 (Ethernet), then each frame with a 16-byte record header.
//! Timestamps are the frames' virtual times, from the Unix epoch.

use super::event::Event;

/// Link type 1: Ethernet, frames from the destination MAC address on, without the FCS.
pub const LINKTYPE_ETHERNET: u32 = 1;

/// The frames of `events` as a pcap file.
pub fn pcap(events: &[Event]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes()); // magic: microsecond timestamps
    out.extend_from_slice(&2u16.to_le_bytes()); // version 2.4
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&0i32.to_le_bytes()); // time zone: UTC
    out.extend_from_slice(&0u32.to_le_bytes()); // timestamp accuracy
    out.extend_from_slice(&65_535u32.to_le_bytes()); // snapshot length
    out.extend_from_slice(&LINKTYPE_ETHERNET.to_le_bytes());
    for e in events {
        let Some(f) = e.frame() else { continue };
        let len = f.bytes.len() as u32;
        out.extend_from_slice(&((e.time_us / 1_000_000) as u32).to_le_bytes());
        out.extend_from_slice(&((e.time_us % 1_000_000) as u32).to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes()); // captured
        out.extend_from_slice(&len.to_le_bytes()); // on the wire
        out.extend_from_slice(&f.bytes);
    }
    out
}
