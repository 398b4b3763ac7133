//! `--set NAME=VALUE` overrides: `w1=2`, `'x1[2]=5'`, `x=[1,2,3]`, `T=50`.

use super::error::ResolveError;
use crate::number::Q;

/// A value given on the command line.
#[derive(Clone, Debug, PartialEq)]
pub enum SetValue {
    Scalar(Q),
    List(Vec<Q>),
}

/// One `--set`, parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    /// The text as the user wrote it, for messages.
    pub text: String,
    pub name: String,
    /// `x1[2]=5` sets one element (1-based).
    pub index: Option<i64>,
    pub value: SetValue,
}

impl std::str::FromStr for Setting {
    type Err = ResolveError;

    /// ```
    /// use chainrule::model::Setting;
    /// let s: Setting = "x1[2]=0.5".parse().unwrap();
    /// assert_eq!((s.name.as_str(), s.index), ("x1", Some(2)));
    /// ```
    fn from_str(text: &str) -> Result<Setting, ResolveError> {
        let bad = |message: &str| ResolveError::BadSetting {
            setting: text.to_string(),
            message: message.to_string(),
            help: Some("write NAME=VALUE, 'x[2]=VALUE' or x=[v1,v2,...]; values are exact (1/3, 0.25, -2)".into()),
        };
        let (lhs, rhs) = text.split_once('=').ok_or_else(|| bad("missing `=`"))?;
        let lhs = lhs.trim();
        let (name, index) = match lhs.split_once('[') {
            Some((n, rest)) => {
                let inner = rest.strip_suffix(']').ok_or_else(|| bad("missing `]`"))?;
                let k: i64 = inner
                    .trim()
                    .parse()
                    .map_err(|_| bad("the index must be a whole number"))?;
                (n.trim(), Some(k))
            }
            None => (lhs, None),
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(bad("not a name"));
        }
        let rhs = rhs.trim();
        let value = if let Some(list) = rhs.strip_prefix('[') {
            let list = list.strip_suffix(']').ok_or_else(|| bad("missing `]`"))?;
            let items = list
                .split(',')
                .filter(|s| !s.trim().is_empty())
                .map(|s| s.parse::<Q>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| bad(&e))?;
            SetValue::List(items)
        } else {
            SetValue::Scalar(rhs.parse::<Q>().map_err(|e| bad(&e))?)
        };
        if index.is_some() && matches!(value, SetValue::List(_)) {
            return Err(bad("one element takes one value"));
        }
        Ok(Setting {
            text: text.to_string(),
            name: name.to_string(),
            index,
            value,
        })
    }
}
