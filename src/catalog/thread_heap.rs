//! Heap room reserved up front by the threads that build the catalog.
//!
//! glibc gives each thread's arena its address space in one reservation but makes it usable a few
//! pages at a time, one `mprotect(2)` call whenever an allocation runs past what is usable: loading
//! the catalog (~10 MB of small allocations) cost some 1,400 such calls, about 7% of a start's
//! CPU. Allocating a block of blocks and freeing it makes the room usable in a few dozen calls; the
//! freed pages are handed back to the system at once, so the resident size does not change.

/// Below glibc's threshold for serving an allocation with its own mapping, so that each block
/// comes from the thread's arena.
const BLOCK: usize = 120 * 1024;

/// Makes about `bytes` of the calling thread's heap usable with as few system calls as possible.
pub fn reserve(bytes: usize) {
    let blocks: Vec<Vec<u8>> = (0..bytes.div_ceil(BLOCK))
        .map(|_| Vec::with_capacity(BLOCK))
        .collect();
    drop(std::hint::black_box(blocks));
}
