//! A specialist's profile image: a file beside `specialist.toml` or a web address, and the data URI Open WebUI
//! stores for an image file.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// Image types Open WebUI shows as profile images, by file extension.
const TYPES: &[(&str, &str)] = &[
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
];

/// Values Open WebUI uses for "no picture of its own" (its default logo, or nothing).
const DEFAULTS: &[&str] = &["", "/static/favicon.png", "/favicon.png", "/user.png"];

/// True when the value is a web address rather than a file name.
pub fn is_url(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// The file name when `profile_image` names a file beside `specialist.toml`.
pub fn file_name(value: &str) -> Option<&str> {
    (!is_url(value)).then_some(value)
}

/// The media type of an image file, by its extension; `None` for a type Open WebUI does not show.
pub fn media_type(file: &str) -> Option<&'static str> {
    let ext = file.rsplit_once('.')?.1.to_ascii_lowercase();
    TYPES.iter().find(|(e, _)| *e == ext).map(|(_, m)| *m)
}

/// The file extension aispec writes an image of this media type with.
pub fn extension(media_type: &str) -> Option<&'static str> {
    TYPES.iter().find(|(_, m)| *m == media_type).map(|(e, _)| *e)
}

/// The `data:` URI of an image file, as Open WebUI stores uploaded profile images.
pub fn data_uri(media_type: &str, bytes: &[u8]) -> String {
    format!("data:{media_type};base64,{}", STANDARD.encode(bytes))
}

/// The media type and bytes of a base64 `data:image/…` URI; `None` when it is not one.
pub fn parse_data_uri(uri: &str) -> Option<(String, Vec<u8>)> {
    let rest = uri.strip_prefix("data:")?;
    let (header, payload) = rest.split_once(',')?;
    let media_type = header.strip_suffix(";base64")?;
    if !media_type.starts_with("image/") {
        return None;
    }
    let bytes = STANDARD.decode(payload.trim()).ok()?;
    Some((media_type.to_owned(), bytes))
}

/// True for the values Open WebUI uses when a model has no picture of its own.
pub fn is_platform_default(value: &str) -> bool {
    DEFAULTS.contains(&value.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_uris_round_trip() {
        let bytes = b"\x89PNG\r\n\x1a\nabc".to_vec();
        let uri = data_uri("image/png", &bytes);
        assert!(uri.starts_with("data:image/png;base64,"));
        assert_eq!(parse_data_uri(&uri), Some(("image/png".to_owned(), bytes)));
        assert_eq!(parse_data_uri("data:text/plain;base64,YQ=="), None);
        assert_eq!(parse_data_uri("https://x/y.png"), None);
    }

    #[test]
    fn files_and_addresses() {
        assert_eq!(file_name("profil.png"), Some("profil.png"));
        assert_eq!(file_name("https://aarhus.dk/logo.png"), None);
        assert_eq!(media_type("a.JPG"), Some("image/jpeg"));
        assert_eq!(media_type("a.svg"), None);
        assert_eq!(extension("image/webp"), Some("webp"));
        assert!(is_platform_default("/static/favicon.png"));
        assert!(!is_platform_default("https://x/y.png"));
    }
}
