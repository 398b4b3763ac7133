//! In-process timing for `benches/peer.sh`: what `chainrule derive MODEL
//! --of L --wrt WRT --set T=… --format latex` does (parse the model,
//! unroll, paths, products, simplification, adjoints, the exact check, the
//! view and the LaTeX template), repeated, without process
//! start-up. Not a divan benchmark: it prints one line per horizon, the
//! median of REPS timed runs (after one untimed run whose check must verify),
//!
//! ```text
//! cargo bench --bench peer_time -- benches/models/m1.chain w1 20 2 4 8
//! T=2 0.000712 verified
//! ```
//!
//! (seconds per run, median; the check must verify, or it exits 1).

use chainrule::query::{derive, load, DeriveRequest};
use chainrule::render::derivation::{derived_view, ViewOptions};
use std::time::Instant;

// The same allocator as the `chainrule` binary (src/main.rs), so the
// in-process figure measures what the command does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // `cargo bench` passes `--bench`; the rest are ours.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let [file, wrt, reps, horizons @ ..] = args.as_slice() else {
        eprintln!("usage: peer_time MODEL WRT REPS T...");
        std::process::exit(2);
    };
    let src = std::fs::read_to_string(file).expect("model file");
    let reps: u32 = reps.parse().expect("REPS");
    for t in horizons {
        let run = || {
            let model = load(&src, &[format!("T={t}").parse().expect("T")]).expect("model loads");
            let req = DeriveRequest {
                of: "L".into(),
                wrt: wrt.clone(),
                steps: None,
                max_paths: 50,
                digits: 40,
                seed: 1,
                granularity: Default::default(),
                ..Default::default()
            };
            let d = derive(&model, &req).expect("derives");
            let view = derived_view(&d, &model, &req, &ViewOptions::default());
            let tex = chainrule::render::template::render(&view, "derivation.tex.jinja", None).expect("renders");
            (d.derivation.proof.verified, tex.len())
        };
        let (verified, _) = run();
        // The median of the runs: on a shared machine a few runs are slowed
        // by neighbours, and the mean would report them rather than us.
        let mut times: Vec<f64> = (0..reps.max(1))
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(run());
                start.elapsed().as_secs_f64()
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let secs = times[times.len() / 2];
        println!("T={t} {secs:.6} {}", if verified { "verified" } else { "FAILED" });
        if !verified {
            std::process::exit(1);
        }
    }
}
