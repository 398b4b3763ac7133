//! LaTeX math to MathML (`--format html`), so a page shows formulas with
//! no JavaScript and no network: browsers lay out MathML Core themselves.
//!
//! The conversion is `pulldown-latex`'s. Whatever it cannot read (an
//! unknown command, an unbalanced brace, a formula too large or too deeply
//! nested to hand it) is shown as its LaTeX source in a `<code>` block,
//! never an error: a page of a hundred formulas should not fail on one.

use pulldown_latex::config::DisplayMode;
use pulldown_latex::{push_mathml, Parser, RenderConfig, Storage};

/// Formulas longer than this (bytes) are shown as source: a derivation's
/// longest line is a few thousand bytes; a student's, less.
const MAX_LEN: usize = 64 * 1024;

/// Brace, `\left`/`\begin` nesting deeper than this is shown as source, so
/// the converter never recurses far (the check reader stops at 64 too).
const MAX_DEPTH: usize = 64;

/// `latex` as inline MathML (`<math>…</math>`), or its source in
/// `<code class="latex">` when it cannot be converted.
///
/// ```
/// use chainrule::mathml::inline;
/// assert!(inline(r"h^{(1)}").starts_with("<math"));
/// assert_eq!(inline(r"\frac{1"), r#"<code class="latex">\frac{1</code>"#);
/// ```
pub fn inline(latex: &str) -> String {
    convert(latex, DisplayMode::Inline).unwrap_or_else(|| format!("<code class=\"latex\">{}</code>", escape(latex)))
}

/// `latex` as display MathML (`<math display="block">…</math>`), or its
/// source in `<pre><code class="latex">` when it cannot be converted.
///
/// ```
/// use chainrule::mathml::display;
/// assert!(display(r"\begin{aligned} a &= b \\ &= c \end{aligned}").contains("<mtable"));
/// assert!(display(r"\nosuchcommand{x}").starts_with("<pre"));
/// ```
pub fn display(latex: &str) -> String {
    convert(latex, DisplayMode::Block)
        .unwrap_or_else(|| format!("<pre class=\"latex\"><code>{}</code></pre>", escape(latex)))
}

/// Text with `$…$` math in it (as the Markdown reports write notes):
/// the text escaped, each formula as inline MathML.
///
/// ```
/// let html = chainrule::mathml::prose("counts as 2 paths: $z_{4}$ uses <it> twice");
/// assert!(html.starts_with("counts as 2 paths: <math") && html.ends_with("uses &lt;it&gt; twice"));
/// ```
pub fn prose(text: &str) -> String {
    let mut out = String::new();
    for (i, piece) in text.split('$').enumerate() {
        if i % 2 == 1 && text.matches('$').count() % 2 == 0 {
            out.push_str(&inline(piece));
        } else if i % 2 == 1 {
            out.push('$');
            out.push_str(&escape(piece));
        } else {
            out.push_str(&escape(piece));
        }
    }
    out
}

/// Whether `latex` converts (rather than falling back to its source).
pub fn converts(latex: &str) -> bool {
    convert(latex, DisplayMode::Inline).is_some()
}

/// Text for HTML element content or a quoted attribute.
///
/// ```
/// assert_eq!(chainrule::mathml::escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
/// ```
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn convert(latex: &str, mode: DisplayMode) -> Option<String> {
    if latex.trim().is_empty() || latex.len() > MAX_LEN || depth(latex) > MAX_DEPTH {
        return None;
    }
    // The parser reports what it cannot read; the renderer is only handed
    // a complete, well-formed event list. Its internal expectations are a
    // library's, not ours: should one fail, the formula shows as source.
    std::panic::catch_unwind(|| {
        let storage = Storage::new();
        let events: Vec<_> = Parser::new(latex, &storage).collect::<Result<_, _>>().ok()?;
        let config = RenderConfig {
            display_mode: mode,
            annotation: None,
            ..RenderConfig::default()
        };
        let mut out = String::new();
        push_mathml(&mut out, events.into_iter().map(Ok::<_, std::io::Error>), config).ok()?;
        Some(tidy(out))
    })
    .ok()
    .flatten()
}

/// Nesting of braces and environments, the most the converter would recurse.
fn depth(latex: &str) -> usize {
    let (mut now, mut most) = (0usize, 0usize);
    let bytes = latex.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &latex[i..];
        if bytes[i] == b'\\' && bytes.get(i + 1).is_some_and(|b| b"{}".contains(b)) {
            i += 2;
            continue;
        }
        if bytes[i] == b'{' || rest.starts_with("\\left") || rest.starts_with("\\begin") {
            now += 1;
            most = most.max(now);
        } else if bytes[i] == b'}' || rest.starts_with("\\right") || rest.starts_with("\\end") {
            now = now.saturating_sub(1);
        }
        i += 1;
    }
    most
}

/// The renderer writes `\Bigl(` as `stretchy="true"minsize="1.8em"`: an
/// attribute with no space before it, which HTML parsers accept with a
/// parse error. Put the space in.
fn tidy(mathml: String) -> String {
    if mathml.contains("\"minsize=") {
        mathml.replace("\"minsize=", "\" minsize=")
    } else {
        mathml
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivation_latex_converts() {
        for s in [
            r"\frac{\partial L(y^{(2)})}{\partial w_{1}}",
            r"\operatorname{ReLU}(z_{2}) \mathbb{1}[z>0]",
            r"\Bigl(a + b\Bigr) \approx -0.0465919 \times 10^{-61}",
            r"\sum_{t=1}^{T} \prod_{j=a}^{b} \delta_{h} \varepsilon \hat{y} \boldsymbol{h}^{\top} \odot",
            r"\begin{aligned} z_{1} &= w_{1} x_{1}^{(1)} && 1 \le t \le 3 \\ &\qquad \, \cdot \to \end{aligned}",
        ] {
            assert!(converts(s), "{s}");
        }
        assert!(!inline(r"\Bigl(a\Bigr)").contains("\"minsize"));
    }

    #[test]
    fn what_cannot_convert_is_shown_as_source() {
        for s in ["\\frac{1", "\\foo{x}", "a & b", "", "{{{{".repeat(40).as_str()] {
            let shown = inline(s);
            assert!(shown.starts_with("<code"), "{s}: {shown}");
        }
        assert_eq!(inline("<b>&"), "<code class=\"latex\">&lt;b&gt;&amp;</code>");
        let deep = format!("{}x{}", "{".repeat(100), "}".repeat(100));
        assert!(display(&deep).starts_with("<pre"));
    }

    #[test]
    fn text_is_escaped_inside_math() {
        assert!(!inline(r"\text{<script>}").contains("<script>"));
    }
}
