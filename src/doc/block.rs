//! The contents of a ```` ```chainrule ```` block: `key: value` lines (`#`
//! starts a comment), then optionally a line `---` and a model written out.

use super::error::{BlockError, ModelSource};
use super::scan::Found;
use crate::calculus::steps::Granularity;
use crate::syntax::Span;

/// What a block asks for, like the command line it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Derive,
    Paths,
    Eval,
}

/// A value and where it starts in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Val {
    pub text: String,
    pub span: Span,
}

/// Where the model comes from.
#[derive(Debug, Clone)]
pub enum ModelRef {
    /// `model: PATH`, relative to the document's directory.
    Path(Val),
    /// The lines after `---`.
    Inline(ModelSource),
}

/// One block, read.
#[derive(Debug, Clone)]
pub struct Block {
    /// The opening fence line.
    pub fence: Span,
    pub command: Command,
    pub model: ModelRef,
    pub of: Option<Val>,
    pub wrt: Option<Val>,
    pub granularity: Granularity,
    pub numbers: bool,
    /// `general: true`: a derivation at a general step (`derive --general`).
    pub general: bool,
    pub symbolic: bool,
    pub max_paths: usize,
    pub steps: Option<i64>,
    pub digits: u32,
    pub random: Option<u64>,
    pub set: Vec<Val>,
}

/// Every key, and the commands it applies to.
const KEYS: [(&str, &[Command]); 13] = {
    use Command::*;
    [
        ("command", &[Derive, Paths, Eval]),
        ("model", &[Derive, Paths, Eval]),
        ("of", &[Derive, Paths, Eval]),
        ("wrt", &[Derive, Paths]),
        ("granularity", &[Derive]),
        ("numbers", &[Derive]),
        ("general", &[Derive]),
        ("symbolic", &[Eval]),
        ("max-paths", &[Derive, Paths]),
        ("steps", &[Derive, Paths, Eval]),
        ("digits", &[Derive, Eval]),
        ("random", &[Derive, Eval]),
        ("set", &[Derive, Paths, Eval]),
    ]
};

/// The keys, for `--help` and messages.
pub fn key_names() -> Vec<&'static str> {
    KEYS.iter().map(|k| k.0).collect()
}

/// Reads a found block.
pub fn read(found: &Found) -> Result<Block, BlockError> {
    let mut pairs: Vec<(String, Val, Span)> = Vec::new();
    let mut inline: Option<ModelSource> = None;
    let mut lines = found.content.split_inclusive('\n').zip(&found.lines);
    for (line, &(_, at)) in lines.by_ref() {
        let line = line.trim_end_matches('\n');
        if line.trim() == "---" {
            let mut text = String::new();
            let mut map = Vec::new();
            for (l, &(_, at)) in lines.by_ref() {
                map.push((text.len(), at));
                text.push_str(l);
            }
            inline = Some(ModelSource {
                name: None,
                text,
                lines: map,
            });
            break;
        }
        let code = line.split('#').next().unwrap_or("");
        if code.trim().is_empty() {
            continue;
        }
        let lead = code.len() - code.trim_start().len();
        let whole = Span::new(at + lead, at + code.trim_end().len());
        let Some(colon) = code.find(':') else {
            return Err(
                BlockError::new("expected `key: value`", whole, "no `:` on this line").help(format!(
                    "a ```chainrule block holds `key: value` lines ({}), then optionally a line `---` and a model",
                    key_names().join(", ")
                )),
            );
        };
        let key = code[..colon].trim();
        let key_span = Span::new(at + lead, at + lead + key.len());
        let raw = &code[colon + 1..];
        let value = raw.trim();
        let vstart = at + colon + 1 + (raw.len() - raw.trim_start().len());
        let val = Val {
            text: value.to_string(),
            span: Span::new(vstart, vstart + value.len()),
        };
        if !KEYS.iter().any(|k| k.0 == key) {
            let mut e = BlockError::new(format!("unknown key `{key}`"), key_span, "not a block key");
            let best = KEYS
                .iter()
                .map(|k| (strsim::jaro_winkler(k.0, key), k.0))
                .fold((0.0, ""), |a, b| if b.0 > a.0 { b } else { a });
            e = if best.0 > 0.8 {
                e.help(format!("did you mean `{}`?", best.1))
            } else {
                e.help(format!("the keys are {}", key_names().join(", ")))
            };
            return Err(e);
        }
        if key != "set" && pairs.iter().any(|p| p.0 == key) {
            return Err(
                BlockError::new(format!("`{key}` is given twice"), key_span, "again here")
                    .help("remove one of the two (only `set` may be repeated)"),
            );
        }
        if val.text.is_empty() {
            return Err(BlockError::new(format!("`{key}` has no value"), key_span, "empty"));
        }
        pairs.push((key.to_string(), val, key_span));
    }
    let get = |k: &str| pairs.iter().find(|p| p.0 == k).map(|p| p.1.clone());
    let command = match get("command") {
        None => Command::Derive,
        Some(v) => match v.text.as_str() {
            "derive" => Command::Derive,
            "paths" => Command::Paths,
            "eval" => Command::Eval,
            _ => {
                return Err(BlockError::new(format!("unknown command `{}`", v.text), v.span, "here")
                    .help("a block runs `derive` (the default), `paths` or `eval`"))
            }
        },
    };
    let name = |c: Command| match c {
        Command::Derive => "derive",
        Command::Paths => "paths",
        Command::Eval => "eval",
    };
    for (key, _, span) in &pairs {
        let applies = KEYS.iter().find(|k| k.0 == key).is_some_and(|k| k.1.contains(&command));
        if !applies {
            return Err(BlockError::new(
                format!("`{key}` does not apply to `{}`", name(command)),
                *span,
                "not for this command",
            ));
        }
    }
    let model = match (get("model"), inline) {
        (Some(v), None) => ModelRef::Path(v),
        (None, Some(m)) => ModelRef::Inline(m),
        (Some(v), Some(_)) => {
            return Err(
                BlockError::new("a block names a model file and also holds one", v.span, "this file")
                    .help("keep either `model: PATH` or the lines after `---`"),
            )
        }
        (None, None) => {
            return Err(BlockError::new("this block has no model", found.fence, "in this block")
                .help("add `model: PATH` (relative to this document), or a line `---` followed by the model"))
        }
    };
    let of = get("of");
    let wrt = get("wrt");
    if command != Command::Eval {
        for (k, v) in [("of", &of), ("wrt", &wrt)] {
            if v.is_none() {
                return Err(
                    BlockError::new(format!("this block has no `{k}`"), found.fence, "in this block")
                        .help(format!("`{}` needs `of: EXPR` and `wrt: NAME`", name(command))),
                );
            }
        }
    }
    let number = |k: &str, max: u64| -> Result<Option<u64>, BlockError> {
        get(k)
            .map(|v| {
                v.text.parse::<u64>().ok().filter(|n| *n <= max).ok_or_else(|| {
                    BlockError::new(format!("`{k}` needs a whole number up to {max}"), v.span, "not one")
                })
            })
            .transpose()
    };
    let flag = |k: &str| -> Result<bool, BlockError> {
        match get(k) {
            None => Ok(false),
            Some(v) => match v.text.as_str() {
                "true" | "yes" => Ok(true),
                "false" | "no" => Ok(false),
                _ => Err(BlockError::new(
                    format!("`{k}` is `true` or `false`"),
                    v.span,
                    "neither",
                )),
            },
        }
    };
    let granularity = match get("granularity") {
        None => Granularity::Operations,
        Some(v) => match v.text.as_str() {
            "operations" => Granularity::Operations,
            "equations" => Granularity::Equations,
            _ => {
                return Err(BlockError::new("unknown granularity", v.span, "here")
                    .help("`granularity: operations` (the default) or `granularity: equations`"))
            }
        },
    };
    let digits = number("digits", 1000)?.unwrap_or(crate::notation::numbers::DEFAULT_SHOWN_DIGITS as u64);
    if digits == 0 {
        let v = get("digits").expect("digits was given");
        return Err(BlockError::new("`digits` is at least 1", v.span, "zero"));
    }
    Ok(Block {
        fence: found.fence,
        command,
        model,
        of,
        wrt,
        granularity,
        numbers: flag("numbers")?,
        general: flag("general")?,
        symbolic: flag("symbolic")?,
        max_paths: number("max-paths", u32::MAX as u64)?.unwrap_or(50) as usize,
        steps: number("steps", i64::MAX as u64)?.map(|n| n as i64),
        digits: digits as u32,
        random: number("random", u64::MAX)?,
        set: pairs.iter().filter(|p| p.0 == "set").map(|p| p.1.clone()).collect(),
    })
}
