//! `javascript` assertions, as promptfoo runs them: the code sees `output` (the answer) and `context` (`vars`,
//! `prompt`), and returns a boolean, a score or `{pass, score, reason}`.
//!
//! The code runs in an embedded QuickJS (rquickjs) with nothing but the language itself: no module loader, no
//! `require`, no `fetch`, no file system, no network, no timers. The runtime has a memory limit, a stack limit and
//! an interrupt that stops the code at a deadline, so a loop or a huge allocation fails the assertion instead of
//! the run. Each thread reuses its engine (with the built-ins frozen) until an assertion fails with an error.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rquickjs::{Context, Ctx, Function, Runtime};
use serde_json::Value;

/// How long one assertion may run.
pub const TIME_LIMIT: Duration = Duration::from_secs(2);
/// How much memory one assertion may allocate.
pub const MEMORY_LIMIT: usize = 64 * 1024 * 1024;
/// How deep the JavaScript stack may grow.
const STACK_LIMIT: usize = 512 * 1024;

/// Limits of one run.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Wall time.
    pub time: Duration,
    /// Bytes the engine may allocate.
    pub memory: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            time: TIME_LIMIT,
            memory: MEMORY_LIMIT,
        }
    }
}

/// What the code returned, as promptfoo reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// `true` or `false`.
    Bool(bool),
    /// A score; it passes above 0, or at or above the assertion's threshold.
    Score(f64),
    /// A grading result object.
    Graded {
        /// Whether it passed.
        pass: bool,
        /// The score (default 1 or 0 by `pass`).
        score: Option<f64>,
        /// Why, when given.
        reason: Option<String>,
    },
}

/// What the code can see besides the answer.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    /// The user message as sent.
    pub prompt: &'a str,
    /// The case's variables.
    pub vars: &'a BTreeMap<String, String>,
}

/// The function body: one line is an expression (`output.includes('x')`), more lines are a body with `return`.
pub fn function_body(code: &str) -> String {
    let code = code.trim();
    if code.contains('\n') || code.starts_with("return ") || code.starts_with("return(") {
        code.to_owned()
    } else {
        format!("return {code}")
    }
}

/// One engine per thread, reused by the assertions that thread runs: starting QuickJS with its built-ins costs
/// about 0.2 ms, which for 40,000 assertions was most of a cached run. The built-ins and the global object are
/// frozen when the engine starts, so one assertion cannot change what the next one sees; the engine is thrown away
/// after any error, so a run that hit a limit never leaves a half-used engine behind.
struct Engine {
    /// Kept for as long as the context lives.
    _runtime: Runtime,
    context: Context,
    /// When the running code must stop; read by the interrupt handler.
    deadline: Arc<Mutex<Instant>>,
    memory: usize,
}

/// Freezes every built-in, its prototype and the global object itself.
const FREEZE: &str = "(() => {
  for (const name of Object.getOwnPropertyNames(globalThis)) {
    const v = globalThis[name];
    if (v !== null && (typeof v === 'object' || typeof v === 'function')) {
      Object.freeze(v);
      if (v.prototype) Object.freeze(v.prototype);
    }
  }
  Object.freeze(globalThis);
})()";

impl Engine {
    fn start(memory: usize) -> Result<Engine, String> {
        let failed = |e: rquickjs::Error| format!("cannot start the JavaScript engine: {e}");
        let runtime = Runtime::new().map_err(failed)?;
        runtime.set_memory_limit(memory);
        runtime.set_max_stack_size(STACK_LIMIT);
        let deadline = Arc::new(Mutex::new(Instant::now()));
        let watched = Arc::clone(&deadline);
        runtime.set_interrupt_handler(Some(Box::new(move || {
            Instant::now() >= *watched.lock().unwrap_or_else(|e| e.into_inner())
        })));
        let context = Context::full(&runtime).map_err(failed)?;
        *deadline.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now() + TIME_LIMIT;
        context.with(|ctx| ctx.eval::<(), _>(FREEZE)).map_err(failed)?;
        Ok(Engine {
            _runtime: runtime,
            context,
            deadline,
            memory,
        })
    }
}

thread_local! {
    static ENGINE: RefCell<Option<Engine>> = const { RefCell::new(None) };
}

/// Runs the assertion's code against an answer.
pub fn run(code: &str, output: &str, scope: Scope<'_>, limits: Limits) -> Result<Outcome, String> {
    let context_json = serde_json::json!({
        "prompt": scope.prompt,
        "vars": scope.vars,
        "test": { "vars": scope.vars },
    })
    .to_string();
    ENGINE.with(|slot| {
        let mut slot = slot.borrow_mut();
        let engine = match slot.take() {
            Some(e) if e.memory == limits.memory => e,
            _ => Engine::start(limits.memory)?,
        };
        let deadline = Instant::now() + limits.time;
        *engine.deadline.lock().unwrap_or_else(|e| e.into_inner()) = deadline;
        let returned = engine
            .context
            .with(|ctx| call(&ctx, code, output, &context_json).map_err(|e| describe(&ctx, e, deadline, limits)));
        if returned.is_ok() {
            *slot = Some(engine);
        }
        read_outcome(returned?)
    })
}

/// Compiles the code as a function of `(output, context)`, calls it and returns its value as JSON.
fn call(ctx: &Ctx<'_>, code: &str, output: &str, context_json: &str) -> rquickjs::Result<Option<String>> {
    let source = format!("(function (output, context) {{\n{}\n}})", function_body(code));
    let func: Function = ctx.eval(source)?;
    let context = ctx.json_parse(context_json)?;
    let value: rquickjs::Value = func.call((output, context))?;
    match ctx.json_stringify(value)? {
        Some(s) => Ok(Some(s.to_string()?)),
        None => Ok(None),
    }
}

/// A readable reason for an engine error: the exception's message, or which limit stopped the code.
fn describe(ctx: &Ctx<'_>, error: rquickjs::Error, deadline: Instant, limits: Limits) -> String {
    if Instant::now() >= deadline {
        return format!(
            "the code ran longer than {} ms and was stopped",
            limits.time.as_millis()
        );
    }
    let message = match error {
        rquickjs::Error::Exception => {
            let caught = ctx.catch();
            match caught.as_exception() {
                Some(ex) => ex.message().unwrap_or_else(|| "an exception".to_owned()),
                None => caught
                    .as_string()
                    .and_then(|s| s.to_string().ok())
                    .unwrap_or_else(|| format!("{caught:?}")),
            }
        }
        other => other.to_string(),
    };
    if message.contains("out of memory") || message.contains("Allocation") {
        format!(
            "the code used more than {} MB of memory and was stopped",
            limits.memory / (1024 * 1024)
        )
    } else {
        format!("the code failed: {message}")
    }
}

/// Reads the returned value: a boolean, a number, or an object with `pass` (and `score`, `reason`).
fn read_outcome(returned: Option<String>) -> Result<Outcome, String> {
    let wrong =
        |got: &str| format!("the code must return true/false, a number or {{pass, score, reason}}; it returned {got}");
    let Some(json) = returned else {
        return Err(wrong("nothing (undefined)"));
    };
    let value: Value = serde_json::from_str(&json).map_err(|_| wrong(&json))?;
    match value {
        Value::Bool(b) => Ok(Outcome::Bool(b)),
        Value::Number(n) => n.as_f64().map(Outcome::Score).ok_or_else(|| wrong(&n.to_string())),
        Value::Object(map) => {
            let Some(pass) = map.get("pass").and_then(Value::as_bool) else {
                return Err(wrong(&Value::Object(map).to_string()));
            };
            Ok(Outcome::Graded {
                pass,
                score: map.get("score").and_then(Value::as_f64),
                reason: map.get("reason").and_then(Value::as_str).map(str::to_owned),
            })
        }
        other => Err(wrong(&other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(code: &str, output: &str) -> Result<Outcome, String> {
        let vars = BTreeMap::from([("by".to_owned(), "Aarhus".to_owned())]);
        let scope = Scope {
            prompt: "Hvor bor du?",
            vars: &vars,
        };
        let limits = Limits {
            time: Duration::from_millis(300),
            memory: 16 * 1024 * 1024,
        };
        run(code, output, scope, limits)
    }

    #[test]
    fn expressions_bodies_scores_and_objects() {
        assert_eq!(
            eval("output.includes('Aarhus')", "Jeg bor i Aarhus"),
            Ok(Outcome::Bool(true))
        );
        assert_eq!(
            eval("output.includes(context.vars.by)", "Jeg bor i Odense"),
            Ok(Outcome::Bool(false))
        );
        assert_eq!(eval("output.length / 10", "12345"), Ok(Outcome::Score(0.5)));
        let body = "const words = output.split(/\\s+/);\nif (words.length > 3) {\n  return { pass: false, score: 0.2, reason: 'for langt' };\n}\nreturn { pass: true, reason: context.prompt };";
        assert_eq!(
            eval(body, "kort svar"),
            Ok(Outcome::Graded {
                pass: true,
                score: None,
                reason: Some("Hvor bor du?".into())
            })
        );
        assert_eq!(
            eval(body, "et meget langt svar her"),
            Ok(Outcome::Graded {
                pass: false,
                score: Some(0.2),
                reason: Some("for langt".into())
            })
        );
        assert_eq!(eval("return output === 'ja'", "ja"), Ok(Outcome::Bool(true)));
        assert_eq!(
            eval("JSON.parse(output).navn === 'Anna'", r#"{"navn":"Anna"}"#),
            Ok(Outcome::Bool(true))
        );
    }

    #[test]
    fn wrong_returns_and_exceptions_are_reasons() {
        let e = eval("'ja'", "x").expect_err("a string is not a result");
        assert!(e.contains("must return"), "{e}");
        let e = eval("let x = 1;\nx + 1;", "x").expect_err("no return");
        assert!(e.contains("undefined"), "{e}");
        let e = eval("JSON.parse(output).a", "ikke json").expect_err("throws");
        assert!(e.starts_with("the code failed:"), "{e}");
        let e = eval("output.(", "x").expect_err("syntax");
        assert!(e.contains("failed"), "{e}");
    }

    #[test]
    fn an_endless_loop_stops_at_the_time_limit() {
        let e = eval("while (true) {}\nreturn true;", "x").expect_err("stopped");
        assert!(e.contains("longer than 300 ms"), "{e}");
    }

    #[test]
    fn a_huge_allocation_stops_at_the_memory_limit() {
        let e = eval("const a = [];\nfor (;;) { a.push('x'.repeat(1024 * 1024)); }", "x").expect_err("stopped");
        assert!(e.contains("more than 16 MB"), "{e}");
        let e = eval("'x'.repeat(64 * 1024 * 1024).length > 0", "x").expect_err("stopped");
        assert!(e.contains("more than 16 MB"), "{e}");
    }

    #[test]
    fn one_assertion_cannot_change_what_the_next_one_sees() {
        for meddle in [
            "String.prototype.includes = () => true;\nreturn true;",
            "globalThis.seen = 1;\nreturn true;",
            "Math.max = () => 0;\nreturn true;",
        ] {
            let e = eval(meddle, "x").expect_err("the built-ins are frozen");
            assert!(e.contains("read-only") || e.contains("not extensible"), "{e}");
        }
        assert_eq!(eval("output.includes('zzz')", "abc"), Ok(Outcome::Bool(false)));
        assert_eq!(eval("typeof seen === 'undefined'", "x"), Ok(Outcome::Bool(true)));
        assert_eq!(eval("Math.max(1, 2)", "x"), Ok(Outcome::Score(2.0)));
    }

    #[test]
    fn the_engine_works_again_after_a_limit_stopped_it() {
        eval("while (true) {}", "x").expect_err("stopped");
        eval("'x'.repeat(64 * 1024 * 1024).length > 0", "x").expect_err("stopped");
        assert_eq!(eval("output.length", "abc"), Ok(Outcome::Score(3.0)));
    }

    #[test]
    fn deep_recursion_is_an_error_not_a_crash() {
        let e = eval("function f(n) { return f(n + 1) + 1; }\nreturn f(0);", "x").expect_err("stopped");
        assert!(e.contains("failed"), "{e}");
    }

    #[test]
    fn no_files_no_network_no_modules() {
        for probe in [
            "typeof require",
            "typeof fetch",
            "typeof process",
            "typeof XMLHttpRequest",
            "typeof Deno",
            "typeof std",
            "typeof os",
            "typeof setTimeout",
            "typeof globalThis.import",
        ] {
            assert_eq!(
                eval(&format!("{probe} === 'undefined'"), "x"),
                Ok(Outcome::Bool(true)),
                "{probe} must not exist"
            );
        }
        let e = eval("require('fs').readFileSync('/etc/passwd')", "x").expect_err("no require");
        assert!(e.contains("require"), "{e}");
        let e = eval("return import('fs')", "x").expect_err("no modules");
        assert!(e.contains("failed") || e.contains("must return"), "{e}");
    }
}
