//! Python values as PyYAML's `SafeConstructor` builds them, with Python's equality
//! for the parts that matter here (`True == 1 == 1.0` as dict keys and values; dicts
//! compare without regard to order; a later duplicate key replaces the earlier value).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// A constructed value.
#[derive(Debug, Clone)]
pub enum Value {
    /// `None`.
    Null,
    /// `bool`.
    Bool(bool),
    /// `int` that fits in an `i128`.
    Int(i128),
    /// `int` too large for an `i128`, kept as its normalised text.
    BigInt(String),
    /// `float`.
    Float(f64),
    /// `str`.
    Str(String),
    /// `bytes` from `!!binary`, kept as the base64 text without whitespace.
    Binary(String),
    /// `date`/`datetime` from a timestamp, kept in a normalised text form.
    Timestamp(String),
    /// `list`.
    Seq(Vec<Rc<Value>>),
    /// `list` of pairs (`!!omap`, `!!pairs`).
    Pairs(Vec<(Rc<Value>, Rc<Value>)>),
    /// `dict`.
    Map(BTreeMap<Rc<Value>, Rc<Value>>),
    /// `set` (`!!set`).
    Set(BTreeSet<Rc<Value>>),
}

impl Value {
    /// Whether Python could use this value as a dict key.
    pub fn is_hashable(&self) -> bool {
        !matches!(
            self,
            Value::Seq(_) | Value::Pairs(_) | Value::Map(_) | Value::Set(_)
        )
    }

    /// The string the DC/OS installer makes of a top-level value
    /// (`gen.stringify_configuration`): booleans become `'true'`/`'false'`, ints their
    /// decimal text, strings stay; `None` if it is neither (the installer rejects those).
    pub fn as_installer_string(&self) -> Option<String> {
        match self {
            Value::Bool(true) => Some("true".into()),
            Value::Bool(false) => Some("false".into()),
            Value::Int(i) => Some(i.to_string()),
            Value::Str(s) => Some(s.clone()),
            _ => None,
        }
    }

    fn class(&self) -> u8 {
        match self {
            Value::Null => 0,
            Value::Bool(_) | Value::Int(_) | Value::BigInt(_) | Value::Float(_) => 1,
            Value::Str(_) => 2,
            Value::Binary(_) => 3,
            Value::Timestamp(_) => 4,
            Value::Seq(_) => 5,
            Value::Pairs(_) => 6,
            Value::Map(_) => 7,
            Value::Set(_) => 8,
        }
    }
}

/// A number in a form where Python-equal numbers compare equal.
enum Num<'a> {
    I(i128),
    F(f64),
    Big(bool, &'a str),
}

fn num(v: &Value) -> Num<'_> {
    match v {
        Value::Bool(b) => Num::I(i128::from(*b)),
        Value::Int(i) => Num::I(*i),
        Value::Float(f) => {
            if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e37 {
                Num::I(*f as i128)
            } else {
                Num::F(*f)
            }
        }
        Value::BigInt(s) => match s.strip_prefix('-') {
            Some(d) => Num::Big(true, d),
            None => Num::Big(false, s.as_str()),
        },
        _ => Num::I(0),
    }
}

fn cmp_f64(a: f64, b: f64) -> Ordering {
    // NaN sorts last and equals itself: enough for a consistent order.
    a.partial_cmp(&b)
        .unwrap_or_else(|| a.is_nan().cmp(&b.is_nan()))
}

fn cmp_num(a: &Num<'_>, b: &Num<'_>) -> Ordering {
    match (a, b) {
        (Num::I(x), Num::I(y)) => x.cmp(y),
        (Num::I(x), Num::F(y)) => cmp_f64(*x as f64, *y),
        (Num::F(x), Num::I(y)) => cmp_f64(*x, *y as f64),
        (Num::F(x), Num::F(y)) => cmp_f64(*x, *y),
        (Num::Big(neg, _), Num::I(_)) => {
            if *neg {
                Ordering::Less
            } else {
                Ordering::Greater
            }
        }
        (Num::I(_), Num::Big(neg, _)) => {
            if *neg {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (Num::Big(neg, d), Num::F(f)) => {
            let x: f64 = d.parse().unwrap_or(f64::INFINITY);
            cmp_f64(if *neg { -x } else { x }, *f)
        }
        (Num::F(f), Num::Big(neg, d)) => {
            let x: f64 = d.parse().unwrap_or(f64::INFINITY);
            cmp_f64(*f, if *neg { -x } else { x })
        }
        (Num::Big(na, da), Num::Big(nb, db)) => match (na, nb) {
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            _ => {
                let mag = da.len().cmp(&db.len()).then_with(|| da.cmp(db));
                if *na { mag.reverse() } else { mag }
            }
        },
    }
}

impl Ord for Value {
    fn cmp(&self, other: &Self) -> Ordering {
        let by_class = self.class().cmp(&other.class());
        if by_class != Ordering::Equal {
            return by_class;
        }
        match (self, other) {
            (Value::Null, Value::Null) => Ordering::Equal,
            (Value::Str(a), Value::Str(b))
            | (Value::Binary(a), Value::Binary(b))
            | (Value::Timestamp(a), Value::Timestamp(b)) => a.cmp(b),
            (Value::Seq(a), Value::Seq(b)) => a.cmp(b),
            (Value::Pairs(a), Value::Pairs(b)) => a.cmp(b),
            (Value::Map(a), Value::Map(b)) => a.iter().cmp(b.iter()),
            (Value::Set(a), Value::Set(b)) => a.iter().cmp(b.iter()),
            (a, b) => cmp_num(&num(a), &num(b)),
        }
    }
}

impl PartialOrd for Value {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Value {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_numeric_equality() {
        assert_eq!(Value::Bool(true), Value::Int(1));
        assert_eq!(Value::Float(1.0), Value::Int(1));
        assert_ne!(Value::Str("1".into()), Value::Int(1));
        assert_ne!(Value::Bool(false), Value::Null);
        assert!(Value::BigInt("-99999999999999999999999999999999999999999".into()) < Value::Int(0));
    }

    #[test]
    fn installer_string_follows_stringify_configuration() {
        assert_eq!(
            Value::Bool(false).as_installer_string().as_deref(),
            Some("false")
        );
        assert_eq!(
            Value::Str("false".into()).as_installer_string().as_deref(),
            Some("false")
        );
        assert_eq!(Value::Int(0).as_installer_string().as_deref(), Some("0"));
        assert_eq!(Value::Null.as_installer_string(), None);
    }
}
