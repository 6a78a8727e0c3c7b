//! The public register records: each required field a record misses is a warning on its specialist (or on the
//! screening of a use case without one). Only for workspaces that keep a register (`[register]` is set).

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::catalog::Catalog;
use crate::model::screening::SCREENING_FILE;
use crate::model::specialist::SPEC_FILE;
use crate::register::{Context, Portfolio};
use crate::workspace::{SPECIALISTS_DIR, Workspace};

/// Adds one warning per schema problem of each record.
pub fn check(ws: &Workspace, catalog: Option<&Catalog>, diags: &mut Vec<Diagnostic>) {
    if ws.config.register.is_none() {
        return;
    }
    let empty = Catalog::default();
    let cx = Context::new(&ws.config, catalog.unwrap_or(&empty));
    let portfolio = Portfolio::load(ws);
    let report = crate::register::report(&cx, &portfolio, &[]);
    for uc in &portfolio.use_cases {
        let Some(problems) = report.problems.get(&uc.row.id) else {
            continue;
        };
        let file = if uc.is_specialist() {
            format!("{SPECIALISTS_DIR}/{}/{SPEC_FILE}", uc.row.id)
        } else {
            format!(
                "{}/{}/{SCREENING_FILE}",
                crate::model::screening::SCREENINGS_DIR,
                uc.row.id
            )
        };
        for p in problems {
            diags.push(
                Diagnostic::at_path(
                    file.clone(),
                    1,
                    1,
                    Severity::Warning,
                    "register-record",
                    format!("public register record: {}", p.message),
                )
                .with_hint(p.hint.clone()),
            );
        }
    }
}
