//! Validation findings as data: collected, sorted, then rendered as text, JSON or GitHub annotations.

use std::fmt::Write as _;

use serde::Serialize;

use crate::output::Style;
use crate::source::SourceFile;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Must be fixed; `validate` exits 1.
    Error,
    /// Worth a look; does not fail validation.
    Warning,
}

impl Severity {
    /// The word shown to users.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One finding, pointing at a place in a file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Path relative to the workspace root, with `/` separators.
    pub file: String,
    /// 1-based line (1 when the whole file is meant).
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
    /// Error or warning.
    pub severity: Severity,
    /// Stable machine-readable code, for example `unknown-key`.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// The field path inside the file (`params.temperature`), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A finding about a whole file (line 1, column 1).
    pub fn file(file: &SourceFile, severity: Severity, code: &'static str, message: impl Into<String>) -> Self {
        Self::at_path(display_path(&file.path), 1, 1, severity, code, message)
    }

    /// A finding at an explicit place.
    pub fn at_path(
        file: impl Into<String>,
        line: usize,
        column: usize,
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            file: file.into(),
            line,
            column,
            severity,
            code,
            message: message.into(),
            field: None,
            hint: None,
        }
    }

    /// A finding at the value a JSON pointer names inside a TOML file.
    pub fn at_pointer(
        file: &SourceFile,
        pointer: &str,
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        let pos = file.position_of(pointer);
        let mut d = Self::at_path(display_path(&file.path), pos.line, pos.column, severity, code, message);
        d.field = field_from_pointer(pointer);
        d
    }

    /// A finding at a byte offset in a file.
    pub fn at_offset(
        file: &SourceFile,
        offset: usize,
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        let pos = file.position(offset);
        Self::at_path(display_path(&file.path), pos.line, pos.column, severity, code, message)
    }

    /// Adds how to fix it.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Sets the field path shown with the message.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// `file:line:column: message`, the one-line form used in error messages.
impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
    }
}

/// A path for messages: forward slashes, no leading `./`.
pub fn display_path(path: &std::path::Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

/// `/params/temperature` → `params.temperature`; `/suggestion_prompts/1/text` → `suggestion_prompts[1].text`.
pub fn field_from_pointer(pointer: &str) -> Option<String> {
    let mut out = String::new();
    for raw in pointer.split('/').skip(1) {
        let seg = raw.replace("~1", "/").replace("~0", "~");
        if seg.parse::<usize>().is_ok() {
            let _ = write!(out, "[{seg}]");
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&seg);
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Sorts findings by file, then position, then severity, and removes exact duplicates.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.severity, a.code, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.severity, b.code, &b.message))
    });
    diags.dedup();
}

/// Counts errors and warnings.
pub fn counts(diags: &[Diagnostic]) -> (usize, usize) {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    (errors, diags.len() - errors)
}

/// Human text grouped by file; `lines` gives the source line for an excerpt when known.
pub fn render_human(
    diags: &[Diagnostic],
    style: &Style,
    source_line: &dyn Fn(&str, usize) -> Option<String>,
) -> String {
    let mut out = String::new();
    let mut current: Option<&str> = None;
    for d in diags {
        if current != Some(d.file.as_str()) {
            if current.is_some() {
                out.push('\n');
            }
            let _ = writeln!(out, "{}", style.bold(&d.file));
            current = Some(&d.file);
        }
        let severity = match d.severity {
            Severity::Error => style.red(crate::msg::t("validate.error")),
            Severity::Warning => style.yellow(crate::msg::t("validate.warning")),
        };
        let place = format!("{}:{}", d.line, d.column);
        let field = d.field.as_deref().map(|f| format!("{f}: ")).unwrap_or_default();
        let _ = writeln!(
            out,
            "  {place:>7}  {severity}  {field}{}  {}",
            crate::msg::translate(d.code, &d.message),
            style.dim(&format!("[{}]", d.code))
        );
        // A finding at 1:1 is about the whole file; its first line would mislead.
        let whole_file = d.line == 1 && d.column == 1;
        let excerpt = if d.code == "possible-secret" || whole_file {
            None
        } else {
            // A line with credentials in a URL is never quoted, whatever finding it belongs to.
            source_line(&d.file, d.line).filter(|l| !crate::secrets::has_userinfo(l))
        };
        if let Some(text) = excerpt.filter(|t| !t.trim().is_empty() && !t.chars().any(|c| c.is_control() && c != '\t'))
        {
            // Anything shaped like a key stays out of the quoted line, whatever finding it belongs to.
            let text = crate::secrets::redact(&text);
            let shown: String = text.chars().take(100).collect();
            let ellipsis = if text.chars().count() > 100 { "…" } else { "" };
            let _ = writeln!(out, "  {:>7}  {}", "", style.dim(&format!("| {shown}{ellipsis}")));
        }
        if let Some(hint) = &d.hint {
            let hint = crate::msg::translate(d.code, hint);
            let label = format!("{}:", crate::msg::t("validate.hint"));
            let _ = writeln!(out, "  {:>7}  {} {hint}", "", style.cyan(&label));
        }
    }
    out
}

/// GitHub Actions workflow commands, one per finding.
pub fn render_github(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let mut message = match &d.field {
            Some(f) => format!("{f}: {}", d.message),
            None => d.message.clone(),
        };
        if let Some(h) = &d.hint {
            message.push_str(&format!("\nhint: {h}"));
        }
        let _ = writeln!(
            out,
            "::{} file={},line={},col={},title={}::{}",
            d.severity.as_str(),
            escape_property(&d.file),
            d.line,
            d.column,
            escape_property(&format!("aispec {}", d.code)),
            escape_data(&message)
        );
    }
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_read_like_toml() {
        assert_eq!(
            field_from_pointer("/params/temperature").as_deref(),
            Some("params.temperature")
        );
        assert_eq!(
            field_from_pointer("/suggestion_prompts/1/text").as_deref(),
            Some("suggestion_prompts[1].text")
        );
        assert_eq!(field_from_pointer(""), None);
    }

    #[test]
    fn one_line_form_names_file_line_and_column() {
        let d = Diagnostic::at_path("specialists/a/specialist.toml", 4, 7, Severity::Error, "x", "bad value");
        assert_eq!(d.to_string(), "specialists/a/specialist.toml:4:7: bad value");
    }

    #[test]
    fn github_annotations_escape() {
        let d = Diagnostic::at_path("a,b.toml", 2, 3, Severity::Error, "x", "bad\nthing 100%");
        assert_eq!(
            render_github(&[d]),
            "::error file=a%2Cb.toml,line=2,col=3,title=aispec x::bad%0Athing 100%25\n"
        );
    }
}
