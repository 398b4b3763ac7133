//! Resolving the names inside one right side: sum variables, function
//! parameters, the step variable, then the model's symbols and built-ins.

use super::error::ResolveError;
use super::types::*;
use crate::syntax::ast::{Expr, ExprKind, Ident};
use crate::vocab::Builtin;

/// The names bound around an expression.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// The step variable of a recurrence (`t` in `h[t] = ...`).
    pub step: Option<String>,
    /// The parameters of a function definition.
    pub args: Vec<String>,
    /// Enclosing sum variables, innermost last; the slot is the position.
    pub sums: Vec<String>,
}

/// Resolves `e`; also returns how many sum slots it needs.
pub fn resolve_expr(e: &Expr, model: &Model, mut scope: Scope) -> Result<(RExpr, usize), ResolveError> {
    let mut slots = 0;
    let r = walk(e, model, &mut scope, &mut slots)?;
    Ok((r, slots))
}

/// "did you mean `w2`?" for the closest known name, if one is close.
pub fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let lower = name.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c == name {
            continue;
        }
        let d = if c.to_lowercase() == lower {
            0
        } else {
            strsim::damerau_levenshtein(name, c)
        };
        let limit = (name.chars().count().max(c.chars().count()) / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, bc)| (d, c) < (bd, bc)) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| format!("did you mean `{c}`?"))
}

fn visible_names<'a>(model: &'a Model, scope: &'a Scope) -> impl Iterator<Item = &'a str> {
    model
        .symbols
        .iter()
        .map(|s| s.name.as_str())
        .chain(scope.sums.iter().map(String::as_str))
        .chain(scope.args.iter().map(String::as_str))
        .chain(scope.step.iter().map(String::as_str))
        .chain(Builtin::ALL.iter().map(|b| b.name()))
}

fn unknown(id: &Ident, model: &Model, scope: &Scope) -> ResolveError {
    ResolveError::UnknownName {
        name: id.name.clone(),
        span: id.span,
        help: suggest(&id.name, visible_names(model, scope)),
    }
}

fn kind_phrase(kind: &SymKind) -> &'static str {
    match kind {
        SymKind::Param { .. } => "a parameter",
        SymKind::Input { .. } => "an input sequence",
        SymKind::Target { .. } => "a target sequence",
        SymKind::Const { .. } => "a constant",
        SymKind::Quantity { .. } => "a plain quantity",
        SymKind::Sequence(_) => "a quantity indexed by step",
        SymKind::Function { .. } => "a function",
        SymKind::Opaque => "an opaque function",
    }
}

fn misuse(id: &Ident, what: String, help: Option<String>) -> ResolveError {
    ResolveError::Misuse {
        name: id.name.clone(),
        what,
        span: id.span,
        help,
    }
}

fn walk(e: &Expr, model: &Model, scope: &mut Scope, slots: &mut usize) -> Result<RExpr, ResolveError> {
    let kind = match &e.kind {
        ExprKind::Num(q) => RKind::Num(q.clone()),
        ExprKind::Name(id) => {
            if let Some(slot) = scope.sums.iter().rposition(|s| *s == id.name) {
                RKind::SumVar(slot)
            } else if let Some(i) = scope.args.iter().position(|a| *a == id.name) {
                RKind::Arg(i)
            } else if scope.step.as_deref() == Some(id.name.as_str()) {
                RKind::Step
            } else if let Some(sid) = model.lookup(&id.name) {
                let sym = model.symbol(sid);
                match &sym.kind {
                    SymKind::Param { .. } | SymKind::Const { .. } | SymKind::Quantity { .. } => RKind::Sym(sid),
                    SymKind::Input { .. } | SymKind::Target { .. } | SymKind::Sequence(_) => {
                        let at = scope.step.as_deref().unwrap_or("k");
                        return Err(misuse(
                            id,
                            kind_phrase(&sym.kind).to_string(),
                            Some(format!("give the step: `{}[{at}]`", id.name)),
                        ));
                    }
                    SymKind::Function { params, .. } => {
                        return Err(misuse(
                            id,
                            "a function".into(),
                            Some(format!("call it with {} argument(s): `{}(...)`", params.len(), id.name)),
                        ))
                    }
                    SymKind::Opaque => {
                        return Err(misuse(
                            id,
                            "an opaque function".into(),
                            Some(format!("call it with one argument: `{}(...)`", id.name)),
                        ))
                    }
                }
            } else if Builtin::from_name(&id.name).is_some() {
                return Err(misuse(
                    id,
                    "a built-in function".into(),
                    Some(format!("call it: `{}(...)`", id.name)),
                ));
            } else {
                return Err(unknown(id, model, scope));
            }
        }
        ExprKind::Index(id, idx) => {
            let Some(sid) = model.lookup(&id.name) else {
                return Err(unknown(id, model, scope));
            };
            let sym = model.symbol(sid);
            match &sym.kind {
                SymKind::Input { .. } | SymKind::Target { .. } | SymKind::Sequence(_) => {
                    RKind::Elem(sid, Box::new(walk(idx, model, scope, slots)?))
                }
                other => {
                    return Err(misuse(
                        id,
                        format!("{}, which has no steps", kind_phrase(other)),
                        Some(format!("write `{}` without `[...]`", id.name)),
                    ))
                }
            }
        }
        ExprKind::Call(id, args) => {
            if let Some(b) = Builtin::from_name(&id.name) {
                if args.len() != 1 {
                    return Err(ResolveError::Arity {
                        name: id.name.clone(),
                        expected: "1 argument".into(),
                        got: format!("{} were", args.len()),
                        span: e.span,
                        help: None,
                    });
                }
                RKind::Builtin(b, Box::new(walk(&args[0], model, scope, slots)?))
            } else if let Some(sid) = model.lookup(&id.name) {
                let sym = model.symbol(sid);
                match &sym.kind {
                    SymKind::Opaque => {
                        if args.len() != 1 {
                            return Err(ResolveError::Arity {
                                name: id.name.clone(),
                                expected: "1 argument".into(),
                                got: format!("{} were", args.len()),
                                span: e.span,
                                help: Some(format!("`{}` is an opaque function of one argument", id.name)),
                            });
                        }
                        RKind::Opaque(sid, Box::new(walk(&args[0], model, scope, slots)?))
                    }
                    SymKind::Function { params, .. } => {
                        if params.len() != args.len() {
                            return Err(ResolveError::Arity {
                                name: id.name.clone(),
                                expected: plural(params.len(), "argument"),
                                got: if args.len() == 1 {
                                    "1 was".into()
                                } else {
                                    format!("{} were", args.len())
                                },
                                span: e.span,
                                help: Some(format!(
                                    "`{}` is defined as `{}({})`",
                                    id.name,
                                    id.name,
                                    params.join(", ")
                                )),
                            });
                        }
                        let rargs = args
                            .iter()
                            .map(|a| walk(a, model, scope, slots))
                            .collect::<Result<_, _>>()?;
                        RKind::Apply(sid, rargs)
                    }
                    other => {
                        let help = matches!(
                            other,
                            SymKind::Sequence(_) | SymKind::Input { .. } | SymKind::Target { .. }
                        )
                        .then(|| format!("for a step, write `{}[...]`", id.name));
                        return Err(misuse(id, format!("{}, not a function", kind_phrase(other)), help));
                    }
                }
            } else {
                return Err(unknown(id, model, scope));
            }
        }
        ExprKind::Sum { var, lo, hi, body } => {
            let lo = walk(lo, model, scope, slots)?;
            let hi = walk(hi, model, scope, slots)?;
            scope.sums.push(var.name.clone());
            let slot = scope.sums.len() - 1;
            *slots = (*slots).max(scope.sums.len());
            let body = walk(body, model, scope, slots);
            scope.sums.pop();
            RKind::Sum {
                slot,
                lo: Box::new(lo),
                hi: Box::new(hi),
                body: Box::new(body?),
            }
        }
        ExprKind::Neg(a) => RKind::Neg(Box::new(walk(a, model, scope, slots)?)),
        ExprKind::AddChain(first, rest) => RKind::AddChain(
            Box::new(walk(first, model, scope, slots)?),
            rest.iter()
                .map(|(op, x)| Ok((*op, walk(x, model, scope, slots)?)))
                .collect::<Result<_, ResolveError>>()?,
        ),
        ExprKind::MulChain(first, rest) => RKind::MulChain(
            Box::new(walk(first, model, scope, slots)?),
            rest.iter()
                .map(|(op, x)| Ok((*op, walk(x, model, scope, slots)?)))
                .collect::<Result<_, ResolveError>>()?,
        ),
        ExprKind::Pow(a, b) => RKind::Pow(
            Box::new(walk(a, model, scope, slots)?),
            Box::new(walk(b, model, scope, slots)?),
        ),
        // `shape` lowers these to scalars before resolving; one reaches
        // here only in a text resolved on its own, without the model's
        // shapes.
        ExprKind::List(_) | ExprKind::Entry(..) | ExprKind::Transpose(_) => {
            return Err(ResolveError::Invalid {
                message: "a vector or matrix form where a number is needed".into(),
                span: e.span,
                help: Some("entries are written `W[1,2]`, `h[t][2]`".into()),
            })
        }
    };
    Ok(RExpr { kind, span: e.span })
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
