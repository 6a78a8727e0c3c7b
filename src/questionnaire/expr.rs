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
    /// An environment with minijinja's built-in tests and filters (`is defined`, `in`, `length`…) plus the
    /// test `any_of`: `annex_iii_area is any_of(["public_benefits", "employment"])` holds when the answer (one
    /// value or a list) contains any of the values; an unanswered question holds for none.
    pub fn new() -> Self {
        let mut env = Environment::new();
        env.add_test("any_of", any_of);
        Conditions { env }
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

/// The `any_of` test: a single value equal to one of `options`, or a list containing one of them.
fn any_of(value: &Value, options: Vec<String>) -> bool {
    let hit = |v: &Value| v.as_str().is_some_and(|s| options.iter().any(|o| o == s));
    if value.as_str().is_some() {
        return hit(value);
    }
    value.try_iter().is_ok_and(|mut items| items.any(|v| hit(&v)))
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
    fn any_of_reads_single_answers_and_lists() {
        let c = Conditions::new();
        let s = scope(&[
            ("one", Value::from("employment")),
            ("many", Value::from(vec!["none", "point_2"])),
        ]);
        assert!(c.holds(r#"one is any_of(["x", "employment"])"#, &s).expect("eval"));
        assert!(c.holds(r#"many is any_of(["point_2"])"#, &s).expect("eval"));
        assert!(!c.holds(r#"many is any_of(["point_4a"])"#, &s).expect("eval"));
        assert!(!c.holds(r#"missing is any_of(["x"])"#, &s).expect("eval"));
        assert!(c.holds(r#"missing is not any_of(["x"])"#, &s).expect("eval"));
        let vars = c.variables(r#"one is any_of(["x"]) and flag"#).expect("vars");
        assert_eq!(vars.len(), 2, "tests are not variables: {vars:?}");
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
