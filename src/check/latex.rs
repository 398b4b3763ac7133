//! Placeholder until the reader lands (branch `latex`).
use super::math::Line;
pub fn read_math(_text: &str) -> Vec<Line> {
    Vec::new()
}
