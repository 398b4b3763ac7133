//! How model names are typeset in LaTeX (LANGUAGE.md §1, "Default
//! typesetting of names"), and how a step index is attached to them.

use crate::graph::Sym;
use crate::model::{Model, SymId, TimeStyle};

/// Greek letter names with a LaTeX command of the same name. `omicron` and
/// capitals such as `Alpha` are missing on purpose: LaTeX has no command for
/// them, and they would look like Latin letters anyway.
const GREEK: &str = "ell alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota \
    kappa lambda mu nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega \
    Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega";

/// Name suffixes that become an accent over the rest of the name.
const ACCENTS: [(&str, &str); 4] = [
    ("hat", "\\hat"),
    ("bar", "\\bar"),
    ("tilde", "\\tilde"),
    ("dot", "\\dot"),
];

/// The LaTeX command for a Greek letter name: `alpha` → `\alpha`.
fn greek(name: &str) -> Option<String> {
    let known = GREEK.split_whitespace().any(|g| g == name);
    known.then(|| format!("\\{name}"))
}

/// Default LaTeX for a bare model name (no step), per LANGUAGE.md §1.
///
/// Trailing digits and the parts after `_` become one subscript, Greek
/// names become commands, a `hat`/`bar`/`tilde`/`dot` suffix on a single
/// letter or Greek name becomes an accent, other multi-letter names are set
/// upright with `\mathrm`, and single letters stay as they are.
///
/// ```
/// use chainrule::notation::names::default_latex;
/// assert_eq!(default_latex("w1"), "w_{1}");
/// assert_eq!(default_latex("w_hh"), "w_{hh}");
/// assert_eq!(default_latex("beta2"), "\\beta_{2}");
/// assert_eq!(default_latex("yhat2"), "\\hat{y}_{2}");
/// assert_eq!(default_latex("loss"), "\\mathrm{loss}");
/// assert_eq!(default_latex("uf"), "u_{f}");
/// assert_eq!(default_latex("Ws"), "W_{s}");
/// assert_eq!(default_latex("Whh"), "W_{hh}");
/// assert_eq!(default_latex("Pi"), "\\Pi");
/// assert_eq!(default_latex("mu"), "\\mu");
/// assert_eq!(default_latex("L"), "L");
/// ```
pub fn default_latex(name: &str) -> String {
    if let Some((base, idx)) = crate::shape::split_entry(name) {
        return entry_latex(&default_latex(base), &idx);
    }
    let mut parts = name.split('_');
    let head = parts.next().unwrap_or_default();
    let tail: Vec<&str> = parts.collect();
    let stem = head.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = &head[stem.len()..];
    // `_x`, `x_`, `a__b` or `_1` have no sensible math reading: set them as
    // the literal name rather than guess.
    if stem.is_empty() || tail.iter().any(|p| p.is_empty()) {
        return format!("\\mathrm{{{}}}", name.replace('_', "\\_"));
    }
    // Two lower-case letters that are not a Greek name read as a letter
    // with a subscript, as weight and gate names are written in the
    // literature: `uf` → `u_{f}`, `bo` → `b_{o}`, `hf` → `h_{f}`.
    let two_letters = stem.len() == 2 && stem.bytes().all(|b| b.is_ascii_lowercase()) && greek(stem).is_none();
    // A capital (a matrix, by the course's convention) with one or two
    // lower-case letters reads the same way: `Ws` → `W_{s}`, `Whh` → `W_{hh}`.
    let capital = (2..=3).contains(&stem.len())
        && stem.as_bytes()[0].is_ascii_uppercase()
        && stem.bytes().skip(1).all(|b| b.is_ascii_lowercase())
        && greek(stem).is_none();
    let (stem, lead_sub) = if two_letters || capital {
        stem.split_at(1)
    } else {
        (stem, "")
    };
    let mut out = stem_latex(stem);
    // `w1_h` has both a digit and an underscore subscript; one merged
    // subscript avoids LaTeX's "double subscript" error.
    let mut subs: Vec<String> = Vec::new();
    if !lead_sub.is_empty() {
        subs.push(lead_sub.to_string());
    }
    if !digits.is_empty() {
        subs.push(digits.to_string());
    }
    subs.extend(tail.iter().map(|p| greek(p).unwrap_or_else(|| p.to_string())));
    if !subs.is_empty() {
        out.push_str("_{");
        out.push_str(&subs.join(","));
        out.push('}');
    }
    out
}

/// Entry `idx` (1-based) of a vector or matrix typeset as `base`: a
/// subscript merged into the base's own (`W_{f}` → `W_{f,12}`), with
/// commas between indices once one has two digits (`W_{1,12}`).
///
/// ```
/// use chainrule::notation::names::{default_latex, entry_latex};
/// assert_eq!(entry_latex("W", &[1, 2]), "W_{12}");
/// assert_eq!(entry_latex("W_{f}", &[2, 1]), "W_{f,21}");
/// assert_eq!(default_latex("W[1,12]"), "W_{1,12}");
/// assert_eq!(default_latex("yhat[2]"), "\\hat{y}_{2}");
/// ```
pub fn entry_latex(base: &str, idx: &[usize]) -> String {
    let sep = if idx.iter().any(|&i| i > 9) { "," } else { "" };
    let sub = idx.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(sep);
    match trailing_subscript(base) {
        Some((head, s)) => format!("{head}_{{{s},{sub}}}"),
        None if has_subscript(base) || has_superscript(base) => format!("{{{base}}}_{{{sub}}}"),
        None => format!("{base}_{{{sub}}}"),
    }
}

/// A name without subscripts: Greek, accented, a single letter, or upright.
fn stem_latex(stem: &str) -> String {
    if let Some(g) = greek(stem) {
        return g;
    }
    for (suffix, accent) in ACCENTS {
        let Some(inner) = stem.strip_suffix(suffix) else {
            continue;
        };
        // Only a single letter or a Greek letter takes the accent: `crowbar`
        // is a word, not "crow with a bar".
        if inner.chars().count() == 1 {
            return format!("{accent}{{{inner}}}");
        }
        if let Some(g) = greek(inner) {
            return format!("{accent}{{{g}}}");
        }
    }
    if stem.chars().count() == 1 {
        stem.to_string()
    } else {
        format!("\\mathrm{{{stem}}}")
    }
}

/// The characters of `s` outside every `{...}` group, with their byte
/// offsets; a backslash-escaped character (`\_`, `\{`) is skipped.
fn top_level(s: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut depth = 0i32;
    let mut escaped = false;
    s.char_indices().filter(move |&(_, c)| {
        if escaped {
            escaped = false;
            return false;
        }
        match c {
            '\\' => escaped = true,
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => return depth == 0,
        }
        false
    })
}

/// True when `base` already carries a superscript (`^` or a prime) outside
/// braces, so that another superscript would be a LaTeX error.
pub(crate) fn has_superscript(base: &str) -> bool {
    top_level(base).any(|(_, c)| c == '^' || c == '\'')
}

fn has_subscript(base: &str) -> bool {
    top_level(base).any(|(_, c)| c == '_')
}

/// If `base` ends in a subscript, the part of `base` before the subscript's
/// content and that content: `x_{1}` → (`x`, `1`); `W_1` → (`W`, `1`).
fn trailing_subscript(base: &str) -> Option<(&str, &str)> {
    if let Some(body) = base.strip_suffix('}') {
        // Walk back to the `{` that this `}` closes.
        let mut depth = 0i32;
        for (i, c) in body.char_indices().rev() {
            match c {
                '}' => depth += 1,
                '{' if depth > 0 => depth -= 1,
                '{' => {
                    let before = &body[..i];
                    let escaped = before.ends_with("\\_");
                    return (before.ends_with('_') && !escaped).then(|| (&before[..i - 1], &body[i + 1..]));
                }
                _ => {}
            }
        }
        return None;
    }
    let mut rev = base.char_indices().rev();
    let (last_at, last) = rev.next()?;
    let (us_at, us) = rev.next()?;
    let escaped = base[..us_at].ends_with('\\');
    (us == '_' && last.is_alphanumeric() && !escaped && us_at > 0).then(|| (&base[..us_at], &base[last_at..]))
}

/// Attaches a step to a typeset base, in the model's time style.
///
/// Superscript style gives `x_{1}^{(2)}`; subscript style merges the step
/// into a trailing subscript (`x_{1,2}`) or adds one (`h_{2}`). Any base
/// works, including arbitrary LaTeX from `show`. A base that already has a
/// superscript (or, in subscript style, a subscript that is not at its end)
/// is grouped in braces first, so the result is always valid LaTeX.
///
/// ```
/// use chainrule::model::TimeStyle::{Subscript, Superscript};
/// use chainrule::notation::names::with_step;
/// assert_eq!(with_step("x_{1}", Some(2), Superscript), "x_{1}^{(2)}");
/// assert_eq!(with_step("x_{1}", Some(2), Subscript), "x_{1,2}");
/// assert_eq!(with_step("h", Some(-1), Superscript), "h^{(-1)}");
/// assert_eq!(with_step("\\hat{y}", Some(2), Subscript), "\\hat{y}_{2}");
/// assert_eq!(with_step("w", None, Subscript), "w");
/// ```
pub fn with_step(base: &str, step: Option<i64>, style: TimeStyle) -> String {
    with_step_text(base, step.map(|k| k.to_string()).as_deref(), style)
}

/// [`with_step`] with the step already written (`t+1`, `T`).
pub fn with_step_text(base: &str, step: Option<&str>, style: TimeStyle) -> String {
    let Some(k) = step else {
        return base.to_string();
    };
    match style {
        TimeStyle::Superscript if has_superscript(base) => format!("{{{base}}}^{{({k})}}"),
        TimeStyle::Superscript => format!("{base}^{{({k})}}"),
        TimeStyle::Subscript => match trailing_subscript(base) {
            Some((head, sub)) => format!("{head}_{{{sub},{k}}}"),
            None if has_subscript(base) => format!("{{{base}}}_{{{k}}}"),
            None => format!("{base}_{{{k}}}"),
        },
    }
}

/// The LaTeX names of the symbols of one model, computed once and then
/// looked up by [`Sym`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Typesetter {
    /// Indexed by `SymId`.
    bases: Vec<String>,
    style: TimeStyle,
    /// Steps near the generic `t` and the horizon `T` of a general
    /// derivation are written as `t+1`, `T` (see [`crate::vocab::steps`]).
    symbolic_steps: bool,
    /// Steps near the generic `t` are moved by this much first: an
    /// expression made at `t` written at another step (`0`, `T−1`).
    shift: i64,
    /// What the generic step is called.
    step_name: &'static str,
    /// Steps near this one are written relative to it, as `t`, `t-1`: a
    /// line of an unrolled network written once for a stretch of steps.
    relative: Option<i64>,
}

impl Typesetter {
    /// Bases from `show name as "..."` where given, else [`default_latex`];
    /// steps placed by the model's `style time`.
    pub fn new(model: &Model) -> Typesetter {
        let bases = model
            .symbols
            .iter()
            .map(|s| {
                s.show.clone().unwrap_or_else(|| {
                    // An entry of a vector or matrix the model shows its own way.
                    match crate::shape::split_entry(&s.name) {
                        Some((base, idx)) if model.tensors.shows.contains_key(base) => {
                            entry_latex(&model.tensors.shows[base], &idx)
                        }
                        _ => default_latex(&s.name),
                    }
                })
            })
            .collect();
        Typesetter {
            bases,
            style: model.time_style,
            symbolic_steps: false,
            shift: 0,
            step_name: "t",
            relative: None,
        }
    }

    /// A typesetter from bases indexed by `SymId` (for tests and tools that
    /// have no [`Model`]).
    pub fn from_parts(bases: Vec<String>, style: TimeStyle) -> Typesetter {
        Typesetter {
            bases,
            style,
            symbolic_steps: false,
            shift: 0,
            step_name: "t",
            relative: None,
        }
    }

    /// The symbol with its step: `x_{1}^{(2)}`. Panics if `sym.id` is not a
    /// symbol of this typesetter's model.
    ///
    /// ```
    /// use chainrule::graph::Sym;
    /// use chainrule::model::{SymId, TimeStyle};
    /// use chainrule::notation::names::Typesetter;
    /// let ts = Typesetter::from_parts(vec!["h".into()], TimeStyle::Superscript);
    /// assert_eq!(ts.symbol(Sym { id: SymId(0), step: Some(0) }), "h^{(0)}");
    /// ```
    pub fn symbol(&self, sym: Sym) -> String {
        if let Some(at) = self.relative {
            use crate::vocab::steps::{relative_text, STEP_RADIUS};
            let step = sym.step.map(|k| {
                if (k - at).abs() <= STEP_RADIUS {
                    relative_text(k - at, self.step_name)
                } else {
                    k.to_string()
                }
            });
            return with_step_text(self.base(sym.id), step.as_deref(), self.style);
        }
        if self.symbolic_steps {
            use crate::vocab::steps::{step_text_as, GENERIC_T, STEP_RADIUS};
            let moved = |k: i64| {
                if (k - GENERIC_T).abs() <= STEP_RADIUS {
                    k + self.shift
                } else {
                    k
                }
            };
            let step = sym.step.map(|k| step_text_as(moved(k), self.step_name));
            return with_step_text(self.base(sym.id), step.as_deref(), self.style);
        }
        with_step(self.base(sym.id), sym.step, self.style)
    }

    /// The same names, with the steps of a general derivation written as
    /// `t+1` and `T` (see [`crate::vocab::steps`]).
    pub fn symbolic(mut self) -> Typesetter {
        self.symbolic_steps = true;
        self
    }

    /// The same, with an expression made at the generic step written at
    /// step `at` instead (`at` itself near 0 or near the horizon), and the
    /// generic step called `name`.
    pub fn at_step(&self, at: i64, name: &'static str) -> Typesetter {
        Typesetter {
            shift: at - crate::vocab::steps::GENERIC_T,
            step_name: name,
            ..self.clone()
        }
    }

    /// The same names, with steps near `at` written relative to it and
    /// `at` itself called `name`: `h^{(t-1)}` for `h^{(4)}` at 5.
    ///
    /// ```
    /// use chainrule::graph::Sym;
    /// use chainrule::model::{SymId, TimeStyle};
    /// use chainrule::notation::names::Typesetter;
    /// let ts = Typesetter::from_parts(vec!["h".into()], TimeStyle::Superscript).relative(5, "t");
    /// assert_eq!(ts.symbol(Sym { id: SymId(0), step: Some(4) }), "h^{(t-1)}");
    /// ```
    pub fn relative(&self, at: i64, name: &'static str) -> Typesetter {
        Typesetter {
            relative: Some(at),
            step_name: name,
            ..self.clone()
        }
    }

    /// A step as this typesetter writes it (`3`, or `t-1` relative to a step).
    pub fn step(&self, k: i64) -> String {
        match self.relative {
            Some(at) if (k - at).abs() <= crate::vocab::steps::STEP_RADIUS => {
                crate::vocab::steps::relative_text(k - at, self.step_name)
            }
            _ => k.to_string(),
        }
    }

    /// The base of a symbol, without a step.
    pub fn base(&self, id: SymId) -> &str {
        &self.bases[id.0 as usize]
    }

    /// Every base, indexed by `SymId`.
    pub fn bases(&self) -> &[String] {
        &self.bases
    }

    /// Where this typesetter places steps.
    pub fn style(&self) -> TimeStyle {
        self.style
    }
}
