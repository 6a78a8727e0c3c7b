//! A YAML (or JSON) document as a tree whose every node knows its line, so whatever the import cannot convert is
//! reported where it stands. Parsed with saphyr, which keeps positions and bounds alias expansion.

use saphyr::{LoadableYamlNode, MarkedYamlOwned, ScalarOwned, YamlDataOwned};
use serde_json::Value;

/// One node and the line it starts on (1-based).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Line of the node's first character.
    pub line: usize,
    /// The value.
    pub kind: Kind,
}

/// What a node holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `~`, `null` or nothing.
    Null,
    /// `true`/`false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A number with a fraction.
    Float(f64),
    /// Text.
    Str(String),
    /// A list.
    Seq(Vec<Node>),
    /// A mapping, in file order; keys are read as text.
    Map(Vec<(String, Node)>),
}

impl Node {
    /// The text, when the node is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The number, when the node is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self.kind {
            Kind::Int(i) => Some(i as f64),
            Kind::Float(f) => Some(f),
            _ => None,
        }
    }

    /// The entries, when the node is a mapping.
    pub fn as_map(&self) -> Option<&[(String, Node)]> {
        match &self.kind {
            Kind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The value under `key`, when the node is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// A scalar as the text a template would print (`3`, `true`, `0.5`); lists and mappings as JSON.
    pub fn to_text(&self) -> String {
        match &self.kind {
            Kind::Null => String::new(),
            Kind::Bool(b) => b.to_string(),
            Kind::Int(i) => i.to_string(),
            Kind::Float(f) => f.to_string(),
            Kind::Str(s) => s.clone(),
            Kind::Seq(_) | Kind::Map(_) => self.to_json().to_string(),
        }
    }

    /// The node as JSON.
    pub fn to_json(&self) -> Value {
        match &self.kind {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Int(i) => Value::from(*i),
            Kind::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Kind::Str(s) => Value::String(s.clone()),
            Kind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            Kind::Map(entries) => Value::Object(entries.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
        }
    }
}

/// Parses the first document of a YAML or JSON text. The error names the line.
pub fn parse(text: &str) -> Result<Node, String> {
    let docs = MarkedYamlOwned::load_from_str(text).map_err(|e| {
        let m = e.marker();
        format!("line {}, column {}: {}", m.line(), m.col() + 1, e.info())
    })?;
    match docs.into_iter().next() {
        Some(doc) => convert(&doc),
        None => Ok(Node {
            line: 1,
            kind: Kind::Null,
        }),
    }
}

fn convert(y: &MarkedYamlOwned) -> Result<Node, String> {
    let line = y.span.start.line().max(1);
    let kind = match &y.data {
        YamlDataOwned::Value(scalar) => scalar_kind(scalar),
        YamlDataOwned::Representation(text, ..) => Kind::Str(text.clone()),
        YamlDataOwned::Sequence(items) => Kind::Seq(items.iter().map(convert).collect::<Result<_, _>>()?),
        YamlDataOwned::Mapping(map) => {
            let mut entries = Vec::with_capacity(map.len());
            for (k, v) in map {
                let key = convert(k)?.to_text();
                entries.push((key, convert(v)?));
            }
            Kind::Map(entries)
        }
        YamlDataOwned::Tagged(_, inner) => return convert(inner),
        YamlDataOwned::Alias(_) => return Err(format!("line {line}: an alias that points nowhere")),
        YamlDataOwned::BadValue => return Err(format!("line {line}: a value that cannot be read")),
    };
    Ok(Node { line, kind })
}

fn scalar_kind(s: &ScalarOwned) -> Kind {
    match s {
        ScalarOwned::Null => Kind::Null,
        ScalarOwned::Boolean(b) => Kind::Bool(*b),
        ScalarOwned::Integer(i) => Kind::Int(*i),
        ScalarOwned::FloatingPoint(f) => Kind::Float(f.into_inner()),
        ScalarOwned::String(s) => Kind::Str(s.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_lines_order_and_types() {
        let doc = parse("a: 1\nb:\n  - x\n  - 0.5\nc: {d: true}\ne: ~\nf: 'tekst'\n").expect("parses");
        let keys: Vec<&str> = doc.as_map().expect("map").iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["a", "b", "c", "e", "f"]);
        let b = doc.get("b").expect("b");
        assert_eq!(b.line, 3);
        match &b.kind {
            Kind::Seq(items) => {
                assert_eq!(items[0].as_str(), Some("x"));
                assert_eq!(items[1].as_f64(), Some(0.5));
                assert_eq!(items[1].line, 4);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(doc.get("c").map(Node::to_json), Some(serde_json::json!({"d": true})));
        assert_eq!(doc.get("e").map(|n| n.kind.clone()), Some(Kind::Null));
        assert_eq!(doc.get("a").map(Node::to_text).as_deref(), Some("1"));
    }

    #[test]
    fn json_is_yaml_and_errors_name_the_line() {
        let doc = parse("[\n  {\"vars\": {\"x\": 1}}\n]").expect("json");
        assert!(matches!(doc.kind, Kind::Seq(_)));
        let e = parse("a: 1\nb: [1, 2\nc: 3\n").expect_err("broken");
        assert!(e.starts_with("line "), "{e}");
    }

    #[test]
    fn aliases_are_expanded() {
        let doc = parse("base: &b {type: contains, value: x}\nother: *b\n").expect("parses");
        assert_eq!(doc.get("other").map(Node::to_json), doc.get("base").map(Node::to_json));
    }
}
