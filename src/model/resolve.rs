//! Stage 2: syntax tree to [`Model`]. Collects declarations, applies
//! `--set`, resolves every name in every equation, and rejects duplicates,
//! misuse and same-step cycles with located errors.

use super::constant::{constant_value, integer_value};
use super::cycles::check_cycles;
use super::error::ResolveError;
use super::offset::step_offset;
use super::scope::{resolve_expr, Scope};
use super::settings::{SetValue, Setting};
use super::types::*;
use crate::number::Q;
use crate::syntax::ast::{Decl, Expr, ExprKind, File, Lhs, StmtKind};
use crate::syntax::Span;
use std::collections::HashMap;

/// Resolves a parsed file, with command-line settings applied.
///
/// ```
/// use chainrule::{model::resolve, syntax::parse};
/// let file = parse("param w = 2\nh[0] = 1\nh[t] = w*h[t-1]").unwrap();
/// let model = resolve(&file, &[]).unwrap();
/// assert_eq!(model.symbols.len(), 2);
/// ```
pub fn resolve(file: &File, settings: &[Setting]) -> Result<Model, ResolveError> {
    let mut r = Resolver::default();
    r.declare(file, settings)?;
    r.apply_settings(settings)?;
    r.define(file)?;
    r.finish()
}

#[derive(Default)]
struct Resolver {
    model: Model,
    consts: HashMap<String, Q>,
    /// Equations waiting for their right sides to be resolved, in file order.
    /// Each with the span of its left side, for "first defined here".
    pending: Vec<(SymId, PendingDef, Span)>,
}

enum PendingDef {
    Quantity(Expr),
    General(String, Expr),
    Fixed(i64, Expr),
    Function(Vec<String>, Expr),
}

impl Resolver {
    fn add_symbol(&mut self, name: &str, span: Span, kind: SymKind) -> Result<SymId, ResolveError> {
        if let Some(&id) = self.model.by_name.get(name) {
            return Err(ResolveError::Duplicate {
                name: name.to_string(),
                span,
                first: self.model.symbol(id).span,
            });
        }
        if crate::vocab::Builtin::from_name(name).is_some() || name == "sum" {
            return Err(ResolveError::Invalid {
                message: format!("`{name}` is a built-in function and cannot be redefined"),
                span,
                help: Some("choose another name".into()),
            });
        }
        let id = SymId(self.model.symbols.len() as u32);
        self.model.symbols.push(Symbol {
            name: name.to_string(),
            span,
            kind,
            show: None,
        });
        self.model.by_name.insert(name.to_string(), id);
        Ok(id)
    }

    /// Pass 1: every declaration and the left side of every equation, so
    /// that a name may be used before the line that defines it.
    fn declare(&mut self, file: &File, settings: &[Setting]) -> Result<(), ResolveError> {
        // Consts first, in order, with settings applied as they are
        // declared: fixed steps such as `h[T]` and later values depend on them.
        for stmt in &file.stmts {
            if let StmtKind::Const(decls) = &stmt.kind {
                for Decl { name, value, .. } in decls {
                    let mut v = value.as_ref().map(|e| constant_value(e, &self.consts)).transpose()?;
                    if let Some(s) = settings.iter().rev().find(|s| s.name == name.name && s.index.is_none()) {
                        if let SetValue::Scalar(q) = &s.value {
                            v = Some(q.clone());
                        }
                    }
                    if let Some(q) = &v {
                        self.consts.insert(name.name.clone(), q.clone());
                    }
                    self.add_symbol(&name.name, name.span, SymKind::Const { value: v })?;
                }
            }
        }
        for stmt in &file.stmts {
            match &stmt.kind {
                StmtKind::Const(_) => {}
                StmtKind::Opaque(names) => {
                    for name in names {
                        self.add_symbol(&name.name, name.span, SymKind::Opaque)?;
                    }
                }
                StmtKind::Param(decls) => {
                    for Decl { name, value, .. } in decls {
                        let v = value.as_ref().map(|e| constant_value(e, &self.consts)).transpose()?;
                        self.add_symbol(&name.name, name.span, SymKind::Param { value: v })?;
                    }
                }
                StmtKind::Input(decls) | StmtKind::Target(decls) => {
                    let is_input = matches!(stmt.kind, StmtKind::Input(_));
                    for Decl { name, value, .. } in decls {
                        let values = value
                            .as_ref()
                            .map(|list| list.iter().map(|e| constant_value(e, &self.consts)).collect())
                            .transpose()?;
                        let kind = if is_input {
                            SymKind::Input { values }
                        } else {
                            SymKind::Target { values }
                        };
                        self.add_symbol(&name.name, name.span, kind)?;
                    }
                }
                StmtKind::Equation(lhs, rhs) => self.declare_equation(lhs, rhs)?,
                StmtKind::Assume(a, b) => {
                    if a.name == "relu" && b.name == "active" {
                        self.model.relu_active = true;
                    } else {
                        return Err(ResolveError::Invalid {
                            message: format!("unknown assumption `{} {}`", a.name, b.name),
                            span: a.span.to(b.span),
                            help: Some("the one assumption is `assume relu active`".into()),
                        });
                    }
                }
                StmtKind::Style(a, b) => {
                    self.model.time_style = match (a.name.as_str(), b.name.as_str()) {
                        ("time", "superscript") => TimeStyle::Superscript,
                        ("time", "subscript") => TimeStyle::Subscript,
                        _ => {
                            return Err(ResolveError::Invalid {
                                message: format!("unknown style `{} {}`", a.name, b.name),
                                span: a.span.to(b.span),
                                help: Some("write `style time superscript` or `style time subscript`".into()),
                            })
                        }
                    }
                }
                StmtKind::Show(..) => {}
            }
        }
        // `show` last: it may name anything declared anywhere.
        for stmt in &file.stmts {
            if let StmtKind::Show(name, latex, _) = &stmt.kind {
                let id = self.lookup_or_suggest(&name.name, name.span)?;
                self.model.symbols[id.0 as usize].show = Some(latex.clone());
            }
        }
        Ok(())
    }

    fn declare_equation(&mut self, lhs: &Lhs, rhs: &Expr) -> Result<(), ResolveError> {
        match lhs {
            Lhs::Plain(name) => {
                let id = self.add_symbol(&name.name, name.span, SymKind::Quantity { def: placeholder() })?;
                self.pending.push((id, PendingDef::Quantity(rhs.clone()), name.span));
            }
            Lhs::Function(name, params) => {
                for (i, p) in params.iter().enumerate() {
                    if let Some(q) = params[..i].iter().find(|q| q.name == p.name) {
                        return Err(ResolveError::Duplicate {
                            name: p.name.clone(),
                            span: p.span,
                            first: q.span,
                        });
                    }
                }
                let names: Vec<String> = params.iter().map(|p| p.name.clone()).collect();
                let kind = SymKind::Function {
                    params: names.clone(),
                    body: placeholder(),
                };
                let id = self.add_symbol(&name.name, name.span, kind)?;
                self.pending
                    .push((id, PendingDef::Function(names, rhs.clone()), name.span));
            }
            Lhs::Indexed(name, index) => {
                let def =
                    match &index.kind {
                        ExprKind::Name(v)
                            if !self.model.by_name.contains_key(&v.name) && !self.consts.contains_key(&v.name) =>
                        {
                            PendingDef::General(v.name.clone(), rhs.clone())
                        }
                        _ => match integer_value(index, &self.consts) {
                            Ok(k) => PendingDef::Fixed(k, rhs.clone()),
                            Err(_) => return Err(ResolveError::Invalid {
                                message:
                                    "the left side must be `name[t]` for a recurrence or `name[K]` for a fixed step"
                                        .into(),
                                span: index.span,
                                help: Some(
                                    "move offsets to the right side: write `h[t] = ... h[t-1] ...`, not `h[t+1] = ...`"
                                        .into(),
                                ),
                            }),
                        },
                    };
                let id = match self.model.by_name.get(&name.name).copied() {
                    Some(id) => {
                        let sym = self.model.symbol(id);
                        let SymKind::Sequence(seq) = &sym.kind else {
                            return Err(ResolveError::Duplicate {
                                name: name.name.clone(),
                                span: name.span,
                                first: sym.span,
                            });
                        };
                        let clash = match &def {
                            PendingDef::General(..) => seq.general.is_some(),
                            PendingDef::Fixed(k, _) => seq.fixed.contains_key(k),
                            _ => false,
                        };
                        if clash {
                            let first = self
                                .pending
                                .iter()
                                .find(|(pid, d, _)| {
                                    *pid == id
                                        && match (d, &def) {
                                            (PendingDef::General(..), PendingDef::General(..)) => true,
                                            (PendingDef::Fixed(a, _), PendingDef::Fixed(b, _)) => a == b,
                                            _ => false,
                                        }
                                })
                                .map_or(sym.span, |(_, _, lhs)| *lhs);
                            let what = match &def {
                                PendingDef::Fixed(k, _) => format!("{}[{k}]", name.name),
                                _ => format!("{}[t]", name.name),
                            };
                            return Err(ResolveError::Duplicate {
                                name: what,
                                span: name.span.to(index.span),
                                first,
                            });
                        }
                        id
                    }
                    None => self.add_symbol(&name.name, name.span, SymKind::Sequence(Sequence::default()))?,
                };
                // Record the shape now so that clashes are found in pass 1;
                // the right sides are resolved in pass 2.
                if let SymKind::Sequence(seq) = &mut self.model.symbols[id.0 as usize].kind {
                    match &def {
                        PendingDef::General(..) => seq.general = Some(placeholder()),
                        PendingDef::Fixed(k, _) => {
                            seq.fixed.insert(*k, placeholder());
                        }
                        _ => {}
                    }
                }
                self.pending.push((id, def, name.span.to(index.span)));
            }
        }
        Ok(())
    }

    fn apply_settings(&mut self, settings: &[Setting]) -> Result<(), ResolveError> {
        for s in settings {
            let bad = |message: String, help: Option<String>| ResolveError::BadSetting {
                setting: s.text.clone(),
                message,
                help,
            };
            let Some(id) = self.model.lookup(&s.name) else {
                let help = super::scope::suggest(&s.name, self.model.symbols.iter().map(|x| x.name.as_str()));
                return Err(bad(format!("there is no `{}` in this model", s.name), help));
            };
            let kind = &mut self.model.symbols[id.0 as usize].kind;
            match (kind, &s.index, &s.value) {
                (SymKind::Param { value }, None, SetValue::Scalar(q)) => *value = Some(q.clone()),
                (SymKind::Const { .. }, None, SetValue::Scalar(_)) => {} // applied in `declare`
                (SymKind::Input { values } | SymKind::Target { values }, None, SetValue::List(v)) => {
                    *values = Some(v.clone())
                }
                (SymKind::Input { values } | SymKind::Target { values }, Some(k), SetValue::Scalar(q)) => {
                    let list = values.get_or_insert_with(Vec::new);
                    if *k < 1 || *k > list.len() as i64 {
                        return Err(bad(
                            format!("`{}` has {} values; steps are numbered from 1", s.name, list.len()),
                            Some(format!("set the whole sequence with {}=[v1,v2,...]", s.name)),
                        ));
                    }
                    list[(*k - 1) as usize] = q.clone();
                }
                (SymKind::Param { .. } | SymKind::Const { .. }, _, _) => {
                    return Err(bad(format!("`{}` takes one value", s.name), None))
                }
                (SymKind::Input { .. } | SymKind::Target { .. }, None, SetValue::Scalar(_)) => {
                    return Err(bad(
                        format!("`{}` is a sequence", s.name),
                        Some(format!("write {}=[v1,v2,...] or '{}[k]=v'", s.name, s.name)),
                    ))
                }
                _ => {
                    return Err(bad(
                        format!("`{}` is defined by an equation, not a value", s.name),
                        Some("only parameters, inputs, targets and consts can be set".into()),
                    ))
                }
            }
        }
        Ok(())
    }

    fn lookup_or_suggest(&self, name: &str, span: Span) -> Result<SymId, ResolveError> {
        self.model.lookup(name).ok_or_else(|| ResolveError::UnknownName {
            name: name.to_string(),
            span,
            help: super::scope::suggest(name, self.model.symbols.iter().map(|s| s.name.as_str())),
        })
    }

    /// Pass 2: resolve every right side.
    fn define(&mut self, _file: &File) -> Result<(), ResolveError> {
        let pending = std::mem::take(&mut self.pending);
        let mut max_slots = 0;
        for (id, def, _) in pending {
            let (expr, scope) = match &def {
                PendingDef::Quantity(e) => (e, Scope::default()),
                PendingDef::Fixed(_, e) => (e, Scope::default()),
                PendingDef::General(var, e) => (
                    e,
                    Scope {
                        step: Some(var.clone()),
                        ..Scope::default()
                    },
                ),
                PendingDef::Function(params, e) => (
                    e,
                    Scope {
                        args: params.clone(),
                        ..Scope::default()
                    },
                ),
            };
            let (r, slots) = resolve_expr(expr, &self.model, scope)?;
            max_slots = max_slots.max(slots);
            let kind = &mut self.model.symbols[id.0 as usize].kind;
            match (kind, def) {
                (SymKind::Quantity { def }, _) => *def = r,
                (SymKind::Function { body, .. }, _) => *body = r,
                (SymKind::Sequence(seq), PendingDef::General(..)) => {
                    seq.looks_ahead = looks_ahead(&r);
                    seq.general = Some(r);
                }
                (SymKind::Sequence(seq), PendingDef::Fixed(k, _)) => {
                    seq.fixed.insert(k, r);
                }
                _ => unreachable!("pending definitions match the kinds declared for them"),
            }
        }
        self.model.sum_slots = max_slots;
        Ok(())
    }

    fn finish(self) -> Result<Model, ResolveError> {
        check_cycles(&self.model)?;
        Ok(self.model)
    }
}

fn placeholder() -> RExpr {
    RExpr {
        kind: RKind::Num(Q::zero()),
        span: Span::default(),
    }
}

/// Does a recurrence refer to any step after its own (`h[t+1]`), or index
/// by the step in a way that is not `t ± k`? Such a sequence is bounded by
/// the horizon.
fn looks_ahead(e: &RExpr) -> bool {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match &e.kind {
            RKind::Elem(_, idx) => {
                if mentions_step(idx) && step_offset(idx).is_none_or(|k| k > 0) {
                    return true;
                }
            }
            _ => stack.extend(e.children()),
        }
    }
    false
}

fn mentions_step(e: &RExpr) -> bool {
    match &e.kind {
        RKind::Step => true,
        RKind::Neg(a) => mentions_step(a),
        RKind::AddChain(a, rest) => mentions_step(a) || rest.iter().any(|(_, x)| mentions_step(x)),
        RKind::MulChain(a, rest) => mentions_step(a) || rest.iter().any(|(_, x)| mentions_step(x)),
        RKind::Pow(a, b) => mentions_step(a) || mentions_step(b),
        _ => false,
    }
}
