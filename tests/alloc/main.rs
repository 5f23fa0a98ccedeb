//! What hostile FIT files cost in memory, measured by a counting global
//! allocator. A `#[global_allocator]` applies to a whole binary, so it lives
//! in this small test binary of its own instead of under every test of `it`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use heavylegs::decode::fit::{FitDecoder, decode_with};
use heavylegs::limits::Limits;

#[allow(dead_code)]
#[path = "../it/common.rs"]
mod common;
#[allow(dead_code)]
#[path = "../it/fit_bytes.rs"]
mod fit_bytes;

use fit_bytes::{definition_flood, fit_crc};

// Allocation tracking: the largest single request and the peak of live bytes
// on the current thread (the decoders run on the caller's thread), so a
// decoder that trusts a length it read shows up as a huge allocation.

struct Tracking;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn note_alloc(size: usize) {
    let _ = LARGEST.try_with(|c| c.set(c.get().max(size)));
    let _ = LIVE.try_with(|live| {
        live.set(live.get() + size as isize);
        let _ = PEAK.try_with(|p| p.set(p.get().max(live.get())));
    });
}

fn note_free(size: usize) {
    let _ = LIVE.try_with(|live| live.set(live.get() - size as isize));
}

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_alloc(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_alloc(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note_free(layout.size());
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_free(layout.size());
        note_alloc(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Tracking = Tracking;

/// What one call cost on this thread: (largest single allocation, peak live growth) in bytes.
fn measured<R>(f: impl FnOnce() -> R) -> (R, usize, usize) {
    LARGEST.with(|c| c.set(0));
    let base = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let r = f();
    let largest = LARGEST.with(Cell::get);
    let peak = PEAK.with(Cell::get) - base;
    (r, largest, peak.max(0) as usize)
}

#[test]
fn a_fit_header_claiming_gigabytes_reserves_nothing_near_the_claim() {
    let mut bytes = std::fs::read(common::sample("fit/fitparse__garmin-fenix-5-run.fit")).unwrap();
    assert_eq!(bytes[0], 14, "the sample has a 14-byte header");
    bytes[4..8].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    let crc = fit_crc(&bytes[..12]);
    bytes[12..14].copy_from_slice(&crc.to_le_bytes());
    for decoder in [FitDecoder::Fast, FitDecoder::Fitparser] {
        let (result, largest, peak) = measured(|| decode_with(&bytes, &Limits::default(), decoder));
        // The claim is 4 GiB; the file is 5.6 kB. Nothing near the claim may be reserved.
        assert!(
            largest < 4 << 20,
            "{decoder:?}: a {largest}-byte allocation"
        );
        assert!(peak < 16 << 20, "{decoder:?}: {peak} live bytes at peak");
        assert!(result.is_ok(), "{decoder:?}: what is there is salvaged");
        eprintln!("4 GiB header claim, {decoder:?}: largest allocation {largest} B, peak {peak} B");
    }
}

#[test]
fn a_flood_of_fit_definitions_allocates_nothing_large() {
    let flood = definition_flood(2_000_000);
    for decoder in [FitDecoder::Fast, FitDecoder::Fitparser] {
        let (result, largest, _) = measured(|| decode_with(&flood, &Limits::default(), decoder));
        assert!(
            result.is_err(),
            "{decoder:?}: no records, nothing to analyse"
        );
        assert!(
            largest < 64 << 20,
            "{decoder:?}: a {largest}-byte allocation"
        );
        eprintln!("definition flood, {decoder:?}: largest allocation {largest} B");
    }
}
