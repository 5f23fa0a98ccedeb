//! Giving freed per-file buffers back to the system during a long walk.
//!
//! Every leaf costs transient buffers of 40 KB to a few MB (file bytes,
//! inflate state, decoded columns) freed between long-lived result rows.
//! glibc's malloc keeps such holes as heap: a 1 GB export zip (17,562
//! members) peaked at 736 MB RSS, against 132 MB with every block over 32 KB
//! mmapped (`MALLOC_MMAP_THRESHOLD_=32768`, but 2× slower). Trimming the heap
//! every few hundred leaves returns the holes at a negligible cost.

/// Leaves between two trims.
pub(super) const TRIM_EVERY: u64 = 64;

/// Returns free heap pages to the system (glibc only; a no-op elsewhere).
pub(super) fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: malloc_trim takes no pointers and only reorganises the
        // allocator's free lists; it is safe to call from any thread.
        unsafe {
            malloc_trim(0);
        }
    }
}
