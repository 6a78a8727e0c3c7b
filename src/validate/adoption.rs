//! Checks on what `aispec import` brings in and the Open WebUI settings beside the specialist's own fields:
//! a description and notice (only an adopted specialist may lack them), the profile image, and `[platform]`
//! keys that would clash with what aispec sets itself.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::specialist::Specialist;
use crate::platform::mapping::{MANAGED_META, MANAGED_PARAMS, MARKER_KEY, SERVER_META_KEYS, SERVER_PARAMS_KEYS};
use crate::source::SourceFile;
use crate::workspace::{LoadedSpecialist, Workspace};

/// Runs the checks on one specialist.
pub fn check(ws: &Workspace, s: &LoadedSpecialist, spec: &Specialist, src: &SourceFile, diags: &mut Vec<Diagnostic>) {
    check_texts(spec, src, diags);
    check_image(ws, s, spec, src, diags);
    check_platform(spec, src, diags);
}

fn check_texts(spec: &Specialist, src: &SourceFile, diags: &mut Vec<Diagnostic>) {
    // An adopted model keeps what it had on the platform; the first edit should fill these in.
    let severity = if spec.adopted.is_some() {
        Severity::Warning
    } else {
        Severity::Error
    };
    for (field, empty, hint) in [
        (
            "description",
            spec.description.trim().is_empty(),
            "one or two sentences telling users what the specialist does",
        ),
        (
            "notice",
            spec.notice.trim().is_empty(),
            "the data-protection and usage notice shown to users",
        ),
    ] {
        if empty {
            diags.push(
                Diagnostic::at_pointer(
                    src,
                    "",
                    severity,
                    "missing-key",
                    format!("missing required key `{field}`"),
                )
                .with_hint(format!("add `{field} = …`: {hint}")),
            );
        }
    }
}

fn check_image(ws: &Workspace, s: &LoadedSpecialist, spec: &Specialist, src: &SourceFile, diags: &mut Vec<Diagnostic>) {
    let Some(value) = spec.profile_image.as_deref() else {
        return;
    };
    let at = |severity, code, message: String, hint: &str| {
        Diagnostic::at_pointer(src, "/profile_image", severity, code, message)
            .with_field("profile_image")
            .with_hint(hint.to_owned())
    };
    if crate::profile_image::is_url(value) {
        if !value.to_ascii_lowercase().starts_with("https://") {
            diags.push(at(
                Severity::Warning,
                "insecure-http",
                format!("profile image `{value}` is fetched over plain http"),
                "use an https:// address, or put the image file beside specialist.toml",
            ));
        }
        return;
    }
    if value.contains(['/', '\\']) || crate::profile_image::media_type(value).is_none() {
        diags.push(at(
            Severity::Error,
            "invalid-value",
            format!("profile image `{value}` must be a PNG, JPEG, GIF or WebP file beside specialist.toml"),
            "name a .png, .jpg, .gif or .webp file in the specialist's folder, or an https:// address",
        ));
        return;
    }
    if let Some(path) = ws.profile_image_path(s)
        && let Err(e) = ws.files.read(&path, crate::fsread::Limit::KNOWLEDGE)
    {
        diags.push(at(
            Severity::Error,
            "missing-file",
            format!("profile image {}: {e}", crate::diagnostic::display_path(&path)),
            "put the image file beside specialist.toml, or remove `profile_image`",
        ));
    }
}

fn check_platform(spec: &Specialist, src: &SourceFile, diags: &mut Vec<Diagnostic>) {
    let sections = [
        ("params", &spec.platform.params, [MANAGED_PARAMS, SERVER_PARAMS_KEYS]),
        ("meta", &spec.platform.meta, [MANAGED_META, SERVER_META_KEYS]),
    ];
    for (section, keys, [managed, kept]) in sections {
        for key in keys.keys() {
            let pointer = format!("/platform/{section}/{key}");
            let field = format!("platform.{section}.{key}");
            let message = if managed.contains(&key.as_str()) {
                format!("`{field}` is set by aispec from the specialist's own fields")
            } else if kept.contains(&key.as_str()) || key == MARKER_KEY {
                format!("`{field}` is kept by Open WebUI itself and cannot be set from git")
            } else if key == "knowledge" && !spec.knowledge.is_empty() {
                format!("`{field}` and files in knowledge/ both set the model's knowledge")
            } else {
                continue;
            };
            diags.push(
                Diagnostic::at_pointer(src, &pointer, Severity::Error, "managed-key", message)
                    .with_field(field)
                    .with_hint("remove the key from [platform]; see the specialist file format in the README"),
            );
        }
    }
}
