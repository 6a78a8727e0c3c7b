use super::*;

fn kinds(text: &str) -> Vec<(FindingKind, String)> {
    scan(text).into_iter().map(|f| (f.kind, f.text)).collect()
}

fn cpr(text: &str) -> Vec<String> {
    scan(text)
        .into_iter()
        .filter(|f| f.kind == FindingKind::Cpr)
        .map(|f| f.text)
        .collect()
}

#[test]
fn finds_cpr_with_and_without_dash() {
    assert_eq!(
        kinds("cpr 010190-1234."),
        vec![(FindingKind::Cpr, "010190-1234".to_owned())]
    );
    assert_eq!(
        kinds("x 0101901234 y"),
        vec![(FindingKind::Cpr, "0101901234".to_owned())]
    );
}

#[test]
fn rejects_impossible_dates() {
    assert!(kinds("310490-1234").is_empty(), "30 days in April");
    assert!(kinds("011390-1234").is_empty(), "month 13");
    assert!(kinds("000190-1234").is_empty(), "day 0");
}

#[test]
fn leap_years_follow_the_century_digit() {
    assert_eq!(
        kinds("290200-4123")[0].0,
        FindingKind::Cpr,
        "2000 is a leap year (digit 4)"
    );
    assert!(kinds("290200-1123").is_empty(), "1900 is not a leap year (digit 1)");
}

#[test]
fn longer_digit_runs_are_not_cpr() {
    assert!(kinds("ordrenummer 010190123456").is_empty());
}

#[test]
fn hidden_cpr_numbers_are_found_where_they_stand() {
    let cases = [
        ("split across a line break", "CPR: 010190-\n1234", "010190-\n1234"),
        ("line break before the dash", "CPR: 010190\n-1234", "010190\n-1234"),
        ("no-break space", "CPR 010190\u{00A0}1234", "010190\u{00A0}1234"),
        ("zero-width space", "CPR 0101\u{200B}90-1234", "0101\u{200B}90-1234"),
        ("soft hyphen", "CPR 010190\u{00AD}-1234", "010190\u{00AD}-1234"),
        ("minus sign", "CPR 010190\u{2212}1234", "010190\u{2212}1234"),
        ("en dash", "CPR 010190\u{2013}1234", "010190\u{2013}1234"),
        ("tab", "CPR\t010190\t1234", "010190\t1234"),
        (
            "fullwidth digits",
            "CPR ０１０１９０－１２３４",
            "０１０１９０－１２３４",
        ),
        ("HTML bold", "<p>CPR <b>010190</b>-1234</p>", "010190</b>-1234"),
        ("numeric entity", "CPR 010190&#45;1234", "010190&#45;1234"),
        ("hex entity", "CPR 010190&#x2D;1234", "010190&#x2D;1234"),
        ("named entity", "CPR 010190&nbsp;1234", "010190&nbsp;1234"),
        ("Markdown bold", "CPR **010190**-1234", "010190**-1234"),
        ("Markdown code", "CPR `010190-1234`", "010190-1234"),
        ("spaces around the dash", "CPR 010190 - 1234", "010190 - 1234"),
    ];
    for (what, text, found) in cases {
        assert_eq!(cpr(text), vec![found.to_owned()], "{what}: {text:?}");
        let f = &scan(text)[0];
        assert_eq!(
            &text[f.range.clone()],
            found,
            "{what}: the range points into the original"
        );
    }
}

#[test]
fn finds_email_and_phone() {
    let found = kinds("Skriv til borgerservice@aarhus.dk eller ring 89 40 20 00 / +45 8940 2000.");
    assert_eq!(
        found,
        vec![
            (FindingKind::Email, "borgerservice@aarhus.dk".to_owned()),
            (FindingKind::Phone, "89 40 20 00".to_owned()),
            (FindingKind::Phone, "+45 8940 2000".to_owned()),
        ]
    );
    assert_eq!(kinds("ring 89\u{00A0}40\u{00A0}20\u{00A0}00")[0].0, FindingKind::Phone);
    assert_eq!(kinds("mail: anne＠aarhus.dk")[0].0, FindingKind::Email);
}

#[test]
fn cvr_numbers_are_not_phone_numbers() {
    for text in [
        "CVR 55133018",
        "CVR-nr. 55133018",
        "CVR-nummer: 55 13 30 18",
        "cvr nr 55133018",
        "SE-nr. 55133018",
        "Aarhus Kommune (CVR: 5513 3018)",
    ] {
        assert!(kinds(text).is_empty(), "{text}");
    }
    assert_eq!(kinds("CVR 55133018, tlf. 89402000").len(), 1);
}

#[test]
fn years_and_amounts_are_not_phones() {
    assert!(kinds("I 2024 brugte vi 1.250.000 kr. på 12 projekter.").is_empty());
}

#[test]
fn allow_list_normalises_but_never_allows_cpr() {
    let f = &scan("ring +45 89 40 20 00")[0];
    assert!(is_allowed(f, &["89402000".to_owned()]));
    let e = &scan("mail X@Aarhus.dk")[0];
    assert!(is_allowed(e, &["x@aarhus.dk".to_owned()]));
    assert!(!is_allowed(e, &["y@aarhus.dk".to_owned()]));
    let c = &scan("010190-1234")[0];
    assert!(!is_allowed(c, &["010190-1234".to_owned()]));
}

#[test]
fn redaction_replaces_and_reports_kinds() {
    let r = redact(
        "Borger 010190-1234 (anne@example.dk, 12 34 56 78) skrev til post@aarhus.dk.",
        &["post@aarhus.dk".to_owned()],
    );
    assert_eq!(
        r.text,
        "Borger [CPR-nummer] ([e-mail], [telefonnummer]) skrev til post@aarhus.dk."
    );
    assert_eq!(r.kinds, vec![FindingKind::Cpr, FindingKind::Email, FindingKind::Phone]);
    assert_eq!(r.count, 3);
    let hidden = redact("<b>010190</b>&#45;1234 slut", &[]);
    assert_eq!(hidden.text, "<b>[CPR-nummer] slut");
    let none = redact("Intet at skjule.", &[]);
    assert_eq!((none.text.as_str(), none.count), ("Intet at skjule.", 0));
}

#[test]
fn hostile_text_never_panics() {
    for text in [
        "<",
        "&#",
        "&#xFFFFFFFF;",
        "**",
        "<b",
        "０",
        "\u{00AD}",
        "&#0;010190-1234",
        "\u{200B}@\u{200B}",
    ] {
        let _ = scan(text);
        let _ = redact(text, &[]);
    }
    let long = "<a>".repeat(10_000) + &"9".repeat(10_000);
    assert!(scan(&long).is_empty());
}
