//! A text file read once, with positions (line/column) and the TOML → JSON bridge that keeps spans findable.

use std::ops::Range;
use std::path::PathBuf;

use serde_json::{Map, Number, Value};
use toml::de::{DeTable, DeValue};

/// A file's text with a line index, so byte offsets become `line:column`.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the workspace root (what users see in messages).
    pub path: PathBuf,
    /// The whole text.
    pub text: String,
    line_starts: Vec<usize>,
}

/// A 1-based line and column (column counted in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
}

impl SourceFile {
    /// Wraps text read from `path`.
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// Line and column of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        Position { line, column }
    }

    /// Position of the value at a JSON pointer, falling back to the nearest parent that exists.
    pub fn position_of(&self, pointer: &str) -> Position {
        self.position(locate(&self.text, pointer, Target::Value).map_or(0, |r| r.start))
    }

    /// Byte range of the value at a JSON pointer (quotes included), or of its nearest existing parent.
    pub fn value_range_of(&self, pointer: &str) -> Range<usize> {
        locate(&self.text, pointer, Target::Value).unwrap_or(0..0)
    }

    /// Position of the key that names the member at a JSON pointer.
    pub fn key_position_of(&self, pointer: &str) -> Position {
        self.position(locate(&self.text, pointer, Target::Key).map_or(0, |r| r.start))
    }

    /// The 1-based line's text, without its newline.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return "";
        };
        let end = self.line_starts.get(line).map_or(self.text.len(), |e| e - 1);
        self.text.get(start..end).unwrap_or("").trim_end_matches('\r')
    }
}

/// A TOML syntax error with the byte range it points at.
#[derive(Debug, Clone)]
pub struct TomlError {
    /// The parser's message.
    pub message: String,
    /// Where in the text.
    pub span: Option<Range<usize>>,
}

/// Parses TOML into a JSON value (dates become RFC 3339 strings) for schema validation and serde.
pub fn toml_to_json(text: &str) -> Result<Value, Vec<TomlError>> {
    let (table, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        return Err(errors
            .into_iter()
            .map(|e| TomlError {
                message: e.message().trim().to_owned(),
                span: e.span(),
            })
            .collect());
    }
    Ok(table_to_json(table.get_ref()))
}

fn table_to_json(table: &DeTable<'_>) -> Value {
    let mut map = Map::with_capacity(table.len());
    for (key, value) in table.iter() {
        map.insert(key.get_ref().to_string(), value_to_json(value.get_ref()));
    }
    Value::Object(map)
}

fn value_to_json(value: &DeValue<'_>) -> Value {
    match value {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            match i64::from_str_radix(&digits, i.radix()) {
                Ok(n) => Value::Number(n.into()),
                Err(_) => u64::from_str_radix(&digits, i.radix()).map_or(Value::Null, |n| Value::Number(n.into())),
            }
        }
        DeValue::Float(f) => {
            let text = f.as_str().replace('_', "");
            text.parse::<f64>()
                .ok()
                .and_then(Number::from_f64)
                .map_or(Value::Null, Value::Number)
        }
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::String(d.to_string()),
        DeValue::Array(items) => Value::Array(items.iter().map(|v| value_to_json(v.get_ref())).collect()),
        DeValue::Table(t) => table_to_json(t),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Target {
    Key,
    Value,
}

/// Byte range of the key or value a JSON pointer names, or of its nearest existing ancestor.
fn locate(text: &str, pointer: &str, target: Target) -> Option<Range<usize>> {
    let (root, _) = DeTable::parse_recoverable(text);
    let mut best: Range<usize> = 0..0;
    let mut current: Option<&DeValue<'_>> = None;
    let mut table = Some(root.get_ref());
    for raw in pointer.split('/').skip(1) {
        let segment = raw.replace("~1", "/").replace("~0", "~");
        let found = match (table, current) {
            (Some(t), _) => t
                .iter()
                .find(|(k, _)| k.get_ref().as_ref() == segment)
                .map(|(k, v)| (k.span(), v)),
            (None, Some(DeValue::Array(items))) => segment
                .parse::<usize>()
                .ok()
                .and_then(|i| items.get(i))
                .map(|v| (v.span(), v)),
            _ => None,
        };
        let Some((key_span, value)) = found else {
            return Some(best);
        };
        best = match target {
            Target::Key => key_span,
            Target::Value => useful_span(value.span(), key_span),
        };
        current = Some(value.get_ref());
        table = match value.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => None,
        };
    }
    Some(best)
}

/// Tables declared with a `[header]` have a span covering the header; array items of `[[x]]` likewise.
fn useful_span(value: Range<usize>, key: Range<usize>) -> Range<usize> {
    if value.start == value.end { key } else { value }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "id = \"x\"\nname = \"Æble\"\n\n[params]\ntemperature = 0.2\n\n[[suggestion_prompts]]\ntext = \"a\"\n\n[[suggestion_prompts]]\ntitle = \"æø\"\ntext = \"b\"\n";

    fn pos(pointer: &str) -> (usize, usize) {
        let f = SourceFile::new("x.toml", DOC.to_owned());
        let p = f.position_of(pointer);
        (p.line, p.column)
    }

    #[test]
    fn pointers_map_to_lines() {
        assert_eq!(pos("/id"), (1, 6));
        assert_eq!(pos("/params/temperature"), (5, 15));
        assert_eq!(pos("/suggestion_prompts/1/text"), (12, 8));
        assert_eq!(pos("/suggestion_prompts/1/missing"), (10, 1));
    }

    #[test]
    fn keys_map_to_lines() {
        let f = SourceFile::new("x.toml", DOC.to_owned());
        assert_eq!(f.key_position_of("/params/temperature").line, 5);
        assert_eq!(f.key_position_of("/name").column, 1);
    }

    #[test]
    fn columns_count_characters() {
        let f = SourceFile::new("x.toml", "a = \"æøå\" b".to_owned());
        assert_eq!(f.position(11).column, 9);
    }

    #[test]
    fn json_conversion_keeps_types() {
        let v = toml_to_json("a = 1_000\nb = 0x10\nc = 1.5\nd = 2024-01-02T03:04:05Z\ne = [true]\n").expect("valid");
        assert_eq!(v["a"], 1000);
        assert_eq!(v["b"], 16);
        assert_eq!(v["c"], 1.5);
        assert_eq!(v["d"], "2024-01-02T03:04:05Z");
        assert_eq!(v["e"][0], true);
    }

    #[test]
    fn syntax_errors_have_spans() {
        let errs = toml_to_json("a = \n").expect_err("invalid");
        assert!(errs[0].span.is_some());
    }
}
