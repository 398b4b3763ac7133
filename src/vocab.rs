//! The words every stage shares and none owns: symbol ids, symbols at a
//! step, and the built-in functions. It depends on nothing, so `model` and
//! `graph` can both use it without depending on each other for it.

/// Index of a symbol in the model's symbol table, in declaration order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SymId(pub u32);

/// A model symbol, optionally at a step: `w1`, `x1[2]`, `h[0]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym {
    pub id: SymId,
    pub step: Option<i64>,
}

/// A name at a step as a model writes it: `h[1]`; an entry of a vector
/// (named `h[2]` once lowered, see `shape`) at step 1 is `h[1][2]`.
///
/// ```
/// use chainrule::vocab::at_step;
/// assert_eq!(at_step("h", 1), "h[1]");
/// assert_eq!(at_step("h[2]", 1), "h[1][2]");
/// ```
pub fn at_step(name: &str, step: i64) -> String {
    match name.find('[') {
        Some(open) => format!("{}[{step}]{}", &name[..open], &name[open..]),
        None => format!("{name}[{step}]"),
    }
}

/// The built-in functions of LANGUAGE.md §1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Builtin {
    Sigmoid,
    Tanh,
    Relu,
    Exp,
    Ln,
    Sqrt,
    Step,
}

impl Builtin {
    /// The built-in called `name` in a model (`sigma` and `log` are aliases).
    pub fn from_name(name: &str) -> Option<Builtin> {
        Some(match name {
            "sigmoid" | "sigma" => Builtin::Sigmoid,
            "tanh" => Builtin::Tanh,
            "relu" => Builtin::Relu,
            "exp" => Builtin::Exp,
            "ln" | "log" => Builtin::Ln,
            "sqrt" => Builtin::Sqrt,
            "step" => Builtin::Step,
            _ => return None,
        })
    }

    /// The name used in model files and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Sigmoid => "sigmoid",
            Builtin::Tanh => "tanh",
            Builtin::Relu => "relu",
            Builtin::Exp => "exp",
            Builtin::Ln => "ln",
            Builtin::Sqrt => "sqrt",
            Builtin::Step => "step",
        }
    }

    pub const ALL: [Builtin; 7] = [
        Builtin::Sigmoid,
        Builtin::Tanh,
        Builtin::Relu,
        Builtin::Exp,
        Builtin::Ln,
        Builtin::Sqrt,
        Builtin::Step,
    ];
}

/// The steps a general derivation stands its symbols at: the generic step
/// `t` at [`steps::GENERIC_T`], the horizon `T` at [`steps::HORIZON`]. A graph built
/// there is one step of the network (or its last steps) seen on its own;
/// a step within [`steps::STEP_RADIUS`] of either is written relative to it.
pub mod steps {
    /// Where `t` stands.
    pub const GENERIC_T: i64 = 1_000_000;
    /// Where `T` stands.
    pub const HORIZON: i64 = 3_000_000;
    /// How far from `t` or `T` a step is still written relative to it.
    pub const STEP_RADIUS: i64 = 64;

    /// How step `k` is written when steps may be symbolic: `t+1`, `T-1`,
    /// `0`.
    ///
    /// ```
    /// use chainrule::vocab::steps::{step_text, GENERIC_T, HORIZON};
    /// assert_eq!(step_text(GENERIC_T + 1), "t+1");
    /// assert_eq!(step_text(HORIZON), "T");
    /// assert_eq!(step_text(3), "3");
    /// ```
    pub fn step_text(k: i64) -> String {
        step_text_as(k, "t")
    }

    /// `d` steps from the step called `name`: `t`, `t+1`, `t-1`.
    ///
    /// ```
    /// use chainrule::vocab::steps::relative_text;
    /// assert_eq!(relative_text(-1, "j"), "j-1");
    /// ```
    pub fn relative_text(d: i64, name: &str) -> String {
        match d {
            0 => name.to_string(),
            d if d > 0 => format!("{name}+{d}"),
            d => format!("{name}-{}", -d),
        }
    }

    /// [`step_text`], with the generic step called `name` (`s` in a sum
    /// whose product runs over `t`).
    pub fn step_text_as(k: i64, name: &str) -> String {
        if (k - HORIZON).abs() <= STEP_RADIUS {
            relative_text(k - HORIZON, "T")
        } else if (k - GENERIC_T).abs() <= STEP_RADIUS {
            relative_text(k - GENERIC_T, name)
        } else {
            k.to_string()
        }
    }
}
