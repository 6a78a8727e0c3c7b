//! `aispec status`.

use crate::diff::render;

#[test]
fn one_row_per_specialist_and_unbuilt_use_case() {
    let repo = crate::new::with_screenings();
    repo.run(&["new", "byggesag", "--from", "byggesager", "--contact", "A"])
        .expect_code(0);
    repo.commit_all("byggesag");
    repo.run(&["approve", "specialist", "byggesag", "--role", "legal", "--by", "Bo"])
        .expect_code(0);
    let run = repo.run(&["status"]);
    run.expect_code(0);
    insta::assert_snapshot!(render(&repo, &run));

    let json = repo.run(&["status", "--format", "json"]).json();
    let rows = json["rows"].as_array().expect("rows");
    let ids: Vec<&str> = rows.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, vec!["byggesag", "korrekturlaeser", "afvist"]);
    let byg = &rows[0];
    assert_eq!(byg["outcome"], "approved");
    assert_eq!(byg["ai_act_category"], "minimal");
    assert_eq!(byg["data_class"], "internal");
    assert_eq!(byg["version"], "0.1.0");
    assert_eq!(byg["state"], "blocked", "its screening is not signed");
    assert_eq!(
        byg["blocked"][0],
        "screening `byggesager` lacks sign-off by faglig-systemejer, legal"
    );
    assert_eq!(byg["missing_roles"][0], "faglig-systemejer");
    assert_eq!(
        byg["last_change"]["summary"],
        "Approve specialist byggesag 0.1.0 as legal"
    );
    assert_eq!(byg["last_change"]["author"], "Test Builder");
    assert_eq!(byg["uncommitted"], false);
    assert!(byg["deployed"].as_object().is_some_and(|m| m.is_empty()));
    assert_eq!(rows[2]["kind"], "screening");
    assert_eq!(rows[2]["outcome"], "refused");
}
