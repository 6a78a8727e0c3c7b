//! promptfoo tests from a CSV file: one test per row, columns are variables, `__expected…` columns hold
//! assertions in their one-line form, `__description`, `__threshold` and `__metric` describe the test.

use std::collections::BTreeMap;

use super::asserts;
use super::{Found, TestSpec};

/// Reads the rows of a CSV test file. `file` is the name shown in findings.
pub fn tests(text: &str, file: &str, found: &mut Found) -> Vec<TestSpec> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            found.skip(file, 1, "the header row", format!("not CSV: {e}"));
            return Vec::new();
        }
    };
    for name in headers.iter() {
        if name.starts_with("__") && !is_known(name) {
            found.skip(file, 1, format!("column `{name}`"), "aispec has no such test setting");
        }
    }
    let mut out = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                found.skip(file, line, "a row", format!("not CSV: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        let mut test = TestSpec {
            file: file.to_owned(),
            line,
            ..TestSpec::default()
        };
        let mut cells = Vec::new();
        for (name, cell) in headers.iter().zip(record.iter()) {
            match name {
                n if n.starts_with("__expected") => {
                    if !cell.trim().is_empty() {
                        cells.push((n, cell));
                    }
                }
                "__description" => test.description = Some(cell.to_owned()).filter(|c| !c.is_empty()),
                "__threshold" => test.threshold = cell.trim().parse().ok(),
                "__metric" => test.metric = Some(cell.to_owned()).filter(|c| !c.is_empty()),
                n if n.starts_with("__") => {}
                n => {
                    test.vars.insert(n.to_owned(), super::Var::Text(cell.to_owned()));
                }
            }
        }
        let plain: BTreeMap<String, String> = test
            .vars
            .iter()
            .filter_map(|(k, v)| match v {
                super::Var::Text(t) => Some((k.clone(), t.clone())),
                _ => None,
            })
            .collect();
        for (column, cell) in cells {
            match asserts::from_compact(cell, &plain) {
                Ok(mut a) => {
                    a.metric = test.metric.clone();
                    test.asserts.push(super::AssertSource::Ready(a));
                }
                Err(why) => found.skip(file, line, format!("`{column}` {cell:?}"), why),
            }
        }
        out.push(test);
    }
    out
}

fn is_known(column: &str) -> bool {
    column.starts_with("__expected") || matches!(column, "__description" | "__threshold" | "__metric")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_tests_with_lines() {
        let text = "spørgsmål,__expected1,__expected2,__description,__prefix\n\
                    Hvornår lukker I?,icontains: 15,\"not-contains-any: CPR, personnummer\",Åbningstid,x\n\
                    \"To\nlinjer\",python: True,,Anden,\n";
        let mut found = Found::default();
        let tests = tests(text, "tests.csv", &mut found);
        assert_eq!(tests.len(), 2);
        assert_eq!(tests[0].line, 2);
        assert_eq!(tests[0].description.as_deref(), Some("Åbningstid"));
        assert_eq!(tests[0].asserts.len(), 2);
        assert_eq!(tests[1].line, 3);
        let lines: Vec<(usize, &str)> = found.skipped.iter().map(|s| (s.line, s.what.as_str())).collect();
        assert_eq!(lines, [(1, "column `__prefix`"), (3, "`__expected1` \"python: True\"")]);
    }
}
