//! The command-line shell: read files, call the library, print. Nothing
//! here computes; see ARCHITECTURE.md for the stages.

use chainrule::{load, EvalRequest, Format, Setting, Sources};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

// Exact arithmetic allocates and frees many small big-integer buffers; see Cargo.toml.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Check a hand derivation against the model, claim by claim.
    ///
    /// DOC is Markdown with `$…$` / `$$…$$` math (also ```math blocks and `\[…\]`) or a .tex file
    /// (`equation`, `align`, `aligned`, `\[…\]`). Each neighbouring pair in a relation chain
    /// `a = b \approx c` is a claim, judged against the model: correct, approximate (a decimal
    /// rounded to the places written), arithmetic (the step does not follow from its own left side),
    /// wrong (it disagrees with the model; the hint names the slip when a single one explains it),
    /// unparsed or unknown-symbol. Symbolic claims are also checked at seeded random points.
    ///
    /// Exits with 0 when every claim read is correct or approximate and at least one was read; 1
    /// when a claim is wrong or arithmetic, or no claim could be read (the summary says how many
    /// were unparsed or had unknown symbols); 2 for bad input, a document with no claim included.
    ///
    /// DOC may be a folder of submissions: each `.md` and `.tex` file under it is checked (in
    /// parallel), a line per file is printed, and --summary / --results write CSV, JSON and a
    /// Gradescope-style results.json. Exits with 0 when every file passes, 1 when one does not, 2
    /// when the folder or the model is bad input.
    #[command(
        after_help = "Examples:\n  chainrule check examples/elman_student.md --model examples/elman.chain\n  chainrule check answer.tex --model q1.chain --format json\n  chainrule check examples/elman_student.md --model examples/elman.chain --format html -o report.html\n  chainrule check submissions/ --model q1.chain --summary grades.csv --results results.json"
    )]
    Check(CheckArgs),
    /// The unrolled computation graph under OF, with the paths from WRT highlighted.
    ///
    /// One node per named quantity (or per operation with `--granularity operations`); each route
    /// from WRT to OF in its own colour when there are at most 6, every edge on a path in one colour
    /// when there are more; everything else grey. DOT by default; SVG laid out by Graphviz's `dot`
    /// when it is installed (`--layout auto`), else in pure Rust; TikZ for LaTeX documents.
    ///
    /// Graphs of more than --max-nodes nodes are refused (exit 2): past that a picture is not read.
    #[command(
        after_help = "Examples:\n  chainrule graph examples/elman.chain --of 'L(y[2])' --wrt w1\n  chainrule graph examples/elman.chain --of 'L(y[2])' --wrt w1 --format svg -o elman.svg\n  chainrule graph examples/elman.chain --of 'L(y[2])' --wrt w1 --granularity operations --format tikz"
    )]
    Graph(GraphArgs),
    /// Expand the ```chainrule code blocks of Markdown documents into derivations, in place.
    ///
    /// A block holds one `key: value` per line (`#` starts a comment):
    ///
    ///   ```chainrule
    ///   model: ../examples/elman.chain   # relative to the document's directory
    ///   of: L(y[2])
    ///   wrt: w1
    ///   granularity: equations           # optional
    ///   ```
    ///
    /// Keys: `command` (derive, the default; paths; eval), `model`, `of`, `wrt`, and the options of that
    /// command: `granularity`, `numbers`, `symbolic`, `max-paths`, `steps`, `digits`, `random`, `set`
    /// (repeatable). Instead of `model:`, a line `---` may be followed by the model itself.
    ///
    /// What the command prints with `--format markdown` is written right after the closing fence, between
    /// the lines `<!-- chainrule:begin ... -->` and `<!-- chainrule:end -->`. Running again replaces that
    /// region; every other byte of the document stays as it was. A region that does not follow a block
    /// directly is an error, and on any error the document is left untouched.
    ///
    /// Exits with 1 if `--check` finds a stale document or a derivation fails its check, 2 on bad input.
    #[command(
        after_help = "Examples:\n  chainrule doc docs/tutorial.md\n  chainrule doc --check docs/*.md   # in CI: rewrites nothing, shows a diff"
    )]
    Doc(DocArgs),
}

#[derive(Args, Debug)]
struct CheckArgs {
    /// The derivation: Markdown (`.md`, anything but .tex) or LaTeX (`.tex`); or a folder, whose
    /// `.md` and `.tex` files (in subfolders too) are each checked, in parallel, and summarised.
    doc: PathBuf,
    /// The model the derivation is about (`*.chain`).
    #[arg(long, value_name = "MODEL")]
    model: String,
    /// Override a model value: `w1=2`, `'x1[2]=5'` (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    set: Vec<String>,
    /// Seed of the random points symbolic claims are checked at (and of values for leaves without one).
    #[arg(long, value_name = "SEED", default_value_t = chainrule::SEED)]
    seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    format: CheckFormat,
    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// With a folder: also write the summary, one row per file, to FILE (`.json` for JSON, else
    /// CSV); repeatable.
    #[arg(long, value_name = "FILE")]
    summary: Vec<PathBuf>,
    /// With a folder: also write a Gradescope-style `results.json` to FILE (a test per claim).
    #[arg(long, value_name = "FILE")]
    results: Option<PathBuf>,
    /// Stop with a message if a graph the check unrolls would have more than N nodes.
    #[arg(long, value_name = "N", default_value_t = chainrule::graph::arena::DEFAULT_NODE_LIMIT)]
    node_limit: usize,
    /// With a folder: files checked at once (default: the machine's cores).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    jobs: Option<u32>,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum CheckFormat {
    /// Compiler-style: file:line:col, the claim, the verdict, expected against got, and a hint.
    /// For a folder: a table, one line per file.
    Text,
    Json,
    /// One page: each claim beside the author's line, marked, with its note (one document only).
    Html,
}

/// Student documents larger than this are refused: they are untrusted input.
const MAX_DOC_BYTES: u64 = 4 << 20;

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
    /// Stop with a message if the unrolled graph would have more than N nodes (each takes about
    /// 300 bytes once evaluated; the default fits in a few GB).
    #[arg(long, value_name = "N", default_value_t = chainrule::graph::arena::DEFAULT_NODE_LIMIT)]
    node_limit: usize,
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
    /// Show N significant digits in text, LaTeX and Markdown. Values are always certified to at
    /// least 40 digits (to N when N is larger), and JSON prints every certified digit.
    #[arg(long, value_name = "N", default_value_t = chainrule::SHOWN_DIGITS, value_parser = clap::value_parser!(u32).range(1..=1000))]
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
    #[arg(long, value_name = "N", default_value_t = chainrule::MAX_PATHS)]
    max_paths: usize,
    /// Show N significant digits in LaTeX and Markdown. Values are always certified to at least
    /// 40 digits (to N when N is larger), and JSON prints every certified digit.
    #[arg(long, value_name = "N", default_value_t = chainrule::SHOWN_DIGITS, value_parser = clap::value_parser!(u32).range(1..=1000))]
    digits: u32,
    /// Seed for random values of leaves that have none (printed when used).
    #[arg(long, value_name = "SEED", default_value_t = chainrule::SEED)]
    random: u64,
    /// Intermediate variables and chain-rule steps: one per operation, or one per equation
    /// (the named quantities, with one factor per step between them).
    #[arg(long, value_enum, default_value_t = GranularityArg::Operations)]
    granularity: GranularityArg,
    /// Add handcalcs-style lines: each result again with the values substituted.
    #[arg(long)]
    numbers: bool,
    /// Write every step out. By default a stretch of 10 or more steps that
    /// repeat (the same lines with every step index one higher) is written
    /// once at a general step with its range: a recurrence, a sum over t, a
    /// product along a path.
    #[arg(long)]
    unfold: bool,
    /// Derive at a general step t (LANGUAGE.md §5): `--wrt 'h[t]'` gives the backpropagation-
    /// through-time recurrence, `--wrt 'h[0]'` the product form, `--wrt w` the sum over steps.
    /// The model's horizon const (`const T`) stays a symbol; the result is checked at T = 1…6.
    #[arg(long)]
    general: bool,
    /// Render with this minijinja template instead of the shipped one (delimiters `<% %>`, `<< >>`, `<# #>`).
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,
    /// With `--format html`: who lays out the graph drawn on the page.
    #[command(flatten)]
    layout: LayoutArg,
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
    #[arg(long, value_name = "N", default_value_t = chainrule::MAX_PATHS)]
    max_paths: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PathsFormat::Text)]
    format: PathsFormat,
}

#[derive(Args, Debug)]
struct DocArgs {
    /// The Markdown documents, expanded one after the other.
    #[arg(value_name = "DOC", required = true)]
    docs: Vec<PathBuf>,
    /// Rewrite nothing: print a diff and exit with 1 if a document is not what `chainrule doc` would write.
    #[arg(long)]
    check: bool,
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
    /// One self-contained page: MathML, and the computation graph as SVG.
    Html,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum EvalFormat {
    Text,
    Latex,
    Markdown,
    Json,
    /// One self-contained page with MathML.
    Html,
}

#[derive(Args, Debug)]
struct GraphArgs {
    #[command(flatten)]
    common: Common,
    /// The end of the highlighted paths, e.g. `L(y[2])`; the graph drawn is the one under it.
    #[arg(long, value_name = "EXPR")]
    of: String,
    /// The start of the highlighted paths: a parameter, an input element or a quantity at a step.
    #[arg(long, value_name = "NAME")]
    wrt: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    format: GraphFormat,
    /// One node per named quantity, or per operation.
    #[arg(long, value_enum, default_value_t = GraphGranularityArg::Quantities)]
    granularity: GraphGranularityArg,
    /// Refuse graphs of more than N nodes.
    #[arg(long, value_name = "N", default_value_t = chainrule::MAX_NODES)]
    max_nodes: usize,
    #[command(flatten)]
    layout: LayoutArg,
}

#[derive(Args, Debug)]
struct LayoutArg {
    /// Who lays out SVG: Graphviz's `dot` when installed (auto), Graphviz only, or the built-in
    /// pure-Rust layout (the same output on every machine).
    #[arg(long, value_enum, default_value_t = LayoutEngine::Auto)]
    layout: LayoutEngine,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum LayoutEngine {
    Auto,
    Graphviz,
    Builtin,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum GraphFormat {
    /// Graphviz's DOT language.
    Dot,
    /// An SVG picture.
    Svg,
    /// A `tikzpicture` for LaTeX documents (needs `\usepackage{tikz}`).
    Tikz,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum GraphGranularityArg {
    Quantities,
    Operations,
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
    let _progress = chainrule::Progress::start(chainrule::Progress::wanted_here());
    let node_limit = match &cli.command {
        Command::Eval(a) => a.common.node_limit,
        Command::Derive(a) => a.common.node_limit,
        Command::Paths(a) => a.common.node_limit,
        Command::Graph(a) => a.common.node_limit,
        Command::Check(a) => a.node_limit,
        Command::Doc(_) => chainrule::graph::arena::DEFAULT_NODE_LIMIT,
    };
    chainrule::graph::arena::set_node_limit(node_limit);
    match cli.command {
        Command::Eval(args) => run_eval(args),
        Command::Derive(args) => run_derive(args),
        Command::Paths(args) => run_paths(args),
        Command::Check(args) => run_check(args),
        Command::Graph(args) => run_graph(args),
        Command::Doc(args) => run_doc(args),
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
    let sources = Sources {
        file_name,
        model,
        query,
        wrt,
    };
    eprint!("{}", chainrule::error_message(err, &sources, stderr_color()));
    ExitCode::from(2)
}

/// Colour on standard error: a terminal, and `NO_COLOR` unset.
fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
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
        let format = match args.format {
            EvalFormat::Text => Format::Text,
            EvalFormat::Latex => Format::Latex,
            EvalFormat::Markdown => Format::Markdown,
            EvalFormat::Json => Format::Json,
            EvalFormat::Html => {
                let title = match &args.of {
                    Some(of) => format!("{of} in {}", file_label(&path)),
                    None => format!("Values of {}", file_label(&path)),
                };
                let page = if args.symbolic {
                    chainrule::symbolic_html(&chainrule::eval_symbolic(&model, &req)?, &model, &title)
                } else {
                    chainrule::eval_html(&chainrule::eval(&model, &req)?, &model, &title)
                };
                return Ok(page.unwrap_or_else(|e| format!("<!-- template error: {e} -->\n")));
            }
        };
        if args.symbolic {
            let report = chainrule::eval_symbolic(&model, &req)?;
            return Ok(chainrule::symbolic_output(&report, &model, format));
        }
        let report = chainrule::eval(&model, &req)?;
        Ok(chainrule::eval_output(&report, &model, format))
    });
    match result {
        Ok(out) => emit(&out, args.common.output.as_deref()),
        Err(e) => report_error(&e, &path, &src, (query, None)),
    }
}

fn run_paths(args: PathsArgs) -> ExitCode {
    let path = args.common.model.clone();
    let src = match read_model(&path) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let result = settings(&args.common).and_then(|settings| {
        let model = load(&src, &settings)?;
        let format = match args.format {
            PathsFormat::Text => Format::Text,
            PathsFormat::Markdown => Format::Markdown,
            PathsFormat::Latex => Format::Latex,
            PathsFormat::Json => Format::Json,
        };
        if chainrule::is_matrix_wrt(&model, &args.wrt) {
            return Ok(
                match chainrule::tensor_paths(&model, &args.of, &args.wrt, args.max_paths) {
                    Ok(p) => Ok(chainrule::tensor_paths_output(&p, &model, format)),
                    Err(e) => Err(e.to_string()),
                },
            );
        }
        let req = chainrule::PathsRequest {
            of: args.of.clone(),
            wrt: args.wrt.clone(),
            steps: args.common.steps,
            max_paths: args.max_paths,
        };
        let report = chainrule::paths(&model, &req)?;
        Ok(Ok(chainrule::paths_output(&report, &model, format)))
    });
    match result {
        Ok(Ok(text)) => emit(&text, args.common.output.as_deref()),
        Ok(Err(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(e) => report_error(&e, &path, &src, (Some(args.of.as_str()), Some(args.wrt.as_str()))),
    }
}

/// Why `derive` printed nothing.
enum DeriveFailure {
    Chainrule(chainrule::Error),
    Template(minijinja::Error),
    Usage(String),
}

impl From<chainrule::Error> for DeriveFailure {
    fn from(e: chainrule::Error) -> DeriveFailure {
        DeriveFailure::Chainrule(e)
    }
}

struct TemplateError(minijinja::Error);

impl From<TemplateError> for DeriveFailure {
    fn from(e: TemplateError) -> DeriveFailure {
        DeriveFailure::Template(e.0)
    }
}

fn run_derive(args: DeriveArgs) -> ExitCode {
    use chainrule::Granularity;
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
    let result = (|| -> Result<(String, bool), DeriveFailure> {
        if args.general {
            let req = chainrule::GeneralRequest {
                of: args.of.clone(),
                wrt: args.wrt.clone(),
                seed: args.random,
            };
            let format = match args.format {
                DeriveFormat::Latex => Format::Latex,
                DeriveFormat::Document => Format::Document,
                DeriveFormat::Markdown | DeriveFormat::Html => Format::Markdown,
                DeriveFormat::Json => Format::Json,
            };
            if matches!(args.format, DeriveFormat::Html) {
                return Err(DeriveFailure::Usage(
                    "--general has no HTML page yet; use --format markdown, latex, document or json".into(),
                ));
            }
            let model = load(&src, &settings(&args.common)?)?;
            if chainrule::is_matrix_general(&model, &args.wrt) {
                let g = chainrule::derive_matrix_general(&model, &req)?;
                let text =
                    chainrule::matrix_general_output(&g, &model, format, custom.as_deref()).map_err(TemplateError)?;
                return Ok((text, g.verified));
            }
            let d = chainrule::derive_general(&src, &settings(&args.common)?, &req)?;
            let text = chainrule::general_output(&d, format, custom.as_deref()).map_err(TemplateError)?;
            return Ok((text, d.general.verified));
        }
        let model = load(&src, &settings(&args.common)?)?;
        if chainrule::is_matrix_wrt(&model, &args.wrt) {
            let format = match args.format {
                DeriveFormat::Latex => Format::Latex,
                DeriveFormat::Document => Format::Document,
                DeriveFormat::Markdown => Format::Markdown,
                DeriveFormat::Json => Format::Json,
                DeriveFormat::Html => {
                    return Err(DeriveFailure::Usage(
                        "the matrix form has no HTML page yet; use --format markdown, latex, document or json".into(),
                    ))
                }
            };
            let d = chainrule::derive_matrix(&model, &args.of, &args.wrt, args.random).map_err(|e| {
                DeriveFailure::Usage(format!(
                    "{e}; for one entry, ask for it: --wrt '{}[1,1]'",
                    args.wrt.trim()
                ))
            })?;
            let text =
                chainrule::matrix_output(&d, &model, format, args.digits, custom.as_deref()).map_err(TemplateError)?;
            return Ok((text, d.verified()));
        }
        let granularity = match args.granularity {
            GranularityArg::Operations => Granularity::Operations,
            GranularityArg::Equations => Granularity::Equations,
        };
        let req = chainrule::DeriveRequest {
            of: args.of.clone(),
            wrt: args.wrt.clone(),
            steps: args.common.steps,
            max_paths: args.max_paths,
            digits: args.digits,
            seed: args.random,
            granularity,
            fold_at: if args.unfold { usize::MAX } else { chainrule::FOLD_AT },
        };
        let derived = chainrule::derive(&model, &req)?;
        let verified = derived.derivation.proof.verified;
        let opts = chainrule::ViewOptions {
            granularity,
            digits: args.digits,
            numbers: args.numbers,
            fold_at: req.fold_at,
        };
        let format = match args.format {
            DeriveFormat::Latex => Format::Latex,
            DeriveFormat::Document => Format::Document,
            DeriveFormat::Markdown => Format::Markdown,
            DeriveFormat::Json => Format::Json,
            DeriveFormat::Html => {
                let drawing = chainrule::derivation_drawing(&derived, &model, &req).map_err(|e| e.on_a_page());
                let graph = drawing.as_ref().map_err(String::clone).and_then(|d| {
                    lay_out(d, args.layout.layout, false)
                        .map(|svg| (d, svg))
                        .map_err(|e| e.to_string())
                });
                let text = chainrule::derivation_html(&derived, &model, &req, &opts, graph, custom.as_deref())
                    .map_err(TemplateError)?;
                return Ok((text, verified));
            }
        };
        let text = chainrule::derivation_output(&derived, &model, &req, &opts, format, custom.as_deref())
            .map_err(TemplateError)?;
        Ok((text, verified))
    })();
    let (out, verified) = match result {
        Ok(x) => x,
        Err(DeriveFailure::Template(e)) => {
            eprintln!("error: template: {e:#}");
            return ExitCode::from(2);
        }
        Err(DeriveFailure::Usage(msg)) => {
            eprintln!("error: {msg}");
            return ExitCode::from(2);
        }
        Err(DeriveFailure::Chainrule(e)) => {
            return report_error(&e, &path, &src, (Some(args.of.as_str()), Some(args.wrt.as_str())))
        }
    };
    let code = emit(&out, args.common.output.as_deref());
    if code == ExitCode::SUCCESS && !verified {
        eprintln!("error: the derivation failed its check");
        return ExitCode::from(1);
    }
    code
}

fn run_check(args: CheckArgs) -> ExitCode {
    use chainrule::{check_document, CheckOptions, DocKind};
    let model_src = match read_model(&args.model) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if args.doc.is_dir() {
        return check_folder(&args, &model_src);
    }
    if !args.summary.is_empty() || args.results.is_some() {
        eprintln!(
            "error: --summary and --results summarise a folder; `{}` is a file",
            args.doc.display()
        );
        return ExitCode::from(2);
    }
    let doc_name = args.doc.display().to_string();
    let doc = match read_limited(&args.doc, MAX_DOC_BYTES) {
        Ok(s) => s,
        Err(Failure(msg)) => {
            eprintln!("error: {msg}");
            return ExitCode::from(2);
        }
    };
    let settings: Result<Vec<Setting>, chainrule::Error> = args
        .set
        .iter()
        .map(|s| s.parse::<Setting>().map_err(chainrule::Error::from))
        .collect();
    let model = match settings.and_then(|s| load(&model_src, &s)) {
        Ok(m) => m,
        Err(e) => return report_error(&e, &args.model, &model_src, (None, None)),
    };
    let opts = CheckOptions {
        seed: args.seed,
        ..CheckOptions::default()
    };
    let r = check_document(&model, &doc, DocKind::from_path(&args.doc), &opts);
    // A document with nothing to check is bad input, located in it.
    if let Some(e) = r.nothing_to_check() {
        let sources = Sources {
            file_name: &doc_name,
            model: &doc,
            query: None,
            wrt: None,
        };
        eprint!("{}", chainrule::error_message(&e, &sources, stderr_color()));
        return ExitCode::from(2);
    }
    let out = match args.format {
        CheckFormat::Text => chainrule::check_output(&r, &doc_name, Format::Text),
        CheckFormat::Json => chainrule::check_output(&r, &doc_name, Format::Json),
        CheckFormat::Html => match chainrule::check_html(&r, &doc_name, &doc) {
            Ok(page) => page,
            Err(e) => {
                eprintln!("error: template: {e:#}");
                return ExitCode::from(2);
            }
        },
    };
    let code = emit(&out, args.output.as_deref());
    if code == ExitCode::SUCCESS && r.has_errors() {
        return ExitCode::from(1);
    }
    code
}

/// Every `.md` and `.tex` file under a folder, checked in parallel and
/// summarised. Exit 0 when every file passes, 1 when one does not, 2 when
/// the folder or the model is bad input (a student's unreadable file is a
/// row of the summary, not bad input).
fn check_folder(args: &CheckArgs, model_src: &str) -> ExitCode {
    use chainrule::{CheckOptions, DocKind, Submission};
    if args.format == CheckFormat::Html {
        eprintln!("error: --format html shows one document; for a folder use text or json (and --summary, --results)");
        return ExitCode::from(2);
    }
    let settings: Result<Vec<Setting>, chainrule::Error> = args
        .set
        .iter()
        .map(|s| s.parse::<Setting>().map_err(chainrule::Error::from))
        .collect();
    let model = match settings.and_then(|s| load(model_src, &s)) {
        Ok(m) => m,
        Err(e) => return report_error(&e, &args.model, model_src, (None, None)),
    };
    let files = match documents_under(&args.doc) {
        Ok(f) => f,
        Err(Failure(msg)) => {
            eprintln!("error: {msg}");
            return ExitCode::from(2);
        }
    };
    if files.is_empty() {
        eprintln!(
            "error: no `.md` or `.tex` file under `{}`: there is nothing to check",
            args.doc.display()
        );
        return ExitCode::from(2);
    }
    let submissions: Vec<Submission> = files
        .iter()
        .map(|(name, path)| Submission {
            name: name.clone(),
            text: read_limited(path, MAX_DOC_BYTES).map_err(|Failure(msg)| msg),
            kind: DocKind::from_path(path),
        })
        .collect();
    let jobs = args
        .jobs
        .map(|j| j as usize)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let opts = CheckOptions {
        seed: args.seed,
        ..CheckOptions::default()
    };
    let graded = chainrule::grade(&model, &submissions, &opts, jobs);
    for path in &args.summary {
        let text = if path.extension().is_some_and(|e| e == "json") {
            chainrule::grading_json(&graded)
        } else {
            chainrule::grading_csv(&graded)
        };
        if emit(&text, Some(path)) != ExitCode::SUCCESS {
            return ExitCode::from(2);
        }
    }
    if let Some(path) = &args.results {
        if emit(&chainrule::gradescope_results(&graded), Some(path)) != ExitCode::SUCCESS {
            return ExitCode::from(2);
        }
    }
    let out = match args.format {
        CheckFormat::Json => chainrule::grading_json(&graded),
        _ => chainrule::grading_text(&graded),
    };
    let code = emit(&out, args.output.as_deref());
    if code == ExitCode::SUCCESS && !graded.iter().all(|g| g.passed()) {
        return ExitCode::from(1);
    }
    code
}

/// The `.md` and `.tex` files under `dir` (subfolders too, hidden ones and
/// symbolic links to folders skipped), each with its path relative to
/// `dir` written with `/`, sorted by that name.
fn documents_under(dir: &Path) -> Result<Vec<(String, PathBuf)>, Failure> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries =
            std::fs::read_dir(&d).map_err(|e| Failure(format!("cannot read the folder `{}`: {e}", d.display())))?;
        for entry in entries {
            let entry = entry.map_err(|e| Failure(format!("cannot read the folder `{}`: {e}", d.display())))?;
            let path = entry.path();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            let Ok(kind) = entry.file_type() else { continue };
            if hidden {
                continue;
            }
            if kind.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "md" | "markdown" | "tex"))
            {
                let rel = path.strip_prefix(dir).unwrap_or(&path);
                let name = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((name, path));
            }
        }
    }
    out.sort();
    Ok(out)
}

fn run_graph(args: GraphArgs) -> ExitCode {
    let path = args.common.model.clone();
    let src = match read_model(&path) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let queries = (Some(args.of.as_str()), Some(args.wrt.as_str()));
    let drawing = match settings(&args.common).and_then(|s| load(&src, &s)) {
        Err(e) => return report_error(&e, &path, &src, queries),
        Ok(model) => {
            let req = chainrule::GraphRequest {
                of: args.of.clone(),
                wrt: args.wrt.clone(),
                steps: args.common.steps,
                granularity: match args.granularity {
                    GraphGranularityArg::Quantities => chainrule::GraphGranularity::Quantities,
                    GraphGranularityArg::Operations => chainrule::GraphGranularity::Operations,
                },
                max_nodes: args.max_nodes,
            };
            match chainrule::graph(&model, &req) {
                Ok(d) => d,
                Err(chainrule::GraphError::Model(e)) => return report_error(&e, &path, &src, queries),
                Err(chainrule::GraphError::TooLarge(t)) => {
                    eprintln!("error: {t}");
                    return ExitCode::from(2);
                }
            }
        }
    };
    let text = match args.format {
        GraphFormat::Dot => Ok(drawing.dot()),
        GraphFormat::Svg => lay_out(&drawing, args.layout.layout, true),
        GraphFormat::Tikz => drawing.tikz().map_err(|e| LayoutError(e.to_string())),
    };
    match text {
        Ok(t) => emit(&t, args.common.output.as_deref()),
        Err(LayoutError(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}

/// Why no SVG was made.
struct LayoutError(String);

impl std::fmt::Display for LayoutError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The drawing as SVG: through Graphviz's `dot` when asked or (auto) when
/// it runs here, else laid out in pure Rust (with its legend under it when
/// `legend`; Graphviz's drawing has none: the DOT text says it in comments).
fn lay_out(drawing: &chainrule::Drawing, engine: LayoutEngine, legend: bool) -> Result<String, LayoutError> {
    if engine != LayoutEngine::Builtin {
        match graphviz_svg(&drawing.dot()) {
            Ok(svg) => return Ok(svg),
            Err(why) if engine == LayoutEngine::Graphviz => {
                return Err(LayoutError(format!("--layout graphviz: {why}")));
            }
            Err(_) => {}
        }
    }
    let svg = if legend { drawing.svg() } else { drawing.svg_figure() };
    svg.map_err(|e| LayoutError(e.to_string()))
}

/// `dot -Tsvg` on `dot_text`, or why not.
fn graphviz_svg(dot_text: &str) -> Result<String, String> {
    use std::process::{Command, Stdio};
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run Graphviz's `dot`: {e}"))?;
    // dot reads all of its input before it writes: no deadlock.
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(dot_text.as_bytes())
            .map_err(|e| format!("cannot write to `dot`: {e}"))?;
    }
    let out = child.wait_with_output().map_err(|e| format!("`dot` failed: {e}"))?;
    if !out.status.success() {
        return Err(format!("`dot` failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    String::from_utf8(out.stdout).map_err(|_| "`dot` wrote something that is not UTF-8".to_string())
}

/// A file's name for a title: its last component.
fn file_label(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

/// Expands (or with `--check`, compares) each document in turn; the exit
/// code is the worst of them (2 over 1 over 0).
fn run_doc(args: DocArgs) -> ExitCode {
    let mut worst = 0u8;
    for path in &args.docs {
        worst = worst.max(doc_one(path, args.check));
    }
    ExitCode::from(worst)
}

fn doc_one(path: &Path, check: bool) -> u8 {
    let name = path.display().to_string();
    let src = match read_model_text(&name) {
        Ok(s) => s,
        Err(Failure(msg)) => {
            eprintln!("error: {msg}");
            return 2;
        }
    };
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut read = |model: &str| {
        let p = dir.join(model);
        let shown = p.display().to_string();
        read_model_text(&shown)
            .map(|text| chainrule::ModelFile { name: shown, text })
            .map_err(|Failure(msg)| msg)
    };
    let expanded = match chainrule::expand(&src, &mut read) {
        Ok(x) => x,
        Err(e) => {
            eprint!("{}", chainrule::doc_error_message(&e, &name, &src, stderr_color()));
            return 2;
        }
    };
    let mut code = 0;
    if check {
        if expanded.text != src {
            let diff = similar::TextDiff::from_lines(&src, &expanded.text)
                .unified_diff()
                .header(&name, &format!("{name} (expanded)"))
                .to_string();
            let _ = std::io::stdout().lock().write_all(diff.as_bytes());
            eprintln!("error: `{name}` is stale; run `chainrule doc {name}` to update it");
            code = 1;
        }
    } else if expanded.text != src && emit(&expanded.text, Some(path)) != ExitCode::SUCCESS {
        return 2;
    }
    for line in &expanded.failed_checks {
        eprintln!("error: {name}:{line}: the derivation failed its check");
        code = 1;
    }
    code
}

/// A whole file as UTF-8, refused beyond `limit` bytes.
fn read_limited(path: &Path, limit: u64) -> Result<String, Failure> {
    let mut buf = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut buf))
        .map_err(|e| Failure(format!("cannot read `{}`: {e}", path.display())))?;
    if buf.len() as u64 > limit {
        return Err(Failure(format!(
            "`{}` is larger than {} MiB; a hand derivation is much smaller",
            path.display(),
            limit >> 20
        )));
    }
    String::from_utf8(buf).map_err(|e| {
        Failure(format!(
            "`{}` is not UTF-8 text (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })
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
        // Replacing a file keeps its permissions (a temporary file starts as 0600).
        if let Ok(meta) = std::fs::metadata(path) {
            tmp.as_file().set_permissions(meta.permissions())?;
        }
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
