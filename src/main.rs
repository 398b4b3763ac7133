//! The command-line shell: read files, call the library, print. Nothing
//! here computes; see ARCHITECTURE.md for the stages.

use chainrule::diagnostics::{render, Sources};
use chainrule::model::Setting;
use chainrule::query::{eval_model, load, EvalRequest};
use chainrule::render::table;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Unroll a network's recurrences, evaluate them exactly, and (soon)
/// derive gradients path by path.
#[derive(Parser, Debug)]
#[command(name = "chainrule", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Forward values of every named quantity at every step it needs, or of one expression.
    ///
    /// Rational values print exactly (33/20) and as decimals; values that go
    /// through exp, ln, sigmoid, tanh or sqrt are certified enclosures and
    /// print with as many digits as are certain.
    #[command(
        after_help = "Examples:\n  chainrule eval examples/elman.chain\n  chainrule eval examples/elman.chain --of 'L(y[2])' --format json\n  chainrule eval examples/alternating.chain --of 'h[4]' --random 7"
    )]
    Eval(EvalArgs),
    /// The worked derivation of d(OF)/d(WRT): intermediate variables, every path with its chain-rule
    /// product, the simplified total, and an independent check (reverse-mode AD and a central difference).
    ///
    /// Exits with 1 if the check fails.
    #[command(
        after_help = "Examples:\n  chainrule derive examples/elman.chain --of 'L(y[2])' --wrt w1\n  chainrule derive examples/lstm.chain --of L --wrt uf --format latex\n  chainrule derive examples/tanh_bptt.chain --of J --wrt 'h[1]' --format json"
    )]
    Derive(DeriveArgs),
    /// The number of computation-graph paths from WRT to OF (exact, however large), and the
    /// paths themselves up to --max-paths.
    #[command(
        after_help = "Examples:\n  chainrule paths examples/elman.chain --of 'L(y[2])' --wrt w1\n  chainrule paths examples/lstm.chain --of L --wrt uf --set T=50 --max-paths 0"
    )]
    Paths(PathsArgs),
}

#[derive(Args, Debug)]
struct Common {
    /// The model file (`*.chain`), or `-` for standard input.
    model: String,
    /// Override a value: `w1=2`, `'x1[2]=5'`, `x=[1,2,3]`, `T=50` (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    set: Vec<String>,
    /// The horizon: steps to print, last step of look-ahead recurrences, value of a `const` without one.
    #[arg(long, value_name = "N")]
    steps: Option<i64>,
    /// Write the output to FILE (atomically: complete or untouched) instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct EvalArgs {
    #[command(flatten)]
    common: Common,
    /// Evaluate this expression instead of the whole table, e.g. `L(y[2])`.
    #[arg(long, value_name = "EXPR")]
    of: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = EvalFormat::Text)]
    format: EvalFormat,
    /// Certify values to N digits: enclosure widths below 10^-N.
    #[arg(long, value_name = "N", default_value_t = 40, value_parser = clap::value_parser!(u32).range(1..=1000))]
    digits: u32,
    /// Fill leaves that have no value with seeded random rationals; the seed and values are printed.
    #[arg(long, value_name = "SEED")]
    random: Option<u64>,
    /// Print the simplified closed form in terms of the leaves instead of values.
    #[arg(long)]
    symbolic: bool,
}

#[derive(Args, Debug)]
struct DeriveArgs {
    #[command(flatten)]
    common: Common,
    /// The quantity to differentiate, e.g. `L(y[2])` or `J`.
    #[arg(long, value_name = "EXPR")]
    of: String,
    /// What to differentiate by: a parameter (`w1`), an input element (`'x1[1]'`) or a quantity at a step (`'h[1]'`).
    #[arg(long, value_name = "NAME")]
    wrt: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DeriveFormat::Markdown)]
    format: DeriveFormat,
    /// List at most N paths; beyond that the total comes from adjoints.
    #[arg(long, value_name = "N", default_value_t = 50)]
    max_paths: usize,
    /// Certify values to N digits.
    #[arg(long, value_name = "N", default_value_t = 40, value_parser = clap::value_parser!(u32).range(1..=1000))]
    digits: u32,
    /// Seed for random values of leaves that have none (printed when used).
    #[arg(long, value_name = "SEED", default_value_t = 1)]
    random: u64,
    /// Intermediate variables and chain-rule steps: one per operation, or one per equation
    /// (the named quantities, with one factor per step between them).
    #[arg(long, value_enum, default_value_t = GranularityArg::Operations)]
    granularity: GranularityArg,
    /// Add handcalcs-style lines: each result again with the values substituted.
    #[arg(long)]
    numbers: bool,
    /// Render with this minijinja template instead of the shipped one (delimiters `<% %>`, `<< >>`, `<# #>`).
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct PathsArgs {
    #[command(flatten)]
    common: Common,
    /// The end of the paths, e.g. `L(y[2])`.
    #[arg(long, value_name = "EXPR")]
    of: String,
    /// The start of the paths: a parameter, an input element or a quantity at a step.
    #[arg(long, value_name = "NAME")]
    wrt: String,
    /// List at most N paths (the count is always exact).
    #[arg(long, value_name = "N", default_value_t = 50)]
    max_paths: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PathsFormat::Text)]
    format: PathsFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum PathsFormat {
    Text,
    Markdown,
    Latex,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum GranularityArg {
    Operations,
    Equations,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum DeriveFormat {
    /// An amsmath `align*` fragment.
    Latex,
    /// A standalone .tex document.
    Document,
    /// Markdown with `$$` math.
    Markdown,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum EvalFormat {
    Text,
    Latex,
    Markdown,
    Json,
}

/// Model files larger than this are refused rather than parsed.
const MAX_MODEL_BYTES: u64 = 16 << 20;

/// Failures of the shell itself (as opposed to the model), exit code 2.
struct Failure(String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A large stack is a second line of defence only: every pass over the
    // graph is a loop, and parsing bounds nesting.
    let worker = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || run(cli));
    match worker.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        _ => {
            eprintln!("error: internal failure (this is a bug in chainrule; please report it with the input)");
            ExitCode::from(3)
        }
    }
}

fn run(cli: Cli) -> ExitCode {
    // A spinner on standard error for runs longer than a second, on a terminal only.
    let _progress = chainrule::progress::Progress::start(chainrule::progress::wanted_here());
    match cli.command {
        Command::Eval(args) => run_eval(args),
        Command::Derive(args) => run_derive(args),
        Command::Paths(args) => run_paths(args),
    }
}

/// The model text, or (after saying why on standard error) exit code 2.
fn read_model(path: &str) -> Result<String, ExitCode> {
    read_model_text(path).map_err(|Failure(msg)| {
        eprintln!("error: {msg}");
        ExitCode::from(2)
    })
}

fn read_model_text(path: &str) -> Result<String, Failure> {
    let mut buf = String::new();
    let res = if path == "-" {
        std::io::stdin().take(MAX_MODEL_BYTES + 1).read_to_string(&mut buf)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(MAX_MODEL_BYTES + 1).read_to_string(&mut buf))
    };
    res.map_err(|e| Failure(format!("cannot read `{path}`: {e}")))?;
    if buf.len() as u64 > MAX_MODEL_BYTES {
        return Err(Failure(format!(
            "`{path}` is larger than {} MiB",
            MAX_MODEL_BYTES >> 20
        )));
    }
    Ok(buf)
}

fn settings(common: &Common) -> Result<Vec<Setting>, chainrule::Error> {
    common
        .set
        .iter()
        .map(|s| s.parse::<Setting>().map_err(chainrule::Error::from))
        .collect()
}

/// `--of` and `--wrt` texts, for errors located in them.
type Queries<'a> = (Option<&'a str>, Option<&'a str>);

fn report_error(err: &chainrule::Error, file_name: &str, model: &str, (query, wrt): Queries) -> ExitCode {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    eprint!(
        "{}",
        render(
            err,
            &Sources {
                file_name,
                model,
                query,
                wrt
            },
            theme
        )
    );
    ExitCode::from(2)
}

fn run_eval(args: EvalArgs) -> ExitCode {
    let path = args.common.model.clone();
    let src = match read_model(&path) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let query = args.of.as_deref();
    let result = settings(&args.common).and_then(|settings| {
        let model = load(&src, &settings)?;
        let req = EvalRequest {
            of: args.of.clone(),
            steps: args.common.steps,
            digits: args.digits,
            random: args.random,
            symbolic: args.symbolic,
        };
        if args.symbolic {
            let rows = chainrule::query::eval_symbolic(&model, &req)?;
            return Ok(match args.format {
                EvalFormat::Text => table::symbolic_text(&rows),
                EvalFormat::Latex => table::symbolic_latex(&rows),
                EvalFormat::Markdown => table::symbolic_markdown(&rows),
                EvalFormat::Json => table::symbolic_json(&rows),
            });
        }
        let report = eval_model(&model, &req)?;
        Ok(match args.format {
            EvalFormat::Text => table::text(&report),
            EvalFormat::Latex => table::latex(&report, &model),
            EvalFormat::Markdown => table::markdown(&report, &model),
            EvalFormat::Json => table::json(&report),
        })
    });
    match result {
        Ok(out) => emit(&out, args.common.output.as_deref()),
        Err(e) => report_error(&e, &path, &src, (query, None)),
    }
}

fn run_paths(args: PathsArgs) -> ExitCode {
    use chainrule::calculus::paths::{count_paths, paths};
    use chainrule::render::paths as out;
    let path = args.common.model.clone();
    let src = match read_model(&path) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let result = settings(&args.common).and_then(|settings| {
        let model = load(&src, &settings)?;
        let q = chainrule::query::diff_query(&model, &args.of, &args.wrt, args.common.steps)?;
        let count = count_paths(&q.graph, q.wrt, q.of);
        let listed: Vec<_> = paths(&q.graph, q.wrt, q.of).take(args.max_paths).collect();
        Ok(match args.format {
            PathsFormat::Text => out::text(&model, &q, &count, &listed),
            PathsFormat::Markdown => out::markdown(&model, &q, &count, &listed),
            PathsFormat::Latex => out::latex(&model, &q, &count, &listed),
            PathsFormat::Json => out::json(&model, &q, &count, &listed),
        })
    });
    match result {
        Ok(text) => emit(&text, args.common.output.as_deref()),
        Err(e) => report_error(&e, &path, &src, (Some(args.of.as_str()), Some(args.wrt.as_str()))),
    }
}

fn run_derive(args: DeriveArgs) -> ExitCode {
    let path = args.common.model.clone();
    let src = match read_model(&path) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let custom = match &args.template {
        Some(t) => match std::fs::read_to_string(t) {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("error: cannot read template `{}`: {e}", t.display());
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let result = settings(&args.common).and_then(|settings| {
        let model = load(&src, &settings)?;
        let req = chainrule::query::DeriveRequest {
            of: args.of.clone(),
            wrt: args.wrt.clone(),
            steps: args.common.steps,
            max_paths: args.max_paths,
            digits: args.digits,
            seed: args.random,
        };
        let mut derived = chainrule::query::derive(&model, &req)?;
        let gran = match args.granularity {
            GranularityArg::Operations => chainrule::render::derivation::Granularity::Operations,
            GranularityArg::Equations => chainrule::render::derivation::Granularity::Equations,
        };
        // Path-node labels are for JSON (and custom templates); skipping
        // them keeps the other formats linear in the horizon.
        let labels = matches!(args.format, DeriveFormat::Json) || custom.is_some();
        let mut view = chainrule::render::derivation::view_labelled(
            &mut derived.graph,
            &model,
            &derived.derivation,
            &args.of,
            &args.wrt,
            args.digits,
            gran,
            labels,
        );
        view.show_numbers = args.numbers;
        Ok((view, derived.derivation.check.verified, derived.random))
    });
    let (view, verified, random) = match result {
        Ok(x) => x,
        Err(e) => return report_error(&e, &path, &src, (Some(args.of.as_str()), Some(args.wrt.as_str()))),
    };
    let name = match args.format {
        DeriveFormat::Latex => "derivation.tex.jinja",
        DeriveFormat::Document => "document.tex.jinja",
        DeriveFormat::Markdown => "derivation.md.jinja",
        DeriveFormat::Json => "",
    };
    let mut out = match args.format {
        DeriveFormat::Json if custom.is_none() => chainrule::render::derivation::json(&view),
        _ => match chainrule::render::template::render(&view, name, custom.as_deref()) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: template: {e:#}");
                return ExitCode::from(2);
            }
        },
    };
    if let Some(r) = random {
        let list: Vec<String> = r.values.iter().map(|(_, l, q)| format!("{l} = {q}")).collect();
        let note = format!("random values (seed {}): {}", r.seed, list.join(", "));
        match args.format {
            DeriveFormat::Json => {}
            DeriveFormat::Markdown => out = format!("{out}\n_{note}_\n"),
            _ => out = format!("{out}% {note}\n"),
        }
    }
    let code = emit(&out, args.common.output.as_deref());
    if code == ExitCode::SUCCESS && !verified {
        eprintln!("error: the derivation failed its check");
        return ExitCode::from(1);
    }
    code
}

/// Writes to standard output, or atomically to a file: a temporary file in
/// the same directory, renamed over the target only when complete.
fn emit(text: &str, output: Option<&Path>) -> ExitCode {
    let Some(path) = output else {
        let mut stdout = std::io::stdout().lock();
        // A closed pipe (`| head`) is not an error worth a message.
        let _ = stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush());
        return ExitCode::SUCCESS;
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let written = tempfile::NamedTempFile::new_in(dir).and_then(|mut tmp| {
        tmp.write_all(text.as_bytes())?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    });
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write `{}`: {e}", path.display());
            ExitCode::from(2)
        }
    }
}
