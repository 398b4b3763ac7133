//! The model language on arbitrary UTF-8, as the command line reads a
//! model: parse and resolve (`chainrule::load`, which every command calls
//! first), never a panic. A model that loads and whose sizes are small
//! (see `small`) is then unrolled as `eval` unrolls its table: every plain
//! quantity, and every recurrence at steps 1 to 4. Unrolling errors are
//! fine; a panic, hang or blow-up is not.
#![no_main]

use chainrule::graph::{Key, UnrollOptions, Unroller};
use chainrule::model::{Model, RExpr, RKind, SymKind};
use libfuzzer_sys::fuzz_target;

/// Longest input tried: a model this size cannot legitimately take long.
const MAX_INPUT: usize = 4096;
/// The horizon recurrences are unrolled to.
const HORIZON: i64 = 4;
/// Largest step, const or sum bound an unrolled model may name.
const SMALL: i64 = 64;
/// Unrolling stops once the graph holds this many nodes.
const NODE_BUDGET: usize = 200_000;

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT {
        return;
    }
    let Ok(src) = std::str::from_utf8(data) else { return };
    let Ok(model) = chainrule::load(src, &[]) else { return };
    if !small(&model) {
        return;
    }
    let mut un = Unroller::new(
        &model,
        UnrollOptions {
            horizon: Some(HORIZON),
            ..Default::default()
        },
    );
    for id in model.ids() {
        let sym = model.symbol(id);
        let keys: Vec<Key> = match &sym.kind {
            SymKind::Quantity { .. } => vec![Key::Quantity(id)],
            SymKind::Sequence(seq) if seq.general.is_some() => (1..=HORIZON).map(|k| Key::Elem(id, k)).collect(),
            _ => Vec::new(),
        };
        for key in keys {
            if un.element(key, sym.span).is_err() || un.graph().len() > NODE_BUDGET {
                return;
            }
        }
    }
});

/// Whether unrolling the model is bounded by its text: consts and fixed
/// steps at most `SMALL`, sums nested at most two deep, and every sum
/// bound or step index built only of small integers, consts, steps and
/// sum variables with at most one `+`/`-`. (The unroller's own node cap
/// is 5·10⁷, far past what a fuzzing process can hold, so the target
/// keeps to models it can afford.)
fn small(model: &Model) -> bool {
    if model.sum_slots > 2 {
        return false;
    }
    let mut exprs: Vec<&RExpr> = Vec::new();
    for id in model.ids() {
        match &model.symbol(id).kind {
            SymKind::Const { value: Some(q) } if q.to_i64().is_none_or(|v| v.abs() > SMALL) => return false,
            SymKind::Quantity { def } => exprs.push(def),
            SymKind::Function { body, .. } => exprs.push(body),
            SymKind::Sequence(seq) => {
                if seq.fixed.keys().any(|k| k.abs() > SMALL) {
                    return false;
                }
                exprs.extend(seq.general.iter());
                exprs.extend(seq.fixed.values());
            }
            _ => {}
        }
    }
    while let Some(e) = exprs.pop() {
        match &e.kind {
            RKind::Elem(_, index) if !simple_index(model, index) => return false,
            RKind::Sum { lo, hi, .. } if !simple_index(model, lo) || !simple_index(model, hi) => return false,
            _ => {}
        }
        exprs.extend(e.children());
    }
    true
}

/// A step index or sum bound of at most two small terms.
fn simple_index(model: &Model, e: &RExpr) -> bool {
    fn atom(model: &Model, e: &RExpr) -> bool {
        match &e.kind {
            RKind::Num(q) => q.to_i64().is_some_and(|v| v.abs() <= SMALL),
            RKind::Sym(id) => matches!(model.symbol(*id).kind, SymKind::Const { .. }),
            RKind::Step | RKind::SumVar(_) => true,
            RKind::Neg(a) => atom(model, a),
            _ => false,
        }
    }
    match &e.kind {
        RKind::AddChain(a, rest) => rest.len() <= 1 && atom(model, a) && rest.iter().all(|(_, x)| atom(model, x)),
        _ => atom(model, e),
    }
}
