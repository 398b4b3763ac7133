//! Placeholder until the front ends land (branch `latex`).
pub struct Segment {
    pub start: usize,
    pub text: String,
    pub display: bool,
}
pub fn markdown_math(_src: &str) -> Vec<Segment> {
    Vec::new()
}
pub fn tex_math(_src: &str) -> Vec<Segment> {
    Vec::new()
}
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let before = &src[..offset.min(src.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}
