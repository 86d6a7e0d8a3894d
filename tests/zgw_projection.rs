//! Issue 20, 1.5: the same case system gives the same projection. A store
//! that followed the case system live (regiedesk's own commands, changes
//! made in the case system and announced by notifications, in an order
//! the case system does not guarantee) must equal, field by field, a
//! store made afresh by one full read of that case system.

#[path = "support/fake_openzaak.rs"]
mod fake;
#[path = "support/same_projection.rs"]
mod same_projection;
mod support;
#[path = "support/zgw_desk.rs"]
mod zgw_desk;

use fake::Fake;
use same_projection::differences;
use serde_json::json;
use support::Backend;
use zgw_desk::{Desk, until};

/// Posts a notification for `zaak` and waits until `projected` holds.
async fn announce(desk: &Desk, zaak: &str, projected: impl AsyncFn(&Desk) -> bool) {
    assert_eq!(desk.notify(&desk.fake.zaak_changed(zaak)).await, 204);
    until("the notified change is projected", async || {
        projected(desk).await.then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_projection_followed_live_equals_one_read_afresh_field_by_field() {
    let fake = Fake::start().await;
    let worked = fake.add_case("KST-2026-0401");
    fake.remove_status(&worked, "Eerste contact");
    let live = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    let case = live.case(&worked).await.unwrap();

    // Through regiedesk: a reassignment, a first contact recorded a day
    // after it took place, the plan, a request.
    let steps = [
        (
            "pr-jeugd-1",
            "assign",
            json!({"casusregisseur": "cr-jeugd-2", "reason": "verlof"}),
        ),
        (
            "cr-jeugd-2",
            "contact",
            json!({"at": "2026-11-30T10:00:00Z", "note": "huisbezoek"}),
        ),
        ("cr-jeugd-2", "plan", support::plan_body()),
        (
            "cr-jeugd-2",
            "requests",
            json!({"kind": "jeugdhulp", "provision": "Gezinsbehandeling",
                   "motivation": "volgens plan", "in_plan": true}),
        ),
    ];
    for (login, action, body) in steps {
        let version = live.case(&worked).await.unwrap().version;
        let (status, answer) = live
            .post(login, &format!("cases/{}/{action}", case.id), version, body)
            .await;
        assert!(
            status == 200 || status == 201,
            "{action}: {status} {answer}"
        );
    }
    let worked_case = live.case(&worked).await.unwrap();
    assert_eq!(
        worked_case.first_contact_at,
        Some("2026-11-30T10:00:00Z".parse().unwrap()),
        "the contact keeps the moment it took place"
    );

    // A case whose plan the case system dates 27 November; a request
    // filed through regiedesk today is activity, in the live store and in
    // one read afresh alike.
    let planned = fake.add_case("KST-2026-0404");
    fake.add_status(&planned, "Plan vastgesteld");
    let plan = fake
        .of_zaak("statussen", &planned)
        .into_iter()
        .max_by_key(|s| s["datumStatusGezet"].as_str().unwrap().to_string());
    let plan_url = plan.unwrap()["url"].as_str().unwrap().to_string();
    fake.set(&plan_url, "datumStatusGezet", json!("2026-11-27T09:00:00Z"));
    announce(&live, &planned, async |d| d.case(&planned).await.is_some()).await;
    let before = live.case(&planned).await.unwrap();
    assert_eq!(
        before.last_activity_at,
        "2026-11-27T09:00:00Z"
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
    );
    let (status, answer) = live
        .post(
            "cr-jeugd-1",
            &format!("cases/{}/requests", before.id),
            before.version,
            json!({"kind": "jeugdhulp", "provision": "Dagbehandeling",
                   "motivation": "volgens plan", "in_plan": true}),
        )
        .await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(
        live.case(&planned).await.unwrap().last_activity_at,
        zgw_desk::now()
    );

    // In the case system: two open zaken of one household, the one
    // registered on 20 November made first, the one registered on 25
    // November announced first. A full read lists them the other way
    // round. The earlier one is the household's case and the later one
    // lives under `-2`, whichever was projected first.
    let earlier = fake.add_case("KST-2026-0402");
    fake.set(&earlier, "registratiedatum", json!("2026-11-20"));
    let later = fake.add_case("KST-2026-0403");
    fake.same_household(&later, &earlier);
    fake.set(&later, "registratiedatum", json!("2026-11-25"));
    announce(&live, &later, async |d| d.case(&later).await.is_some()).await;
    let plain = live.case(&later).await.unwrap().pseudonym;
    announce(&live, &earlier, async |d| d.case(&earlier).await.is_some()).await;
    until("the later zaak moved to -2", async || {
        let case = live.case(&later).await?;
        (case.pseudonym == format!("{plain}-2")).then_some(())
    })
    .await;
    assert_eq!(live.case(&earlier).await.unwrap().pseudonym, plain);

    // A store made afresh from the same case system.
    let rebuilt = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    assert_eq!(rebuilt.started.failed, 0, "{:?}", rebuilt.started);
    let mut found = Vec::new();
    for zaak in [&worked, &planned, &earlier, &later] {
        let a = live.case(zaak).await.unwrap();
        let b = rebuilt.case(zaak).await.expect("read afresh");
        let diff = differences(&json!(a), &json!(b));
        if !diff.is_empty() {
            found.push(format!("{}: {}", a.number, diff.join("; ")));
        }
        let mut requests_a = live.store.requests_of_case(a.id).await.unwrap();
        let mut requests_b = rebuilt.store.requests_of_case(b.id).await.unwrap();
        requests_a.sort_by(|x, y| x.number.cmp(&y.number));
        requests_b.sort_by(|x, y| x.number.cmp(&y.number));
        assert_eq!(requests_a.len(), requests_b.len(), "{}", a.number);
        for (x, y) in requests_a.iter().zip(&requests_b) {
            let diff = differences(&json!(x), &json!(y));
            if !diff.is_empty() {
                found.push(format!("{}: {}", x.number, diff.join("; ")));
            }
        }
    }
    assert!(
        found.is_empty(),
        "live ≠ read afresh:\n{}",
        found.join("\n")
    );
}
