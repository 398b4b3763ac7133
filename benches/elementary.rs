//! The certified elementary functions alone: 100,000 enclosures of tanh at
//! 200 bits on intervals 2^-190 wide (`cargo bench --bench elementary`).

use chainrule::number::elementary::tanh;
use chainrule::number::{Interval, Prec, Q};

fn main() {
    divan::main();
}

fn inputs(p: Prec) -> Vec<Interval> {
    (0..100)
        .map(|i| {
            let c = Q::ratio(i * 61 % 600 - 300, 97) + Q::ratio(1, 3);
            Interval::new(c.clone(), c + Q::from_dyadic(1.into(), -190)).round_outward(p)
        })
        .collect()
}

#[divan::bench(sample_count = 5)]
fn tanh_100_000_at_200_bits() -> usize {
    let p = Prec(200);
    let xs = inputs(p);
    let mut n = 0;
    for i in 0..100_000 {
        n += divan::black_box(tanh(&xs[i % 100], p)).lo().bits() as usize;
    }
    n
}
