//! Conditions: minijinja expressions over answers (`personal_data == "yes"`), compiled and evaluated here.

use std::collections::{BTreeMap, HashSet};

use minijinja::{Environment, Value};

/// A condition that could not be compiled or evaluated.
#[derive(Debug, Clone, thiserror::Error)]
#[error("condition `{expr}`: {message}")]
pub struct ExprError {
    /// The expression.
    pub expr: String,
    /// minijinja's explanation.
    pub message: String,
}

/// The variables a condition can see: answers by question id, later also derived results.
pub type Scope = BTreeMap<String, Value>;

/// Compiles and evaluates conditions.
pub struct Conditions {
    env: Environment<'static>,
}

impl Default for Conditions {
    fn default() -> Self {
        Self::new()
    }
}

impl Conditions {
    /// An environment with minijinja's built-in tests and filters (`is defined`, `in`, `length`…).
    pub fn new() -> Self {
        Conditions {
            env: Environment::new(),
        }
    }

    /// True when `expr` holds in `scope`; unknown variables are undefined (never equal to anything).
    pub fn holds(&self, expr: &str, scope: &Scope) -> Result<bool, ExprError> {
        let err = |e: minijinja::Error| ExprError {
            expr: expr.to_owned(),
            message: e.to_string(),
        };
        let compiled = self.env.compile_expression(expr).map_err(err)?;
        let value = compiled
            .eval(Value::from(minijinja::value::Serde(scope)))
            .map_err(err)?;
        Ok(value.is_true())
    }

    /// Checks that `expr` compiles and returns the variables it reads.
    pub fn variables(&self, expr: &str) -> Result<HashSet<String>, ExprError> {
        let compiled = self.env.compile_expression(expr).map_err(|e| ExprError {
            expr: expr.to_owned(),
            message: e.to_string(),
        })?;
        Ok(compiled.undeclared_variables(false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(pairs: &[(&str, Value)]) -> Scope {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
    }

    #[test]
    fn compares_answers() {
        let c = Conditions::new();
        let s = scope(&[
            ("personal_data", Value::from("yes")),
            ("areas", Value::from(vec!["a", "b"])),
        ]);
        assert!(c.holds(r#"personal_data == "yes""#, &s).expect("eval"));
        assert!(!c.holds(r#"personal_data == "no""#, &s).expect("eval"));
        assert!(c.holds(r#""b" in areas"#, &s).expect("eval"));
        assert!(c.holds(r#"personal_data in ["yes", "dont_know"]"#, &s).expect("eval"));
    }

    #[test]
    fn unanswered_questions_are_undefined_not_errors() {
        let c = Conditions::new();
        let s = Scope::new();
        assert!(!c.holds(r#"personal_data == "yes""#, &s).expect("eval"));
        assert!(c.holds(r#"personal_data != "yes""#, &s).expect("eval"));
        assert!(!c.holds(r#"personal_data in ["yes", "dont_know"]"#, &s).expect("eval"));
        assert!(!c.holds(r#"personal_data is defined"#, &s).expect("eval"));
    }

    #[test]
    fn reports_syntax_errors_and_variables() {
        let c = Conditions::new();
        assert!(c.variables("personal_data ==").is_err());
        let vars = c.variables(r#"a == "yes" and (b or c.d)"#).expect("vars");
        let mut vars: Vec<String> = vars.into_iter().collect();
        vars.sort();
        assert_eq!(vars, vec!["a", "b", "c"]);
    }
}
