//! Same-step cycles, found before any unrolling: `a = b` with `b = a`,
//! `h[t] = h[t] + 1`, a function that calls itself.
//!
//! Cycles that only close across steps (`a[t] = b[t-1]`, `b[t] = a[t+1]`)
//! are found by the unroller, which knows the steps.

use super::error::ResolveError;
use super::offset::step_offset;
use super::types::*;
use crate::syntax::Span;

/// Edges `from → to` with the span of the reference.
fn edges(model: &Model) -> Vec<Vec<(SymId, Span)>> {
    let mut out = vec![Vec::new(); model.symbols.len()];
    for (i, sym) in model.symbols.iter().enumerate() {
        let (root, is_general) = match &sym.kind {
            SymKind::Quantity { def } => (def, false),
            SymKind::Function { body, .. } => (body, false),
            SymKind::Sequence(Sequence { general: Some(g), .. }) => (g, true),
            _ => continue,
        };
        let mut stack = vec![root];
        while let Some(e) = stack.pop() {
            match &e.kind {
                RKind::Sym(id) if matches!(model.symbol(*id).kind, SymKind::Quantity { .. }) => {
                    out[i].push((*id, e.span))
                }
                RKind::Apply(id, _) => out[i].push((*id, e.span)),
                RKind::Elem(id, idx) => {
                    let seq = matches!(model.symbol(*id).kind, SymKind::Sequence(_));
                    if is_general && seq && step_offset(idx) == Some(0) {
                        out[i].push((*id, e.span));
                    }
                }
                _ => {}
            }
            stack.extend(e.children());
        }
    }
    out
}

/// Rejects the first same-step cycle, in declaration order, naming its path.
pub fn check_cycles(model: &Model) -> Result<(), ResolveError> {
    let edges = edges(model);
    // 0 = unvisited, 1 = on the current path, 2 = done. Iterative DFS.
    let mut color = vec![0u8; edges.len()];
    for start in 0..edges.len() {
        if color[start] != 0 {
            continue;
        }
        let mut path: Vec<(usize, usize)> = vec![(start, 0)];
        color[start] = 1;
        while let Some(&mut (node, ref mut next)) = path.last_mut() {
            if let Some(&(to, span)) = edges[node].get(*next) {
                *next += 1;
                let to = to.0 as usize;
                match color[to] {
                    0 => {
                        color[to] = 1;
                        path.push((to, 0));
                    }
                    1 => {
                        let from = path.iter().position(|&(n, _)| n == to).unwrap_or(0);
                        let mut names: Vec<String> = path[from..].iter().map(|&(n, _)| label(model, n)).collect();
                        names.push(label(model, to));
                        let help = match model.symbols[to].kind {
                            SymKind::Sequence(_) => format!(
                                "`{}` cannot depend on itself at the same step; did you mean an earlier step, like `{}[t-1]`?",
                                label(model, to),
                                model.symbols[to].name
                            ),
                            SymKind::Function { .. } => "functions are inlined, so they cannot call themselves".into(),
                            _ => "a quantity cannot be defined in terms of itself".into(),
                        };
                        return Err(ResolveError::Cycle {
                            cycle: names.join(" → "),
                            help,
                            span,
                            name: label(model, to),
                        });
                    }
                    _ => {}
                }
            } else {
                color[node] = 2;
                path.pop();
            }
        }
    }
    Ok(())
}

fn label(model: &Model, i: usize) -> String {
    let sym = &model.symbols[i];
    match sym.kind {
        SymKind::Sequence(_) => format!("{}[t]", sym.name),
        SymKind::Function { .. } => format!("{}(…)", sym.name),
        _ => sym.name.clone(),
    }
}
