//! Software prefetch: a hint that memory is about to be read, for loops over data spread across
//! many small allocations, where the hardware cannot guess the next address.

/// Brings the cache line holding the start of `value` towards the core.
pub fn prefetch<T>(value: &T) {
    prefetch_address(std::ptr::from_ref(value).cast());
}

/// Brings the cache lines `values` spans towards the core.
pub fn prefetch_slice<T>(values: &[T]) {
    const LINE: usize = 64;
    let start = values.as_ptr().cast::<u8>();
    let len = std::mem::size_of_val(values);
    for offset in (0..len).step_by(LINE) {
        prefetch_address(start.wrapping_add(offset));
    }
}

fn prefetch_address(address: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint: it neither reads memory architecturally nor faults, even
    // on an invalid address; SSE, which provides it, is part of the x86_64 baseline.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(address.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = address;
}
