//! Placeholder until the front ends land (branch `latex`).
pub struct Segment {
    pub start: usize,
    pub text: String,
    pub display: bool,
}
pub fn markdown_math(src: &str) -> Vec<Segment> {
    // Naive placeholder: `$$…$$` and `$…$`.
    let mut out = Vec::new();
    let b = src.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' {
            let display = i + 1 < b.len() && b[i + 1] == b'$';
            let open = if display { 2 } else { 1 };
            let start = i + open;
            let close = if display { "$$" } else { "$" };
            if let Some(end) = src[start..].find(close) {
                out.push(Segment {
                    start,
                    text: src[start..start + end].to_string(),
                    display,
                });
                i = start + end + open;
                continue;
            }
        }
        i += 1;
    }
    out
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
