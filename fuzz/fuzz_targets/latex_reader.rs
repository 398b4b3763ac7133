//! `read_math` on arbitrary UTF-8: never a panic, and every span lies on
//! character boundaries inside the text.
#![no_main]

use chainrule::check::latex::read_math;
use chainrule::check::math::Line;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for line in read_math(text) {
        let span = match &line {
            Line::Chain(c) => c.span,
            Line::Unparsed { span, .. } => *span,
        };
        assert!(span.start <= span.end && span.end <= text.len());
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
    }
});
