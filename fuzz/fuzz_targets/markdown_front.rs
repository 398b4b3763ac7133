//! The document front ends on arbitrary UTF-8, then the reader on each
//! segment: never a panic, and every segment's offset lies in the file.
#![no_main]

use chainrule::check::document::{line_col, markdown_math, tex_math};
use chainrule::check::latex::read_math;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    for seg in markdown_math(src).into_iter().chain(tex_math(src)) {
        assert!(seg.start <= src.len());
        let _ = line_col(src, seg.start);
        let _ = read_math(&seg.text);
    }
});
