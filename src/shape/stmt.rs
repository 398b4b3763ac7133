//! Lowers a whole model: shapes of declarations from their annotations
//! and values, shapes of equations worked out in rounds (a recurrence may
//! use a quantity defined further down, or itself one step back), then one
//! scalar statement per entry.

use super::error::ShapeError;
use super::expr::{Failure, Lowerer};
use super::types::{entry_name, Role, Shape, Tensor, TensorDecl, Tensors};
use crate::syntax::ast::{Decl, Expr, File, Ident, Lhs, ShapeSpec, Stmt, StmtKind};
use crate::syntax::Span;
use std::collections::{BTreeMap, BTreeSet};

fn spec_shape(s: &ShapeSpec) -> Shape {
    Shape {
        rows: s.rows,
        cols: s.cols.unwrap_or(1),
    }
}

fn ident_at(name: String, span: Span) -> Ident {
    Ident { name, span }
}

/// The shape written and the shape of the value must agree.
fn agree(name: &Ident, spec: Option<&ShapeSpec>, value: Option<Shape>) -> Result<Shape, ShapeError> {
    if let Some(s) = spec {
        let n = s.rows as u128 * s.cols.unwrap_or(1) as u128;
        super::expr::within(n, super::expr::MAX_ENTRIES, &format!("`{}`", name.name), s.span)?;
    }
    match (spec, value) {
        (Some(s), Some(v)) if spec_shape(s) != v => Err(ShapeError::Mismatch {
            message: format!(
                "`{}` is declared {} ({}), but its value is {} ({})",
                name.name,
                spec_shape(s).words(),
                spec_shape(s).text(),
                v.words(),
                v.text()
            ),
            span: s.span,
            help: Some("a matrix is written row by row: `[[1, 2], [3, 4]]`".into()),
        }),
        (Some(s), _) => Ok(spec_shape(s)),
        (None, Some(v)) => Ok(v),
        (None, None) => Ok(Shape::SCALAR),
    }
}

fn done(r: Result<Tensor, Failure>, span: Span) -> Result<Tensor, ShapeError> {
    r.map_err(|f| match f {
        Failure::Shape(e) => e,
        // Everything is known once the rounds are over.
        Failure::Pending => ShapeError::invalid("the shape here cannot be worked out", span, None),
    })
}

/// Lowers `file` to scalar statements. Returns the lowered file and the
/// tensor structure (every vector or matrix name, the functions, the file
/// as written).
pub fn lower_file(file: &File) -> Result<(File, Tensors), ShapeError> {
    let mut tensors = Tensors {
        source: file.clone(),
        ..Default::default()
    };
    let none = BTreeSet::new();
    // Declarations first: their shapes are written or shown by their values.
    let mut equations: BTreeMap<String, Vec<&Stmt>> = BTreeMap::new();
    for stmt in &file.stmts {
        match &stmt.kind {
            StmtKind::Param(decls) => {
                for d in decls {
                    let shape = match &d.value {
                        Some(v) => Some(done(Lowerer::new(&tensors, &none).expr(v), v.span)?.shape),
                        None => None,
                    };
                    let shape = agree(&d.name, d.shape.as_ref(), shape)?;
                    declare_as(&mut tensors, &d.name, shape, Role::Param, d.shape.is_some());
                }
            }
            StmtKind::Input(decls) | StmtKind::Target(decls) => {
                let role = if matches!(stmt.kind, StmtKind::Input(_)) {
                    Role::Input
                } else {
                    Role::Target
                };
                for d in decls {
                    let shape = seq_shape(&tensors, d)?;
                    declare_as(&mut tensors, &d.name, shape, role, d.shape.is_some());
                }
            }
            StmtKind::Const(decls) => {
                if let Some(s) = decls.iter().find_map(|d| d.shape.as_ref()) {
                    return Err(ShapeError::invalid(
                        "a `const` is a single number",
                        s.span,
                        Some("declare vectors and matrices with `param`"),
                    ));
                }
            }
            StmtKind::Opaque(names) => tensors.opaque.extend(names.iter().map(|n| n.name.clone())),
            StmtKind::Show(name, text, _) => {
                tensors.shows.insert(name.name.clone(), text.clone());
            }
            StmtKind::Equation(Lhs::Function(name, params), body) => {
                tensors.functions.insert(
                    name.name.clone(),
                    (params.iter().map(|p| p.name.clone()).collect(), body.clone()),
                );
            }
            StmtKind::Equation(Lhs::Plain(name) | Lhs::Indexed(name, _), _) => {
                equations.entry(name.name.clone()).or_default().push(stmt);
            }
            _ => {}
        }
    }
    // A name declared twice, or both declared and defined by an equation,
    // is defined twice; said here, before two shapes could be given to it
    // (fuzz find: `input x: 2 = […]` then `input x = [1, 3]` lowered the
    // second with the first one's entry count).
    let mut declared: BTreeSet<&str> = BTreeSet::new();
    for stmt in &file.stmts {
        let names: Vec<&Ident> = match &stmt.kind {
            StmtKind::Param(ds) | StmtKind::Const(ds) => ds.iter().map(|d| &d.name).collect(),
            StmtKind::Input(ds) | StmtKind::Target(ds) => ds.iter().map(|d| &d.name).collect(),
            StmtKind::Opaque(ns) => ns.iter().collect(),
            _ => Vec::new(),
        };
        for id in names {
            if !declared.insert(id.name.as_str()) {
                return Err(ShapeError::invalid(
                    format!("`{}` is declared twice", id.name),
                    id.span,
                    Some("remove one of the two declarations, or rename one"),
                ));
            }
        }
    }
    if let Some((name, stmts)) = equations.iter().find(|(name, _)| declared.contains(name.as_str())) {
        let span = match &stmts[0].kind {
            StmtKind::Equation(Lhs::Plain(id) | Lhs::Indexed(id, _), _) => id.span,
            _ => stmts[0].span,
        };
        return Err(ShapeError::invalid(
            format!("`{name}` is declared, and defined again here by an equation"),
            span,
            Some("remove one of the two definitions, or rename one"),
        ));
    }
    infer_equations(&mut tensors, &equations)?;
    let decls = &tensors.decls;
    tensors.shows.retain(|name, _| decls.contains_key(name));
    let mut out = Vec::with_capacity(file.stmts.len());
    for stmt in &file.stmts {
        out.extend(lower_stmt(&tensors, stmt)?);
    }
    Ok((File { stmts: out }, tensors))
}

fn declare(tensors: &mut Tensors, name: &Ident, shape: Shape, role: Role) {
    declare_as(tensors, name, shape, role, false);
}

/// Records `name` as a vector or matrix; a 1×1 shape only when `written`
/// (`param b: 1` has an entry `b[1]`, and computes as a number).
fn declare_as(tensors: &mut Tensors, name: &Ident, shape: Shape, role: Role, written: bool) {
    if !shape.is_scalar() || written {
        tensors.decls.insert(
            name.name.clone(),
            TensorDecl {
                name: name.name.clone(),
                shape,
                role,
                span: name.span,
            },
        );
    }
}

/// The shape of one element of an input or target sequence.
fn seq_shape(tensors: &Tensors, d: &Decl<Vec<Expr>>) -> Result<Shape, ShapeError> {
    let none = BTreeSet::new();
    let mut found: Option<Shape> = None;
    for item in d.value.iter().flatten() {
        let s = done(Lowerer::new(tensors, &none).expr(item), item.span)?.shape;
        match found {
            Some(f) if f != s => {
                return Err(ShapeError::Mismatch {
                    message: format!(
                        "the steps of `{}` need one shape: this one is {}, the first is {}",
                        d.name.name,
                        s.words(),
                        f.words()
                    ),
                    span: item.span,
                    help: None,
                })
            }
            _ => found = Some(s),
        }
    }
    agree(&d.name, d.shape.as_ref(), found)
}

/// Works out the shape of every equation's name in rounds: a name whose
/// right sides use only known shapes is settled; a recurrence that uses
/// only itself besides is tried as a scalar.
fn infer_equations(tensors: &mut Tensors, equations: &BTreeMap<String, Vec<&Stmt>>) -> Result<(), ShapeError> {
    let mut pending: BTreeSet<String> = equations.keys().cloned().collect();
    while !pending.is_empty() {
        let mut settled = Vec::new();
        for name in &pending {
            if let Some(shape) = try_shape(tensors, &pending, &equations[name])? {
                settled.push((name.clone(), shape));
            }
        }
        if settled.is_empty() {
            // No name could be settled from the others: a recurrence with
            // no boundary value uses itself first. Try it as a scalar, then
            // as a vector of each size the model declares, and keep the
            // first shape its own equations agree with.
            let mut dims: Vec<usize> = tensors
                .decls
                .values()
                .flat_map(|d| [d.shape.rows, d.shape.cols])
                .collect();
            dims.sort_unstable();
            dims.dedup();
            let candidates: Vec<Shape> = std::iter::once(Shape::SCALAR)
                .chain(dims.into_iter().filter(|&n| n > 1).map(Shape::vector))
                .collect();
            for name in &pending {
                let mut others = pending.clone();
                others.remove(name);
                let stmt = equations[name][0];
                let role = match &stmt.kind {
                    StmtKind::Equation(Lhs::Indexed(..), _) => Role::Sequence,
                    _ => Role::Quantity,
                };
                for &candidate in &candidates {
                    let mut trial = tensors.clone();
                    declare(&mut trial, &ident_at(name.clone(), stmt.span), candidate, role);
                    if let Ok(Some(s)) = try_shape(&trial, &others, &equations[name]) {
                        if s == candidate {
                            settled.push((name.clone(), s));
                            break;
                        }
                    }
                }
                if !settled.is_empty() {
                    break;
                }
            }
        }
        if settled.is_empty() {
            let name = pending.iter().next().expect("not empty");
            return Err(ShapeError::invalid(
                format!("the shape of `{name}` cannot be worked out: its equations use it (or each other) before any shape is known"),
                equations[name][0].span,
                Some(&format!("give a boundary value, such as `{name}[0] = zeros(2)`")),
            ));
        }
        for (name, shape) in settled {
            pending.remove(&name);
            let stmt = equations[&name][0];
            let role = match &stmt.kind {
                StmtKind::Equation(Lhs::Indexed(..), _) => Role::Sequence,
                _ => Role::Quantity,
            };
            let span = match &stmt.kind {
                StmtKind::Equation(Lhs::Indexed(id, _) | Lhs::Plain(id), _) => id.span,
                _ => stmt.span,
            };
            declare(tensors, &ident_at(name, span), shape, role);
        }
    }
    Ok(())
}

/// The shape of the first right side that lowers with what is known.
fn try_shape(tensors: &Tensors, pending: &BTreeSet<String>, stmts: &[&Stmt]) -> Result<Option<Shape>, ShapeError> {
    for stmt in stmts {
        let StmtKind::Equation(_, rhs) = &stmt.kind else {
            continue;
        };
        match Lowerer::new(tensors, pending).expr(rhs) {
            Ok(t) => return Ok(Some(t.shape)),
            Err(Failure::Pending) => continue,
            Err(Failure::Shape(e)) => return Err(e),
        }
    }
    Ok(None)
}

/// One statement as scalar statements: a declaration or equation of a
/// vector or matrix becomes one per entry.
fn lower_stmt(tensors: &Tensors, stmt: &Stmt) -> Result<Vec<Stmt>, ShapeError> {
    let none = BTreeSet::new();
    let one = |kind| Ok(vec![Stmt { kind, span: stmt.span }]);
    let shape_of = |name: &str| tensors.get(name).map_or(Shape::SCALAR, |d| d.shape);
    let names = |id: &Ident| entry_names(id, shape_of(&id.name), tensors.get(&id.name).is_some());
    match &stmt.kind {
        StmtKind::Param(decls) => {
            let mut out = Vec::new();
            for d in decls {
                let values = match &d.value {
                    Some(v) => Some(done(Lowerer::new(tensors, &none).expr(v), v.span)?.entries),
                    None => None,
                };
                for (k, name) in names(&d.name).into_iter().enumerate() {
                    out.push(Decl {
                        name,
                        shape: None,
                        value: values.as_ref().map(|v| v[k].clone()),
                    });
                }
            }
            one(StmtKind::Param(out))
        }
        StmtKind::Input(decls) | StmtKind::Target(decls) => {
            let mut out = Vec::new();
            for d in decls {
                let items = match &d.value {
                    Some(items) => Some(
                        items
                            .iter()
                            .map(|x| done(Lowerer::new(tensors, &none).expr(x), x.span).map(|t| t.entries))
                            .collect::<Result<Vec<_>, _>>()?,
                    ),
                    None => None,
                };
                for (k, name) in names(&d.name).into_iter().enumerate() {
                    out.push(Decl {
                        name,
                        shape: None,
                        value: items.as_ref().map(|steps| steps.iter().map(|e| e[k].clone()).collect()),
                    });
                }
            }
            one(if matches!(stmt.kind, StmtKind::Input(_)) {
                StmtKind::Input(out)
            } else {
                StmtKind::Target(out)
            })
        }
        StmtKind::Equation(Lhs::Function(..), _) => Ok(Vec::new()),
        StmtKind::Equation(lhs, rhs) => {
            let name = match lhs {
                Lhs::Plain(id) | Lhs::Indexed(id, _) => id,
                Lhs::Function(..) => unreachable!("handled above"),
            };
            let shape = shape_of(&name.name);
            let t = done(Lowerer::new(tensors, &none).expr(rhs), rhs.span)?;
            if t.shape != shape {
                return Err(ShapeError::Mismatch {
                    message: format!(
                        "`{}` is {} ({}) elsewhere, but this right side is {} ({})",
                        name.name,
                        shape.words(),
                        shape.text(),
                        t.shape.words(),
                        t.shape.text()
                    ),
                    span: rhs.span,
                    help: None,
                });
            }
            let step = match lhs {
                Lhs::Indexed(_, k) => Some(Lowerer::new(tensors, &none).scalar(k, "a step").map_err(|f| match f {
                    Failure::Shape(e) => e,
                    Failure::Pending => ShapeError::invalid("unknown step", k.span, None),
                })?),
                _ => None,
            };
            let mut out = Vec::with_capacity(t.entries.len());
            for (entry, value) in names(name).into_iter().zip(t.entries) {
                let lhs = match &step {
                    Some(k) => Lhs::Indexed(entry, k.clone()),
                    None => Lhs::Plain(entry),
                };
                out.push(Stmt {
                    kind: StmtKind::Equation(lhs, value),
                    span: stmt.span,
                });
            }
            Ok(out)
        }
        StmtKind::Show(name, _, _) if tensors.get(&name.name).is_some() => Ok(Vec::new()),
        other => one(other.clone()),
    }
}

/// The lowered names of every entry of `name`, row by row; the name itself
/// for a scalar.
fn entry_names(name: &Ident, shape: Shape, tensor: bool) -> Vec<Ident> {
    if !tensor {
        return vec![name.clone()];
    }
    let mut out = Vec::with_capacity(shape.len());
    for i in 0..shape.rows {
        for j in 0..shape.cols {
            out.push(ident_at(entry_name(&name.name, shape, i, j), name.span));
        }
    }
    out
}
