//! The process's memory allocator: the system's, with two exceptions that take a cold start's
//! page faults (each of ~4,000 pages otherwise costs a trap, a zeroed page and its accounting)
//! down to a few dozen on systems with transparent huge pages:
//!
//! - **Build arenas.** A thread that builds data meant to live as long as the process (the
//!   embedded catalog snapshot, decoded once) allocates it by bumping a pointer through a region
//!   of its own, mapped for huge pages. Freeing memory there does nothing: the region is never
//!   reused or unmapped, so what the load frees (growth copies, providers resolved for a first
//!   merge that a later one replaces) stays behind. That is a bounded, one-time cost, which is why
//!   only once-per-process loads may enter an arena.
//! - **Large blocks** (1 MiB and up, such as the rendered `model/list` buffers) get a mapping of
//!   their own that starts on a huge-page boundary, and are unmapped when freed.
//!
//! Where huge pages are off, both still work with ordinary pages. Off Linux this is the system
//! allocator and an arena is a no-op.

use std::alloc::{GlobalAlloc, Layout, System};

/// The global allocator: `#[global_allocator]` in `main.rs` (and in the unit tests).
pub struct SidecarAllocator;

/// While alive, the calling thread's allocations come from a fresh build arena (see the module
/// docs); when it is dropped the thread allocates from the system again, and what it allocated in
/// the arena stays valid.
pub struct BuildArena {
    _not_send: std::marker::PhantomData<*const ()>,
}

impl BuildArena {
    /// Starts an arena of `capacity` bytes of address space (only what is used becomes
    /// resident). Allocations that do not fit, or made when no region can be had, go to the
    /// system allocator.
    pub fn enter(capacity: usize) -> Self {
        imp::enter_arena(capacity);
        Self {
            _not_send: std::marker::PhantomData,
        }
    }
}

impl Drop for BuildArena {
    fn drop(&mut self) {
        imp::leave_arena();
    }
}

// SAFETY: every block comes from the system allocator, from a build arena (bump allocated with
// the layout's alignment, never handed out twice) or from a mapping of its own; `dealloc` and
// `realloc` tell the three apart by address (arenas) and then by layout (large blocks), which is
// the same layout `alloc` saw, as `GlobalAlloc` guarantees.
unsafe impl GlobalAlloc for SidecarAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { allocate(layout, |layout| System.alloc(layout)) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // Arena memory is fresh from a mapping (never reused) and large blocks are fresh
        // mappings: both are zeroed by the kernel already.
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { allocate(layout, |layout| System.alloc_zeroed(layout)) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if imp::in_arena(ptr) {
            return;
        }
        if imp::is_large(layout) {
            // SAFETY: a large layout's block is a mapping of its own, made by `map_large`.
            unsafe { imp::unmap_large(ptr, layout.size()) };
            return;
        }
        // SAFETY: neither an arena's nor a large block: the system allocator made it.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let in_arena = imp::in_arena(ptr);
        if in_arena && let Some(block) = imp::arena_grow_in_place(ptr, layout, new_size) {
            return block;
        }
        // SAFETY: `GlobalAlloc::realloc` requires `new_size`, rounded up to the alignment, to
        // fit in `isize`, which is what `Layout` checks.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        if !in_arena && !imp::is_large(layout) && !imp::is_large(new_layout) {
            // SAFETY: a system block staying a system block.
            return unsafe { System.realloc(ptr, layout, new_size) };
        }
        // Moving between kinds (or out of a full arena): a block of the new layout's kind from
        // `alloc` (an arena block again while the thread is in one), the contents copied over.
        // SAFETY: `new_layout` has a non-zero size, as `realloc` requires of `new_size`.
        let moved = unsafe { self.alloc(new_layout) };
        if !moved.is_null() {
            // SAFETY: both blocks are valid for the shorter length and distinct.
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        moved
    }
}

/// A block from the thread's arena, else a mapping of its own when large, else from `system`.
///
/// # Safety
/// As [`GlobalAlloc::alloc`]: `layout` has a non-zero size.
unsafe fn allocate(layout: Layout, system: impl FnOnce(Layout) -> *mut u8) -> *mut u8 {
    if let Some(block) = imp::arena_alloc(layout) {
        return block;
    }
    if imp::is_large(layout) {
        return imp::map_large(layout.size());
    }
    system(layout)
}

#[cfg(target_os = "linux")]
mod imp {
    use std::alloc::Layout;
    use std::cell::Cell;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Blocks from this size up get a mapping of their own.
    pub const LARGE: usize = 1 << 20;
    const HUGE_PAGE: usize = 2 << 20;
    const PAGE: usize = 4096;
    /// How many arenas a process can have; later ones fall back to the system allocator.
    const MAX_ARENAS: usize = 16;

    /// The arenas ever entered, as `[start, end)` address ranges (zero: a free slot). Never
    /// unmapped, so a range once published stays valid.
    static ARENAS: [(AtomicUsize, AtomicUsize); MAX_ARENAS] =
        [const { (AtomicUsize::new(0), AtomicUsize::new(0)) }; MAX_ARENAS];
    /// The lowest start and highest end of all arenas: most frees are outside, and are told so
    /// with two loads.
    static LOWEST: AtomicUsize = AtomicUsize::new(usize::MAX);
    static HIGHEST: AtomicUsize = AtomicUsize::new(0);

    thread_local! {
        /// The calling thread's arena as `(start, next free byte, end)`; zeros when it has none.
        /// A `const` initializer without a destructor: reading it never allocates.
        static CURRENT: Cell<(usize, usize, usize)> = const { Cell::new((0, 0, 0)) };
    }

    pub fn enter_arena(capacity: usize) {
        let capacity = capacity.next_multiple_of(HUGE_PAGE);
        if ARENAS
            .iter()
            .all(|(start, _)| start.load(Ordering::Acquire) != 0)
        {
            return;
        }
        let start = map_huge_aligned(capacity);
        if start.is_null() {
            return;
        }
        let start = start as usize;
        let end = start + capacity;
        // Published before the thread hands out blocks from it, so that any thread freeing one
        // recognizes it. A slot belongs to the one thread whose exchange succeeds.
        let claimed = ARENAS.iter().find(|(slot_start, _)| {
            slot_start
                .compare_exchange(0, start, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
        });
        let Some((_, slot_end)) = claimed else {
            // SAFETY: the mapping was just made and nothing points into it.
            unsafe { libc::munmap(start as *mut libc::c_void, capacity) };
            return;
        };
        slot_end.store(end, Ordering::Release);
        LOWEST.fetch_min(start, Ordering::AcqRel);
        HIGHEST.fetch_max(end, Ordering::AcqRel);
        let _ = CURRENT.try_with(|current| current.set((start, start, end)));
    }

    pub fn leave_arena() {
        let _ = CURRENT.try_with(|current| current.set((0, 0, 0)));
    }

    pub fn arena_alloc(layout: Layout) -> Option<*mut u8> {
        CURRENT
            .try_with(|current| {
                let (start, next, end) = current.get();
                if next == 0 {
                    return None;
                }
                let block = next.checked_next_multiple_of(layout.align())?;
                let stop = block.checked_add(layout.size())?;
                if stop > end {
                    return None;
                }
                current.set((start, stop, end));
                Some(block as *mut u8)
            })
            .ok()
            .flatten()
    }

    /// Resizes the thread's latest block in its own arena where it lies, when the arena has room;
    /// a shrink keeps the block and its place.
    pub fn arena_grow_in_place(ptr: *mut u8, layout: Layout, new_size: usize) -> Option<*mut u8> {
        if new_size <= layout.size() {
            return Some(ptr);
        }
        CURRENT
            .try_with(|current| {
                let (start, next, end) = current.get();
                let block = ptr as usize;
                let block_end = block.checked_add(layout.size())?;
                let new_end = block.checked_add(new_size)?;
                if next == 0 || block < start || block_end != next || new_end > end {
                    return None;
                }
                current.set((start, new_end, end));
                Some(ptr)
            })
            .ok()
            .flatten()
    }

    pub fn in_arena(ptr: *mut u8) -> bool {
        let address = ptr as usize;
        if address < LOWEST.load(Ordering::Acquire) || address >= HIGHEST.load(Ordering::Acquire) {
            return false;
        }
        ARENAS.iter().any(|(start, end)| {
            let start = start.load(Ordering::Acquire);
            start != 0 && address >= start && address < end.load(Ordering::Acquire)
        })
    }

    pub fn is_large(layout: Layout) -> bool {
        layout.size() >= LARGE && layout.align() <= PAGE
    }

    pub fn map_large(size: usize) -> *mut u8 {
        map_huge_aligned(size.next_multiple_of(PAGE))
    }

    /// # Safety
    /// `ptr` and `size` are a block [`map_large`] returned.
    pub unsafe fn unmap_large(ptr: *mut u8, size: usize) {
        // SAFETY: the block is a mapping of exactly this length (rounded as `map_large` did).
        unsafe { libc::munmap(ptr.cast(), size.next_multiple_of(PAGE)) };
    }

    /// `len` (a multiple of the page size) bytes of fresh memory starting on a huge-page
    /// boundary, marked for huge pages; null if the system refuses.
    fn map_huge_aligned(len: usize) -> *mut u8 {
        let Some(reserved) = len.checked_add(HUGE_PAGE) else {
            return std::ptr::null_mut();
        };
        // SAFETY: an anonymous private mapping chosen by the kernel touches no existing memory.
        let raw = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                reserved,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if raw == libc::MAP_FAILED {
            return std::ptr::null_mut();
        }
        let raw = raw as usize;
        let start = raw.next_multiple_of(HUGE_PAGE);
        let end = start + len;
        // SAFETY: the head and tail trimmed off lie inside the mapping just made, outside
        // `[start, end)`, and nothing points into them; the advice only concerns `[start, end)`.
        unsafe {
            if start > raw {
                libc::munmap(raw as *mut libc::c_void, start - raw);
            }
            if raw + reserved > end {
                libc::munmap(end as *mut libc::c_void, raw + reserved - end);
            }
            // Only a hint: where huge pages are off it fails or does nothing, and ordinary
            // pages serve.
            libc::madvise(start as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
        }
        start as *mut u8
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    use std::alloc::Layout;

    pub fn enter_arena(_capacity: usize) {}

    pub fn leave_arena() {}

    pub fn arena_alloc(_layout: Layout) -> Option<*mut u8> {
        None
    }

    pub fn arena_grow_in_place(
        _ptr: *mut u8,
        _layout: Layout,
        _new_size: usize,
    ) -> Option<*mut u8> {
        None
    }

    pub fn in_arena(_ptr: *mut u8) -> bool {
        false
    }

    pub fn is_large(_layout: Layout) -> bool {
        false
    }

    pub fn map_large(_size: usize) -> *mut u8 {
        std::ptr::null_mut()
    }

    pub unsafe fn unmap_large(_ptr: *mut u8, _size: usize) {}
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).expect("a valid layout")
    }

    /// Runs `body` on a thread of its own (arenas are per thread) and returns what it returns.
    fn on_thread<T: Send + 'static>(body: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::spawn(body).join().expect("the test thread")
    }

    #[test]
    fn an_arena_hands_out_aligned_distinct_zeroed_blocks_and_ignores_frees() {
        on_thread(|| {
            let heap = SidecarAllocator;
            let arena = BuildArena::enter(4 << 20);
            let mut blocks = Vec::new();
            for (size, align) in [(1, 1), (24, 8), (3, 2), (100, 64), (7, 1), (4096, 4096)] {
                // SAFETY: non-zero sizes.
                let block = unsafe { heap.alloc(layout(size, align)) };
                assert!(!block.is_null());
                assert_eq!(block as usize % align, 0, "aligned to {align}");
                assert!(imp::in_arena(block));
                // SAFETY: the block is `size` bytes.
                let bytes = unsafe { std::slice::from_raw_parts_mut(block, size) };
                assert!(
                    bytes.iter().all(|b| *b == 0),
                    "fresh arena memory is zeroed"
                );
                bytes.fill(size as u8);
                blocks.push((block, size, align));
            }
            for (block, size, _) in &blocks {
                // SAFETY: written above, not freed.
                let bytes = unsafe { std::slice::from_raw_parts(*block, *size) };
                assert!(
                    bytes.iter().all(|b| *b == *size as u8),
                    "blocks do not overlap"
                );
            }
            for (block, size, align) in blocks {
                // SAFETY: each block with its own layout, once.
                unsafe { heap.dealloc(block, layout(size, align)) };
            }
            // SAFETY: non-zero size.
            let after = unsafe { heap.alloc(layout(8, 8)) };
            assert!(imp::in_arena(after));
            drop(arena);
            // SAFETY: non-zero size; freed right after.
            let outside = unsafe { heap.alloc(layout(8, 8)) };
            assert!(
                !imp::in_arena(outside),
                "the system serves after the arena is left"
            );
            // SAFETY: allocated above with this layout.
            unsafe { heap.dealloc(outside, layout(8, 8)) };
        });
    }

    #[test]
    fn the_latest_arena_block_grows_in_place_and_others_move_with_their_contents() {
        on_thread(|| {
            let heap = SidecarAllocator;
            let _arena = BuildArena::enter(4 << 20);
            // SAFETY: non-zero sizes; every pointer is used with the layout it has.
            unsafe {
                let first = heap.alloc(layout(16, 8));
                first.write_bytes(7, 16);
                let grown = heap.realloc(first, layout(16, 8), 64);
                assert_eq!(grown, first, "the latest block grows where it is");
                let second = heap.alloc(layout(8, 8));
                let moved = heap.realloc(grown, layout(64, 8), 128);
                assert_ne!(moved, grown, "a block with another after it moves");
                assert!(imp::in_arena(moved));
                assert_eq!(std::slice::from_raw_parts(moved, 16), &[7; 16]);
                let shrunk = heap.realloc(moved, layout(128, 8), 4);
                assert_eq!(shrunk, moved, "a shrink keeps its place");
                heap.dealloc(second, layout(8, 8));
            }
        });
    }

    #[test]
    fn a_full_arena_falls_back_to_the_system_and_frees_there() {
        on_thread(|| {
            let heap = SidecarAllocator;
            let _arena = BuildArena::enter(1);
            let capacity = 2 << 20;
            // SAFETY: non-zero sizes; used with the layouts they were made with.
            unsafe {
                let filler = heap.alloc(layout(capacity - 16, 8));
                assert!(imp::in_arena(filler));
                let spill = heap.alloc(layout(64, 8));
                assert!(
                    !imp::in_arena(spill),
                    "past the arena's end the system serves"
                );
                spill.write_bytes(1, 64);
                let grown = heap.realloc(spill, layout(64, 8), 256);
                assert!(!imp::in_arena(grown));
                assert_eq!(std::slice::from_raw_parts(grown, 64), &[1; 64]);
                heap.dealloc(grown, layout(256, 8));
                let moved = heap.realloc(filler, layout(capacity - 16, 8), capacity + 16);
                assert!(
                    !imp::in_arena(moved),
                    "an arena block too big for it moves out"
                );
                heap.dealloc(moved, layout(capacity + 16, 8));
            }
        });
    }

    #[test]
    fn large_blocks_start_on_a_huge_page_and_move_between_kinds_intact() {
        let heap = SidecarAllocator;
        let small = layout(64 * 1024, 8);
        let large = layout(3 << 20, 8);
        // SAFETY: non-zero sizes; used with the layouts they were made with.
        unsafe {
            let block = heap.alloc(small);
            block.write_bytes(5, small.size());
            let grown = heap.realloc(block, small, large.size());
            assert_eq!(
                grown as usize % (2 << 20),
                0,
                "a large block is huge-page aligned"
            );
            assert!(
                std::slice::from_raw_parts(grown, small.size())
                    .iter()
                    .all(|b| *b == 5)
            );
            grown.add(large.size() - 1).write(9);
            let back = heap.realloc(grown, large, small.size());
            assert!(
                std::slice::from_raw_parts(back, small.size())
                    .iter()
                    .all(|b| *b == 5)
            );
            heap.dealloc(back, small);
            let zeroed = heap.alloc_zeroed(large);
            assert!(
                std::slice::from_raw_parts(zeroed, large.size())
                    .iter()
                    .all(|b| *b == 0)
            );
            heap.dealloc(zeroed, large);
        }
    }

    #[test]
    fn over_aligned_large_layouts_stay_with_the_system() {
        let heap = SidecarAllocator;
        let odd = layout(2 << 20, 8192);
        assert!(!imp::is_large(odd));
        // SAFETY: non-zero size; freed with its layout.
        unsafe {
            let block = heap.alloc(odd);
            assert_eq!(block as usize % 8192, 0);
            heap.dealloc(block, odd);
        }
    }
}
