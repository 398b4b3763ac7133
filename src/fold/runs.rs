//! Stretches of items that repeat step after step.

/// A piece of a sequence of items: one item alone, or a stretch of
/// consecutive items `first..=last` that repeat step after step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece {
    One(usize),
    Run { first: usize, last: usize },
}

/// Splits `len` items into pieces: maximal stretches of at least
/// `min_run` items where each item has a step, the next item's step is
/// this one's plus `dir` (`1` or `-1`), and `same(i, i + 1, dir)` says the
/// next item is this one moved by `dir` steps; every other item alone.
/// Comparisons are between neighbours only: linear in the items.
pub fn runs(
    len: usize,
    step: impl Fn(usize) -> Option<i64>,
    same: impl Fn(usize, usize, i64) -> bool,
    dir: i64,
    min_run: usize,
) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < len {
        let mut j = i;
        if let Some(mut s) = step(i) {
            while j + 1 < len && step(j + 1) == Some(s + dir) && same(j, j + 1, dir) {
                j += 1;
                s += dir;
            }
        }
        if j + 1 - i >= min_run.max(2) {
            out.push(Piece::Run { first: i, last: j });
        } else {
            out.extend((i..=j).map(Piece::One));
        }
        i = j + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_stretches_fold_and_short_ones_do_not() {
        // Steps 1..=12 repeating, then an item without a step, then 3 steps.
        let steps: Vec<Option<i64>> = (1..=12).map(Some).chain([None]).chain((1..=3).map(Some)).collect();
        let pieces = runs(steps.len(), |i| steps[i], |_, _, _| true, 1, 10);
        assert_eq!(pieces[0], Piece::Run { first: 0, last: 11 });
        assert_eq!(
            pieces[1..],
            [Piece::One(12), Piece::One(13), Piece::One(14), Piece::One(15)]
        );
    }

    #[test]
    fn a_break_in_shape_ends_a_stretch() {
        let steps: Vec<Option<i64>> = (1..=25).map(Some).collect();
        let pieces = runs(steps.len(), |i| steps[i], |i, _, _| i != 11, 1, 10);
        assert_eq!(
            pieces,
            [Piece::Run { first: 0, last: 11 }, Piece::Run { first: 12, last: 24 }]
        );
    }
}

/// Consecutive items at the same step: `first..=last` and that step.
/// Items without a step are blocks of their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    pub first: usize,
    pub last: usize,
    pub step: Option<i64>,
}

impl Block {
    pub fn len(&self) -> usize {
        self.last + 1 - self.first
    }

    pub fn is_empty(&self) -> bool {
        false
    }
}

/// `len` items split into blocks of consecutive items at one step.
pub fn blocks(len: usize, step: impl Fn(usize) -> Option<i64>) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    for i in 0..len {
        let k = step(i);
        match out.last_mut() {
            Some(b) if b.step == k && k.is_some() => b.last = i,
            _ => out.push(Block {
                first: i,
                last: i,
                step: k,
            }),
        }
    }
    out
}

/// [`runs`] over blocks: a block repeats the one before when it has as
/// many items and each is `same_item(a, b, dir)` as its counterpart.
pub fn block_runs(
    blocks: &[Block],
    same_item: impl Fn(usize, usize, i64) -> bool,
    dir: i64,
    min_run: usize,
) -> Vec<Piece> {
    runs(
        blocks.len(),
        |i| blocks[i].step,
        |i, j, d| {
            let (a, b) = (blocks[i], blocks[j]);
            a.len() == b.len() && (0..a.len()).all(|k| same_item(a.first + k, b.first + k, d))
        },
        dir,
        min_run,
    )
}
