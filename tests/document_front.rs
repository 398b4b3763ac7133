//! The document front ends: where each formula is, exactly.

use chainrule::check::document::{line_col, markdown_math, tex_math, Segment};

fn at(src: &str, s: &Segment) -> String {
    src[s.start..s.start + s.text.len()].to_string()
}

#[test]
fn markdown_inline_display_fenced_and_brackets() {
    let src = "# T $a$\n\nLet $h = 1$ and `$no$`.\n\n$$\ny = 2\n$$\n\n```math\nz = 3\n```\n\n```chainrule\nh = $x$\n```\n\nAlso \\[ w = 4 \\] and \\(v\\).\n";
    let segs = markdown_math(src);
    let texts: Vec<(&str, bool)> = segs.iter().map(|s| (s.text.trim(), s.display)).collect();
    assert_eq!(
        texts,
        [
            ("a", false),
            ("h = 1", false),
            ("y = 2", true),
            ("z = 3", true),
            ("w = 4", true),
            ("v", false)
        ]
    );
    for s in &segs {
        assert_eq!(at(src, s), s.text, "{s:?}");
    }
    assert_eq!(line_col(src, segs[1].start), (3, 6));
}

#[test]
fn markdown_student_sample() {
    let src = String::new()
        + "Forward pass:\n\n$$h^{(1)} = w_1 x_1^{(1)} = 1.65$$\n\nThere are two paths from $w_1$ to $L(y^{(2)})$.\n";
    let segs = markdown_math(&src);
    assert_eq!(segs.len(), 3);
    assert_eq!(segs[0].text, "h^{(1)} = w_1 x_1^{(1)} = 1.65");
    assert_eq!(line_col(&src, segs[0].start), (3, 3));
    assert_eq!(at(&src, &segs[2]), "L(y^{(2)})");
}

#[test]
fn markdown_block_quote_is_approximate_but_in_range() {
    let src = "> $$a\n> = b$$\n";
    let segs = markdown_math(src);
    assert_eq!(segs.len(), 1);
    assert!(segs[0].text.contains("= b"));
    assert_eq!(segs[0].start, 4);
}

#[test]
fn tex_environments_comments_preamble() {
    let src = "\\documentclass{article}\n\\newcommand{\\x}{$p$}\n\\begin{document}\n\
               Let $h = 1$, cost \\$5. % $not$ math\n\
               \\begin{equation*} y = 2 \\end{equation*}\n\
               \\begin{align} a &= b \\\\ &= c \\end{align}\n\
               \\[ \\begin{aligned} p &= q \\end{aligned} \\]\n\
               $$ r = s $$ \\( t \\)\n\
               \\begin{verbatim} $u$ \\end{verbatim}\n\
               \\begin{gather} g = 1 \\end{gather}\n\
               \\end{document}\n$after$";
    let segs = tex_math(src);
    let texts: Vec<&str> = segs.iter().map(|s| s.text.trim()).collect();
    assert_eq!(
        texts,
        [
            "h = 1",
            "y = 2",
            "a &= b \\\\ &= c",
            "\\begin{aligned} p &= q \\end{aligned}",
            "r = s",
            "t",
            "g = 1"
        ]
    );
    for s in &segs {
        assert_eq!(at(src, s), s.text);
    }
    assert!(segs
        .iter()
        .all(|s| s.display != (s.text.trim() == "h = 1" || s.text.trim() == "t")));
}

#[test]
fn tex_comment_blanked_inside_math_keeps_offsets() {
    let src = "\\begin{align*}\nh &= 1 % given\n\\\\ &= 2\n\\end{align*}";
    let segs = tex_math(src);
    assert_eq!(segs.len(), 1);
    assert_eq!(segs[0].text.len(), src.find("\\end").unwrap() - segs[0].start);
    assert!(!segs[0].text.contains("given"));
}

#[test]
fn unclosed_openers_are_linear() {
    let src = "$".repeat(200_000) + &"\\[".repeat(100_000) + &"\\begin{align}".repeat(10_000);
    let start = std::time::Instant::now();
    let _ = tex_math(&src);
    let _ = markdown_math(&src);
    assert!(start.elapsed().as_secs() < 10, "{:?}", start.elapsed());
}

#[test]
fn line_col_counts_chars() {
    assert_eq!(line_col("ab\nçd", 5), (2, 2));
    assert_eq!(line_col("ab\nçd", 4), (2, 1));
    assert_eq!(line_col("abc", 0), (1, 1));
    assert_eq!(line_col("abc", 99), (1, 4));
}
