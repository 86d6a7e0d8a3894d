//! The ZGW mapping on JSON captured from a real Open Zaak 1.30.0 (see
//! tests/fixtures/zgw/README.md for how). Always on: no Open Zaak, no
//! Python; the tier against a running Open Zaak is tests/zgw_openzaak.rs.

use std::path::PathBuf;

use chrono::{TimeZone, Utc};
use regiedesk::domain::model::{
    CaseDomain, CaseStatus, RequestKind, RequestStatus, RiskFlag, Source,
};
use regiedesk::domain::norms::Norms;
use regiedesk::zgw::catalogue::{self, RawCatalogue};
use regiedesk::zgw::client::Page;
use regiedesk::zgw::config::{Secret, ZgwConfig};
use regiedesk::zgw::mapping::{self, ZaakRead};
use regiedesk::zgw::notify::{self, Notification};
use serde::de::DeserializeOwned;
use serde_json::Value;

fn fixture(path: &str) -> Value {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/zgw")
        .join(path);
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    serde_json::from_str(&text).unwrap()
}

/// The items of a captured list (paginated or a plain array).
fn items<T: DeserializeOwned>(path: &str) -> Vec<T> {
    Page::from_value(path, fixture(path))
        .unwrap()
        .results
        .into_iter()
        .map(|v| serde_json::from_value(v).unwrap())
        .collect()
}

fn one<T: DeserializeOwned>(path: &str) -> T {
    serde_json::from_value(fixture(path)).unwrap()
}

fn config() -> ZgwConfig {
    toml::from_str(
        r#"
        zaken_api = "http://127.0.0.1:8800/zaken/api/v1/"
        catalogi_api = "http://127.0.0.1:8800/catalogi/api/v1/"
        besluiten_api = "http://127.0.0.1:8800/besluiten/api/v1/"
        client_id = "regiedesk"
        secret = "regiedesk-secret-0123456789abcdef"
        rsin = "002220647"
        pseudonym_key = "fixture-key"
        notification_auth = "Token regiedesk-nrc"
        "#,
    )
    .unwrap()
}

fn raw_catalogue() -> RawCatalogue {
    let mut raw = RawCatalogue {
        zaaktypen: items("catalogue/zaaktypen.json"),
        besluittypen: items("catalogue/besluittypen.json"),
        ..Default::default()
    };
    for zt in ["casus", "aanvraag-spec", "aanvraag-wmo"] {
        raw.statustypen
            .extend(items::<catalogue::StatusType>(&format!(
                "catalogue/statustypen-{zt}.json"
            )));
        raw.roltypen.extend(items::<catalogue::NamedType>(&format!(
            "catalogue/roltypen-{zt}.json"
        )));
        raw.resultaattypen
            .extend(items::<catalogue::NamedType>(&format!(
                "catalogue/resultaattypen-{zt}.json"
            )));
        raw.eigenschappen
            .extend(items::<catalogue::EigenschapType>(&format!(
                "catalogue/eigenschappen-{zt}.json"
            )));
    }
    raw
}

fn resolved() -> catalogue::Catalogue {
    catalogue::resolve(&raw_catalogue(), &config()).expect("the seeded catalogue fits the defaults")
}

fn case_read(dir: &str) -> ZaakRead {
    ZaakRead {
        zaak: one(&format!("{dir}/zaak.json")),
        rollen: items(&format!("{dir}/rollen.json")),
        statussen: items(&format!("{dir}/statussen.json")),
        eigenschappen: items(&format!("{dir}/zaakeigenschappen.json")),
        resultaat: None,
        besluiten: Vec::new(),
    }
}

fn key() -> Secret {
    Secret::for_tests("fixture-key")
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap()
}

#[test]
fn the_seeded_catalogue_resolves_to_every_type_regiedesk_needs() {
    let catalogue = resolved();
    assert!(
        catalogue
            .case
            .zaaktype
            .ends_with("bb5e866d-7f77-477e-93c4-c7bafc4d10d8")
    );
    assert_eq!(catalogue.case.statustypen.len(), 6);
    assert_eq!(catalogue.requests.len(), 2);
    let spec = &catalogue.requests[&RequestKind::Jeugdhulp];
    assert_ne!(spec.approved, spec.rejected);
    assert!(!catalogue.besluittype.is_empty());
    assert_eq!(
        catalogue.request_kind(&spec.zaaktype),
        Some(RequestKind::Jeugdhulp)
    );
}

#[test]
fn a_mapping_that_does_not_fit_names_everything_missing() {
    let mut config = config();
    config.statustypen.plan = "Plan gemaakt".into();
    config.roltypen.doorzettingsmacht = "Escalatie".into();
    config.zaaktypen.wmo_maatwerk = "KST-AANVRAAG-WMO-2".into();
    let missing = catalogue::resolve(&raw_catalogue(), &config).unwrap_err();
    let text = missing.join("\n");
    // Each named as the beheerder knows it (the zaaktype by its
    // identificatie), with the configuration section to change.
    assert!(
        text.contains("statustype \"Plan gemaakt\" of zaaktype \"")
            && text.contains("set in [zgw.statustypen]"),
        "{text}"
    );
    assert!(text.contains("roltype \"Escalatie\""), "{text}");
    assert!(text.contains("set in [zgw.roltypen]"), "{text}");
    assert!(!text.contains("http"), "no URLs: {text}");
    assert!(
        text.contains(
            "zaaktype \"KST-AANVRAAG-WMO-2\" (published and in force); set in [zgw.zaaktypen]"
        ),
        "{text}"
    );
    assert_eq!(missing.len(), 3, "{text}");
}

#[test]
fn a_captured_case_maps_onto_regiedesk_terms() {
    let facts =
        mapping::case_facts(&case_read("case"), &resolved(), &config(), &key(), now()).unwrap();
    assert_eq!(facts.number, "KST-2026-0001");
    assert_eq!(facts.domain, CaseDomain::Jeugd);
    assert_eq!(facts.source, Source::School);
    assert_eq!(facts.risk_flags, vec![RiskFlag::ChildSafety]);
    assert_eq!(facts.casusregisseur.as_deref(), Some("cr-jeugd-1"));
    assert_eq!(facts.status, CaseStatus::Contacted);
    assert!(facts.first_contact_at.is_some());
    assert!(facts.first_contact_at > facts.first_assigned_at);
    assert!(!facts.escalated);
    assert!(facts.closed_at.is_none());
}

/// A zaak registered after the fact (its statussen dated back, its rol
/// recorded today): the first-contact norm runs from the Toegewezen
/// status, not from when the rol was typed in.
/// The captured case with its Toegewezen status dated 19 days before the
/// rol was registered (a case entered after the fact), and that moment.
fn assigned_19_days_before_the_rol(
    catalogue: &regiedesk::zgw::catalogue::Catalogue,
) -> (mapping::ZaakRead, chrono::DateTime<chrono::Utc>) {
    let toegewezen = &catalogue.case.statustypen[&CaseStatus::Assigned];
    let mut read = case_read("case");
    let rol_registered = read
        .rollen
        .iter()
        .map(|r| r.registratiedatum)
        .max()
        .unwrap();
    let back = rol_registered - chrono::Duration::days(19);
    for status in read.statussen.iter_mut() {
        if &status.statustype == toegewezen {
            status.datum_status_gezet = back;
        }
    }
    (read, back)
}

#[test]
fn the_first_assignment_is_the_moment_the_toegewezen_status_names() {
    let catalogue = resolved();
    let toegewezen = &catalogue.case.statustypen[&CaseStatus::Assigned];
    let (mut read, back) = assigned_19_days_before_the_rol(&catalogue);
    let facts = mapping::case_facts(&read, &catalogue, &config(), &key(), now()).unwrap();
    assert_eq!(facts.first_assigned_at, Some(back));
    // Without that status, the first behandelaar rol's registration.
    read.statussen.retain(|s| &s.statustype != toegewezen);
    let facts = mapping::case_facts(&read, &catalogue, &config(), &key(), now()).unwrap();
    let casusregisseur = &catalogue.case.casusregisseur;
    let first_rol = read
        .rollen
        .iter()
        .filter(|r| &r.roltype == casusregisseur)
        .map(|r| r.registratiedatum)
        .min();
    assert_eq!(facts.first_assigned_at, first_rol);
    assert_ne!(facts.first_assigned_at, Some(back));
}

/// The rol and the Toegewezen status are two writes, each notified: a read
/// between them projects the due date from the rol's registration. The
/// status, read next (here dated back 19 days), sets it right; without
/// the status, a rol's registration never moves a due date once set.
#[test]
fn a_toegewezen_status_read_after_the_rol_sets_the_first_contact_norm_right() {
    let catalogue = resolved();
    let toegewezen = catalogue.case.statustypen[&CaseStatus::Assigned].clone();
    let norms = Norms::default();
    let (full, back) = assigned_19_days_before_the_rol(&catalogue);
    let mut half = full.clone();
    half.statussen.retain(|s| s.statustype != toegewezen);
    let merge = |base: &regiedesk::domain::model::Case, read: &mapping::ZaakRead| {
        let facts = mapping::case_facts(read, &catalogue, &config(), &key(), now()).unwrap();
        mapping::merge_case(base, &facts, &norms, now(), &|_| Some("Kwadraad".into())).0
    };
    let facts = mapping::case_facts(&half, &catalogue, &config(), &key(), now()).unwrap();
    let early = merge(&mapping::blank_case(&facts), &half);
    let from_rol = early.first_contact_due_at.unwrap();
    assert!(from_rol > norms.first_contact_due(back));
    let later = merge(&early, &full);
    assert_eq!(
        later.first_contact_due_at,
        Some(norms.first_contact_due(back))
    );
    // The status gone again (or never there, and the first rol removed):
    // the due date stays.
    let mut moved = half.clone();
    for rol in moved.rollen.iter_mut() {
        rol.registratiedatum += chrono::Duration::days(3);
    }
    assert_eq!(
        merge(&later, &moved).first_contact_due_at,
        later.first_contact_due_at
    );
    assert_eq!(merge(&early, &moved).first_contact_due_at, Some(from_rol));
}

#[test]
fn nothing_that_identifies_the_household_is_copied() {
    let read = case_read("case");
    let raw = serde_json::to_string(&fixture("case/rollen.json")).unwrap();
    assert!(
        raw.contains("999993653"),
        "the fixture holds a (fictitious) BSN"
    );
    let facts = mapping::case_facts(&read, &resolved(), &config(), &key(), now()).unwrap();
    let norms = Norms::default();
    let (case, events) =
        mapping::merge_case(&mapping::blank_case(&facts), &facts, &norms, now(), &|_| {
            None
        });
    let projected = format!(
        "{}{}",
        serde_json::to_string(&case).unwrap(),
        serde_json::to_string(&events).unwrap()
    );
    assert!(!projected.contains("999993653"));
    let names = names_in_rollen(&fixture("case/rollen.json"));
    assert!(!names.is_empty(), "the fixture holds a (fictitious) name");
    for name in names {
        assert!(!projected.contains(&name), "{name} leaked");
    }
    // Stable, and keyed: another key gives another pseudonym.
    let again = mapping::case_facts(&read, &resolved(), &config(), &key(), now()).unwrap();
    assert_eq!(facts.pseudonym, again.pseudonym);
    let other = mapping::case_facts(
        &read,
        &resolved(),
        &config(),
        &Secret::for_tests("other"),
        now(),
    )
    .unwrap();
    assert_ne!(facts.pseudonym, other.pseudonym);
    assert!(facts.pseudonym.starts_with("H-") && facts.pseudonym.len() == 12);
}

/// The surnames of the natural persons in a rollen list.
fn names_in_rollen(rollen: &Value) -> Vec<String> {
    Page::from_value("rollen", rollen.clone())
        .unwrap()
        .results
        .iter()
        .filter(|r| r["betrokkeneType"] == "natuurlijk_persoon")
        .flat_map(|r| {
            ["geslachtsnaam", "voornamen"].map(|f| {
                r["betrokkeneIdentificatie"][f]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            })
        })
        .filter(|n| !n.is_empty())
        .collect()
}

#[test]
fn a_case_changed_in_the_case_system_gets_its_history_lines() {
    let facts =
        mapping::case_facts(&case_read("case"), &resolved(), &config(), &key(), now()).unwrap();
    let norms = Norms::default();
    let (case, events) =
        mapping::merge_case(&mapping::blank_case(&facts), &facts, &norms, now(), &|_| {
            Some("Kwadraad".into())
        });
    let kinds: Vec<_> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["assigned", "first_contact"]);
    assert_eq!(case.organisation.as_deref(), Some("Kwadraad"));
    assert_eq!(
        case.first_contact_due_at,
        Some(norms.first_contact_due(facts.first_assigned_at.unwrap()))
    );
    // Merged again over itself, nothing changes and nothing is said.
    let (again, more) =
        mapping::merge_case(&case, &facts, &norms, now(), &|_| Some("Kwadraad".into()));
    assert_eq!(again, case);
    assert!(more.is_empty(), "{more:?}");
}

#[test]
fn a_missing_eigenschap_is_named_or_read_as_its_default() {
    let mut read = case_read("case");
    read.eigenschappen = items("nasty/c-zaakeigenschappen-without-escalatie.json");
    let facts = mapping::case_facts(&read, &resolved(), &config(), &key(), now());
    // Without `escalatie` a case is simply not escalated.
    assert!(!facts.unwrap().escalated);
    let domain = resolved().case.domain;
    read.eigenschappen.retain(|e| e.eigenschap != domain);
    let error = mapping::case_facts(&read, &resolved(), &config(), &key(), now()).unwrap_err();
    assert!(error.why.contains("domein"), "{error}");
}

fn request_read(state: &str) -> ZaakRead {
    ZaakRead {
        zaak: one(&format!("request/zaak-{state}.json")),
        rollen: items(&format!("request/rollen-{state}.json")),
        statussen: items(&format!("request/statussen-{state}.json")),
        eigenschappen: items("request/zaakeigenschappen.json"),
        resultaat: None,
        besluiten: Vec::new(),
    }
}

#[test]
fn request_deelzaken_map_to_pending_approved_and_rejected() {
    let catalogue = resolved();
    let filed = mapping::request_facts(&request_read("ingediend"), &catalogue, now()).unwrap();
    assert_eq!(filed.kind, RequestKind::Jeugdhulp);
    assert_eq!(filed.status, RequestStatus::Pending);
    assert_eq!(filed.filed_by, "cr-jeugd-1");
    assert!(filed.in_plan);
    assert!(filed.decided_by.is_none() && filed.reason.is_none());
    // The deadline is the deelzaak's uiterlijkeEinddatumAfdoening, which
    // regiedesk wrote: the end of that day in the Netherlands.
    let zaak: mapping::Zaak = one("request/zaak-ingediend.json");
    assert_eq!(
        filed.decide_by,
        regiedesk::domain::calendar::end_of_day(zaak.uiterlijke_einddatum_afdoening.unwrap())
    );

    let mut decided = request_read("besloten");
    decided.resultaat = items::<mapping::Resultaat>("request/resultaten.json")
        .into_iter()
        .next();
    decided.besluiten = items("request/besluiten.json");
    let approved = mapping::request_facts(&decided, &catalogue, now()).unwrap();
    assert_eq!(approved.status, RequestStatus::Approved);
    assert_eq!(approved.decided_by.as_deref(), Some("pr-jeugd-1"));
    assert!(approved.decided_at.is_some());
    assert_eq!(
        approved.reason.as_deref(),
        Some(decided.besluiten[0].toelichting.as_str())
    );

    decided.resultaat = items::<mapping::Resultaat>("request/rejected-resultaten.json")
        .into_iter()
        .next();
    let rejected = mapping::request_facts(&decided, &catalogue, now()).unwrap();
    assert_eq!(rejected.status, RequestStatus::Rejected);

    // A decision made in the case system is a history line on the desk.
    let base = mapping::blank_request(&filed, 7);
    let (merged, events) = mapping::merge_request(&base, &approved);
    assert_eq!(merged.status, RequestStatus::Approved);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].actor, "pr-jeugd-1");
}

#[test]
fn every_captured_notification_says_which_zaak_to_read_again() {
    let received = fixture("notifications/received.json");
    let received = received.as_array().unwrap();
    assert!(received.len() >= 30, "{}", received.len());
    let expected_header = config().notification_header().unwrap();
    for item in received {
        assert_eq!(item["authorization"], expected_header.expose());
        let n: Notification = serde_json::from_value(item["body"].clone()).unwrap();
        let object = notify::object_to_read(&n).unwrap_or_else(|| panic!("{n:?}"));
        match n.kanaal.as_str() {
            // A zaak's rol, status, eigenschap, resultaat: read the zaak.
            "zaken" => {
                assert_eq!(object, n.hoofd_object);
                // Named, so a case zaak is read without asking what it is.
                assert!(
                    n.zaaktype().is_some_and(|z| z.contains("/zaaktypen/")),
                    "{n:?}"
                );
            }
            // A besluit: read the besluit, then its zaak.
            "besluiten" => assert!(object.contains("/besluiten/api/v1/besluiten/"), "{object}"),
            other => panic!("unexpected kanaal {other}"),
        }
        // A notification carries no personal data, only URLs.
        assert!(!item["body"].to_string().contains("999993653"));
    }
    // The same notification twice is one re-read: see the source's queue.
}
