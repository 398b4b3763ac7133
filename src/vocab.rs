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
