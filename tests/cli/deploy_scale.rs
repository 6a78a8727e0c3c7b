//! Many specialists: a plan with nothing to do reads the model list page by page and the groups once —
//! never one request per model, never a write. Requests are counted by the proxy, not timed.

use crate::deploy_repo::{DeployRepo, Spec};
use crate::fault_proxy::FaultProxy;
use crate::openwebui::server;

const COUNT: usize = 300;

#[test]
fn planning_300_unchanged_specialists_reads_only_the_list_pages() {
    let proxy = FaultProxy::start(&server().url);
    // A builder of its own sees exactly these models, so the page count is known.
    let key = server().new_builder("scale-builder");
    let r = DeployRepo::with("scale", &proxy.url, &key);
    for n in 0..COUNT {
        r.add_approved(
            &format!("s{n:03}"),
            &Spec {
                groups: &[],
                ..Spec::default()
            },
        );
    }
    let report = r.deploy(&["--jobs", "8"]);
    assert_eq!(report["applied"], COUNT, "{}", report["failed"]);

    proxy.clear_log();
    let counting = crate::openwebui::everyone_lock();
    let plan = r.plan(&["--detailed-exitcode"]);
    drop(counting);
    assert_eq!(plan["changes_pending"], false);
    assert_eq!(plan["summary"]["unchanged"], COUNT);
    let log = proxy.log();
    let writes: Vec<_> = log.iter().filter(|l| l.method != "GET").collect();
    assert!(writes.is_empty(), "a plan never writes: {writes:?}");
    let pages = COUNT.div_ceil(30);
    let list: Vec<&str> = log
        .iter()
        .filter(|l| l.path.starts_with("/api/v1/models/list"))
        .map(|l| l.path.as_str())
        .collect();
    // Models other tests share with everyone (public) are in this key's list too, so there may be a page more.
    assert!(
        (pages..=pages + 1).contains(&list.len()),
        "one request per page of 30: {list:?}"
    );
    let groups = log.iter().filter(|l| l.path.starts_with("/api/v1/groups/")).count();
    assert_eq!(groups, 1);
    assert_eq!(log.len(), list.len() + 1, "nothing per model: {log:?}");
    assert_eq!(plan["requests"]["reads"], list.len() + 1);
    assert_eq!(plan["requests"]["writes"], 0);

    proxy.clear_log();
    let again = r.deploy(&[]);
    assert_eq!(again["results"].as_array().map(Vec::len), Some(0));
    assert!(
        proxy.log().iter().all(|l| l.method == "GET"),
        "deploying nothing writes nothing"
    );
}
