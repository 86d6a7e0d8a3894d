#![allow(dead_code)]
//! A stand-in for Open Zaak's Catalogi, Zaken and Besluiten APIs.
//!
//! What it does as Open Zaak does (each seen in the captured fixtures):
//! - objects carry their URL; a zaak's `status`, `resultaat` and
//!   `deelzaken` follow from the statussen, resultaten and zaken that
//!   point at it; an eindstatus sets `einddatum` and is refused (400
//!   `resultaat-does-not-exist`) before a resultaat;
//! - lists filter on the query parameters regiedesk uses; a parameter
//!   Open Zaak does not declare is a 400 `unknown-parameters` (so the
//!   source cannot come to rely on a filter the real one lacks), one it
//!   declares but this fake does not implement is a 501 (so a test
//!   notices, instead of getting an unfiltered list);
//! - a zaak above the client's vertrouwelijkheid answers 403 and is left
//!   out of every list, with everything that belongs to it;
//! - the zaakeigenschappen of a zaak are a plain array, not a page;
//! - a rol's PUT answers with the rol as it was (nasty/b-*);
//! - an unknown path is a 500 with an HTML page.
//!
//! The test side (`add_case`, `add_status`, ...) changes the data the
//! way a person at Open Zaak's own desk would: directly, unlogged.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

/// Where the fixtures were captured; rewritten to the fake's address.
const CAPTURED_AT: &str = "http://127.0.0.1:8800";
/// The JWT secret regiedesk signs with (as in tests/zgw_openzaak.rs).
pub const SECRET: &str = "regiedesk-secret-0123456789abcdef";
/// ZGW's vertrouwelijkheidaanduiding, from open to secret.
const LEVELS: [&str; 8] = [
    "openbaar",
    "beperkt_openbaar",
    "intern",
    "zaakvertrouwelijk",
    "vertrouwelijk",
    "confidentieel",
    "geheim",
    "zeer_geheim",
];
/// The collections, by API and path segment.
const COLLECTIONS: [(&str, &str); 13] = [
    ("catalogi", "catalogussen"),
    ("catalogi", "zaaktypen"),
    ("catalogi", "statustypen"),
    ("catalogi", "roltypen"),
    ("catalogi", "resultaattypen"),
    ("catalogi", "eigenschappen"),
    ("catalogi", "besluittypen"),
    ("zaken", "zaken"),
    ("zaken", "rollen"),
    ("zaken", "statussen"),
    ("zaken", "resultaten"),
    ("zaken", "zaakeigenschappen"),
    ("besluiten", "besluiten"),
];

/// How the next request matching a rule goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The write is done, then the answer is a 500: Open Zaak's
    /// notification hook runs after COMMIT and fails when its broker is
    /// down (nasty/a-broker-down-*.json).
    AfterCommit,
    /// A 500 and nothing done.
    Before,
    /// The write is done; the answer shows the object as it was before
    /// (nasty/b-rol-put-response.json: Open Zaak 1.30.0 does this).
    StaleBody,
    /// No answer, ever: an Open Zaak busy with a long list (logged with
    /// status 0 when it arrives).
    Hang,
    /// The write is done, and no answer comes: what the case system did
    /// for a client that was killed before the answer arrived.
    HangAfterCommit,
}

struct Rule {
    method: Method,
    pattern: String,
    fault: Fault,
    /// Matching requests to let pass before the first fault.
    skip: usize,
    left: usize,
}

/// One request as the fake saw it.
#[derive(Debug, Clone)]
pub struct Logged {
    pub method: Method,
    pub path: String,
    /// The JWT's `user_id`: on whose behalf regiedesk asked.
    pub user_id: String,
    pub status: u16,
}

struct Data {
    base: String,
    /// Every object by collection, in the order made.
    objects: BTreeMap<&'static str, Vec<Value>>,
    /// The query parameters Open Zaak declares, per list.
    declared: BTreeMap<&'static str, Vec<String>>,
    rules: Vec<Rule>,
    log: Vec<Logged>,
    serial: u64,
    /// The fake's own clock: registratiedatum of rollen, statussen set
    /// from the test side. Ticks a second per use, so order is clear.
    clock: DateTime<Utc>,
    /// Index in LEVELS of the highest level the client may see.
    max_level: usize,
}

#[derive(Clone)]
pub struct Fake {
    pub base: String,
    data: Arc<Mutex<Data>>,
}

fn fixture_path(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/zgw")
        .join(path)
}

/// The items of a captured list (a page or a plain array).
fn items(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        mut page => match page["results"].take() {
            Value::Array(items) => items,
            other => panic!("not a list: {other}"),
        },
    }
}

fn problem(status: u16, code: &str, detail: &str) -> Value {
    json!({"code": code, "title": detail, "status": status, "detail": detail})
}

/// Whether `path` matches `pattern`, where `*` stands for one segment.
fn glob(pattern: &str, path: &str) -> bool {
    let p: Vec<&str> = pattern.trim_matches('/').split('/').collect();
    let s: Vec<&str> = path.trim_matches('/').split('/').collect();
    p.len() == s.len() && p.iter().zip(&s).all(|(p, s)| *p == "*" || p == s)
}

fn is_catalogue(collection: &str) -> bool {
    COLLECTIONS.contains(&("catalogi", collection))
}

fn time(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not a moment: {value}"))
}

/// The Catalogi API's list parameters (ZGW Catalogi API 1.3; the
/// captured openapi.yaml lists only the Zaken and Besluiten APIs).
fn catalogue_parameters(collection: &str) -> Vec<String> {
    let names: &[&str] = match collection {
        "catalogussen" => &["domein", "domein__in", "rsin", "rsin__in", "page"],
        "zaaktypen" => &[
            "catalogus",
            "identificatie",
            "trefwoorden",
            "status",
            "datumGeldigheid",
            "page",
        ],
        "besluittypen" => &[
            "catalogus",
            "zaaktypen",
            "informatieobjecttypen",
            "status",
            "omschrijving",
            "datumGeldigheid",
            "page",
        ],
        "roltypen" => &[
            "zaaktype",
            "zaaktypeIdentificatie",
            "omschrijvingGeneriek",
            "status",
            "datumGeldigheid",
            "page",
        ],
        _ => &[
            "zaaktype",
            "zaaktypeIdentificatie",
            "status",
            "datumGeldigheid",
            "page",
        ],
    };
    names.iter().map(|n| n.to_string()).collect()
}

impl Fake {
    /// Starts the fake on a port of the OS's choosing, with the captured
    /// catalogue and no zaken.
    pub async fn start() -> Fake {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let openapi = Self::read(&base, "lists/query-parameters-openapi.json");
        let mut declared = BTreeMap::new();
        for (_, collection) in COLLECTIONS {
            let key = match collection {
                "zaakeigenschappen" => "zaken/api/v1/zaken/{zaak_uuid}/zaakeigenschappen".into(),
                "besluiten" => "besluiten/api/v1/besluiten".to_string(),
                c if is_catalogue(c) => {
                    declared.insert(collection, catalogue_parameters(c));
                    continue;
                }
                c => format!("zaken/api/v1/{c}"),
            };
            let names = openapi[&key]
                .as_array()
                .unwrap_or_else(|| panic!("{key} in the captured openapi"))
                .iter()
                .map(|n| n.as_str().unwrap().to_string())
                .collect();
            declared.insert(collection, names);
        }
        let mut objects: BTreeMap<&'static str, Vec<Value>> =
            COLLECTIONS.iter().map(|(_, c)| (*c, Vec::new())).collect();
        for (file, collection) in [
            ("catalogussen", "catalogussen"),
            ("zaaktypen", "zaaktypen"),
            ("besluittypen", "besluittypen"),
        ] {
            objects.insert(
                collection,
                items(Self::read(&base, &format!("catalogue/{file}.json"))),
            );
        }
        for collection in ["statustypen", "roltypen", "resultaattypen", "eigenschappen"] {
            let all = objects.entry(collection).or_default();
            for zaaktype in ["casus", "aanvraag-spec", "aanvraag-wmo"] {
                all.extend(items(Self::read(
                    &base,
                    &format!("catalogue/{collection}-{zaaktype}.json"),
                )));
            }
        }
        let data = Data {
            base: base.clone(),
            objects,
            declared,
            rules: Vec::new(),
            log: Vec::new(),
            serial: 0,
            clock: "2026-12-01T13:00:00Z".parse().unwrap(),
            max_level: LEVELS.len() - 1,
        };
        let fake = Fake {
            base,
            data: Arc::new(Mutex::new(data)),
        };
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        fake
    }

    /// A captured file with its URLs pointing at `base`.
    fn read(base: &str, path: &str) -> Value {
        let file = fixture_path(path);
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        serde_json::from_str(&text.replace(CAPTURED_AT, base)).unwrap()
    }

    pub fn fixture(&self, path: &str) -> Value {
        Self::read(&self.base, path)
    }

    fn data(&self) -> std::sync::MutexGuard<'_, Data> {
        self.data.lock().expect("the fake's data")
    }

    // ------------------------------------------------ the test's side

    /// A case zaak as captured (case/: held by cr-jeugd-1, at Eerste
    /// contact, with four eigenschappen), under a new URL with
    /// `kenmerk` as regiedesk's number. Returns its URL.
    pub fn add_case(&self, kenmerk: &str) -> String {
        self.add_case_with(kenmerk, "case/zaakeigenschappen.json")
    }

    /// As `add_case`, with the eigenschappen of another fixture.
    pub fn add_case_with(&self, kenmerk: &str, eigenschappen: &str) -> String {
        self.clone_zaak(
            "case/zaak.json",
            "case/rollen.json",
            "case/statussen.json",
            eigenschappen,
            kenmerk,
            None,
        )
    }

    /// A pending jeugdhulp request as captured (request/*-ingediend:
    /// filed by cr-jeugd-1, in_plan=ja), a deelzaak of `case`.
    pub fn add_request(&self, case: &str, kenmerk: &str) -> String {
        self.clone_zaak(
            "request/zaak-ingediend.json",
            "request/rollen-ingediend.json",
            "request/statussen-ingediend.json",
            "request/zaakeigenschappen.json",
            kenmerk,
            Some(case),
        )
    }

    /// Makes `zaak`'s belanghebbende the one of `like` (same BSN).
    pub fn same_household(&self, zaak: &str, like: &str) {
        let mut data = self.data();
        let bsn = data.objects["rollen"]
            .iter()
            .find(|r| r["zaak"] == like && r["betrokkeneType"] == "natuurlijk_persoon")
            .map(|r| r["betrokkeneIdentificatie"]["inpBsn"].clone())
            .expect("a household rol");
        for rol in data.objects.get_mut("rollen").expect("rollen") {
            if rol["zaak"] == zaak && rol["betrokkeneType"] == "natuurlijk_persoon" {
                rol["betrokkeneIdentificatie"]["inpBsn"] = bsn.clone();
            }
        }
    }

    /// A zaak of a zaaktype regiedesk does not know.
    pub fn add_zaak_of_another_zaaktype(&self) -> String {
        let url = self.add_case("ANDERS-1");
        let zaaktype = format!(
            "{}/catalogi/api/v1/zaaktypen/0e5b5e3c-0000-4000-8000-00000000a11e",
            self.base
        );
        self.set(&url, "zaaktype", json!(zaaktype));
        // Its statussen and rollen are of that zaaktype's types too.
        for (collection, field) in [("statussen", "statustype"), ("rollen", "roltype")] {
            for object in self.of_zaak(collection, &url) {
                let own = object["url"].as_str().unwrap();
                let id = own.rsplit('/').next().unwrap();
                let other = format!("{}/catalogi/api/v1/{collection}-anders/{id}", self.base);
                self.set(own, field, json!(other));
            }
        }
        url
    }

    fn clone_zaak(
        &self,
        zaak: &str,
        rollen: &str,
        statussen: &str,
        eigenschappen: &str,
        kenmerk: &str,
        hoofdzaak: Option<&str>,
    ) -> String {
        let mut data = self.data();
        let n = data.next();
        let own = uuid(n);
        let url = format!("{}/zaken/api/v1/zaken/{own}", self.base);
        let mut z = self.fixture(zaak);
        z["url"] = json!(url);
        z["uuid"] = json!(own);
        z["identificatie"] = json!(format!("ZAAK-2026-{n:010}"));
        z["kenmerken"] = json!([{"kenmerk": kenmerk, "bron": "regiedesk"}]);
        z["hoofdzaak"] = json!(hoofdzaak);
        z["einddatum"] = Value::Null;
        data.push("zaken", z);
        for mut rol in items(self.fixture(rollen)) {
            let id = uuid(data.next());
            rol["url"] = json!(format!("{}/zaken/api/v1/rollen/{id}", self.base));
            rol["uuid"] = json!(id);
            rol["zaak"] = json!(url);
            // A household of its own per case: one open case each.
            if rol["betrokkeneType"] == "natuurlijk_persoon" {
                rol["betrokkeneIdentificatie"]["inpBsn"] = json!(format!("99{n:07}"));
            }
            data.push("rollen", rol);
        }
        for mut status in items(self.fixture(statussen)) {
            let id = uuid(data.next());
            status["url"] = json!(format!("{}/zaken/api/v1/statussen/{id}", self.base));
            status["uuid"] = json!(id);
            status["zaak"] = json!(url);
            data.push("statussen", status);
        }
        for mut eigenschap in items(self.fixture(eigenschappen)) {
            let id = uuid(data.next());
            eigenschap["url"] = json!(format!("{url}/zaakeigenschappen/{id}"));
            eigenschap["uuid"] = json!(id);
            eigenschap["zaak"] = json!(url);
            data.push("zaakeigenschappen", eigenschap);
        }
        url
    }

    /// Sets a status of the zaak's zaaktype by name, after its last.
    pub fn add_status(&self, zaak: &str, omschrijving: &str) {
        let mut data = self.data();
        let statustype = data.type_of(zaak, "statustypen", "omschrijving", omschrijving);
        let mut at = data.tick();
        if let Some(last) = data.last_status(zaak) {
            at = at.max(time(&last["datumStatusGezet"]) + chrono::Duration::seconds(1));
        }
        let id = uuid(data.next());
        let status = json!({
            "url": format!("{}/zaken/api/v1/statussen/{id}", self.base), "uuid": id,
            "zaak": zaak, "statustype": statustype,
            "datumStatusGezet": at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            "statustoelichting": "",
        });
        data.push("statussen", status);
    }

    /// Gives a medewerker a rol of the zaak's zaaktype (by name).
    pub fn add_rol(&self, zaak: &str, roltype: &str, login: &str) {
        let mut data = self.data();
        let roltype = data.type_of(zaak, "roltypen", "omschrijving", roltype);
        let id = uuid(data.next());
        let mut rol = json!({
            "url": format!("{}/zaken/api/v1/rollen/{id}", self.base), "uuid": id,
            "zaak": zaak, "roltype": roltype, "betrokkeneType": "medewerker",
            "roltoelichting": "", "betrokkene": "",
            "betrokkeneIdentificatie": {"identificatie": login, "achternaam": login},
        });
        data.complete_rol(&mut rol);
        data.push("rollen", rol);
    }

    /// Changes the value of the zaak's eigenschap `naam`.
    pub fn set_eigenschap(&self, zaak: &str, naam: &str, waarde: &str) {
        let mut data = self.data();
        let found = data
            .objects
            .get_mut("zaakeigenschappen")
            .unwrap()
            .iter_mut()
            .find(|e| e["zaak"] == zaak && e["naam"] == naam)
            .unwrap_or_else(|| panic!("{zaak} has no eigenschap {naam}"));
        found["waarde"] = json!(waarde);
    }

    /// Sets a field of any stored object.
    pub fn set(&self, url: &str, field: &str, value: Value) {
        let mut data = self.data();
        let object = data
            .find_mut(url)
            .unwrap_or_else(|| panic!("no object {url}"));
        object[field] = value;
    }

    /// Removes every object of `collection` of the zaak: a zaak
    /// caught half made.
    /// Removes a zaak's statussen of one statustype, as if never set.
    pub fn remove_status(&self, zaak: &str, omschrijving: &str) {
        let mut data = self.data();
        let statustype = data.type_of(zaak, "statustypen", "omschrijving", omschrijving);
        if let Some(all) = data.objects.get_mut("statussen") {
            all.retain(|o| !(o["zaak"] == zaak && o["statustype"] == statustype.as_str()));
        }
    }

    pub fn strip(&self, collection: &str, zaak: &str) {
        let mut data = self.data();
        if let Some(all) = data.objects.get_mut(collection) {
            all.retain(|o| o["zaak"] != zaak);
        }
    }

    /// Sets regiedesk's kenmerk of a zaak, as a person might in the
    /// case system.
    pub fn set_kenmerk(&self, zaak: &str, kenmerk: &str) {
        self.set(
            zaak,
            "kenmerken",
            json!([{"kenmerk": kenmerk, "bron": "regiedesk"}]),
        );
    }

    /// From now on the client sees zaken up to this level only.
    pub fn hide_above(&self, level: &str) {
        self.data().max_level = LEVELS.iter().position(|l| *l == level).unwrap();
    }

    /// The next `times` requests of `method` on a path matching
    /// `pattern` (`*`: one segment) go wrong as `fault` says.
    pub fn fail(&self, method: Method, pattern: &str, fault: Fault, times: usize) {
        self.data().rules.push(Rule {
            method,
            pattern: pattern.into(),
            fault,
            skip: 0,
            left: times,
        });
    }

    /// As `fail`, once, for the `nth` (from 1) next request that matches.
    pub fn fail_nth(&self, method: Method, pattern: &str, fault: Fault, nth: usize) {
        self.data().rules.push(Rule {
            method,
            pattern: pattern.into(),
            fault,
            skip: nth - 1,
            left: 1,
        });
    }

    /// Forgets the faults that have not happened yet: the case system
    /// answers again.
    pub fn heal(&self) {
        self.data().rules.clear();
    }

    /// How many injected faults have not happened yet.
    pub fn faults_left(&self) -> usize {
        self.data().rules.iter().map(|r| r.left).sum()
    }

    /// The requests seen of `method` on a path matching `pattern`.
    pub fn requests(&self, method: &Method, pattern: &str) -> Vec<Logged> {
        self.data()
            .log
            .iter()
            .filter(|l| l.method == *method && glob(pattern, &l.path))
            .cloned()
            .collect()
    }

    pub fn count(&self, method: &Method, pattern: &str) -> usize {
        self.requests(method, pattern).len()
    }

    /// The path of an object's URL, for `count` and `fail`.
    pub fn path<'a>(&self, url: &'a str) -> &'a str {
        url.strip_prefix(&self.base)
            .expect("one of the fake's URLs")
    }

    /// An object as the API would show it (whatever the client may see).
    pub fn get(&self, url: &str) -> Value {
        let data = self.data();
        let (collection, object) = data.find(url).unwrap_or_else(|| panic!("no {url}"));
        data.view(collection, object)
    }

    /// The objects of a collection that belong to a zaak.
    pub fn of_zaak(&self, collection: &str, zaak: &str) -> Vec<Value> {
        let data = self.data();
        data.objects[collection]
            .iter()
            .filter(|o| o["zaak"] == zaak)
            .map(|o| data.view(collection, o))
            .collect()
    }

    /// The logins holding a rol of this name on the zaak.
    pub fn holders(&self, zaak: &str, roltype: &str) -> Vec<String> {
        let roltype = self
            .data()
            .type_of(zaak, "roltypen", "omschrijving", roltype);
        self.of_zaak("rollen", zaak)
            .iter()
            .filter(|r| r["roltype"] == roltype)
            .map(|r| {
                r["betrokkeneIdentificatie"]["identificatie"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    }

    /// The names of the zaak's statussen, first set first.
    pub fn statussen(&self, zaak: &str) -> Vec<String> {
        let mut statussen = self.of_zaak("statussen", zaak);
        statussen.sort_by_key(|s| time(&s["datumStatusGezet"]));
        let data = self.data();
        statussen
            .iter()
            .map(|s| {
                let (_, t) = data.find(s["statustype"].as_str().unwrap()).unwrap();
                t["omschrijving"].as_str().unwrap().to_string()
            })
            .collect()
    }

    /// The values of the zaak's eigenschap `naam` (one, unless wrong).
    pub fn eigenschap(&self, zaak: &str, naam: &str) -> Vec<String> {
        self.of_zaak("zaakeigenschappen", zaak)
            .iter()
            .filter(|e| e["naam"] == naam)
            .map(|e| e["waarde"].as_str().unwrap().to_string())
            .collect()
    }

    pub fn deelzaken(&self, zaak: &str) -> Vec<Value> {
        self.get(zaak)["deelzaken"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| self.get(d.as_str().unwrap()))
            .collect()
    }

    /// A notification as Open Zaak sends it (notifications/*.json)
    /// about `resource_url`, part of the zaak `hoofd_object` of
    /// `zaaktype` (None: a notification without kenmerken).
    pub fn notification(
        &self,
        hoofd_object: &str,
        zaaktype: Option<&str>,
        resource: &str,
        resource_url: &str,
        actie: &str,
    ) -> Value {
        let mut body = self.fixture("notifications/status-create.json")["body"].take();
        body["hoofdObject"] = json!(hoofd_object);
        body["resource"] = json!(resource);
        body["resourceUrl"] = json!(resource_url);
        body["actie"] = json!(actie);
        match zaaktype {
            Some(zaaktype) => body["kenmerken"]["zaaktype"] = json!(zaaktype),
            None => body["kenmerken"] = json!({}),
        }
        body
    }

    /// The notification Open Zaak sends when a zaak is changed.
    pub fn zaak_changed(&self, zaak: &str) -> Value {
        let zaaktype = self.get(zaak)["zaaktype"].as_str().unwrap().to_string();
        self.notification(zaak, Some(&zaaktype), "zaak", zaak, "partial_update")
    }
}

fn uuid(n: u64) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

impl Data {
    fn next(&mut self) -> u64 {
        self.serial += 1;
        self.serial
    }

    fn tick(&mut self) -> DateTime<Utc> {
        self.clock += chrono::Duration::seconds(1);
        self.clock
    }

    fn push(&mut self, collection: &'static str, object: Value) {
        self.objects.entry(collection).or_default().push(object);
    }

    fn find(&self, url: &str) -> Option<(&'static str, &Value)> {
        self.objects
            .iter()
            .find_map(|(c, all)| all.iter().find(|o| o["url"] == url).map(|o| (*c, o)))
    }

    fn find_mut(&mut self, url: &str) -> Option<&mut Value> {
        self.objects
            .values_mut()
            .find_map(|all| all.iter_mut().find(|o| o["url"] == url))
    }

    fn zaak(&self, url: &str) -> Option<&Value> {
        self.objects["zaken"].iter().find(|z| z["url"] == url)
    }

    /// The URL of the type named `name` in `collection` of the
    /// zaak's zaaktype.
    fn type_of(&self, zaak: &str, collection: &str, field: &str, name: &str) -> String {
        let zaaktype = &self.zaak(zaak).unwrap_or_else(|| panic!("no {zaak}"))["zaaktype"];
        self.objects[collection]
            .iter()
            .find(|t| t["zaaktype"] == *zaaktype && t[field] == name)
            .unwrap_or_else(|| panic!("no {collection} {name:?} for {zaaktype}"))["url"]
            .as_str()
            .unwrap()
            .to_string()
    }

    fn last_status(&self, zaak: &str) -> Option<&Value> {
        self.objects
            .get("statussen")?
            .iter()
            .filter(|s| s["zaak"] == zaak)
            .max_by_key(|s| time(&s["datumStatusGezet"]))
    }

    /// The zaak an object belongs to (a zaak: itself).
    fn zaak_of<'a>(collection: &str, object: &'a Value) -> Option<&'a str> {
        match collection {
            "zaken" => object["url"].as_str(),
            c if is_catalogue(c) => None,
            _ => object["zaak"].as_str(),
        }
    }

    /// Whether the zaak is above what the client may see.
    fn hidden(&self, zaak: &str) -> bool {
        let Some(zaak) = self.zaak(zaak) else {
            return false;
        };
        let level = zaak["vertrouwelijkheidaanduiding"].as_str().unwrap_or("");
        LEVELS.iter().position(|l| *l == level).unwrap_or(0) > self.max_level
    }

    /// An object as the API shows it: a zaak with its derived fields, a
    /// status with whether it is the last.
    fn view(&self, collection: &str, object: &Value) -> Value {
        let mut shown = object.clone();
        let url = &object["url"];
        let urls = |c: &str, field: &str| -> Vec<Value> {
            self.objects
                .get(c)
                .map(|all| {
                    all.iter()
                        .filter(|o| o[field] == *url)
                        .map(|o| o["url"].clone())
                        .collect()
                })
                .unwrap_or_default()
        };
        match collection {
            "zaken" => {
                let zaak = url.as_str().unwrap();
                shown["status"] = self
                    .last_status(zaak)
                    .map_or(Value::Null, |s| s["url"].clone());
                shown["resultaat"] = urls("resultaten", "zaak")
                    .into_iter()
                    .next()
                    .unwrap_or(Value::Null);
                shown["deelzaken"] = json!(urls("zaken", "hoofdzaak"));
                shown["rollen"] = json!(urls("rollen", "zaak"));
                shown["eigenschappen"] = json!(urls("zaakeigenschappen", "zaak"));
            }
            "statussen" => {
                let last = self
                    .last_status(object["zaak"].as_str().unwrap())
                    .map(|s| &s["url"]);
                shown["indicatieLaatstGezetteStatus"] = json!(last == Some(url));
            }
            _ => {}
        }
        shown
    }

    /// Whether `object` passes the list filter `key=value`; `None` when
    /// this fake does not implement that filter.
    fn passes(&self, collection: &str, object: &Value, key: &str, value: &str) -> Option<bool> {
        let field = |f: &str| object[f].as_str() == Some(value);
        let kenmerken = || object["kenmerken"].as_array().cloned().unwrap_or_default();
        Some(match (collection, key) {
            // Pages are cut after filtering, in `list`.
            (_, "page" | "pageSize") => true,
            ("zaken", "kenmerk") => {
                let Some((bron, kenmerk)) = value.split_once(':') else {
                    return Some(false);
                };
                kenmerken()
                    .iter()
                    .any(|k| k["bron"] == bron && k["kenmerk"] == kenmerk)
            }
            ("zaken", "kenmerk__bron") => kenmerken().iter().any(|k| k["bron"] == value),
            ("zaken", "einddatum__isnull") => object["einddatum"].is_null() == (value == "true"),
            // ISO dates compare as text.
            ("zaken", "einddatum__gt") => object["einddatum"].as_str().is_some_and(|d| d > value),
            ("zaken", "omschrijving") => return None,
            ("statussen", "indicatieLaatstGezetteStatus") => {
                let last = self.last_status(object["zaak"].as_str()?);
                last.is_some_and(|l| l["url"] == object["url"]) == (value == "true")
            }
            ("rollen", "betrokkeneIdentificatie__medewerker__identificatie") => {
                object["betrokkeneIdentificatie"]["identificatie"] == value
            }
            ("besluittypen", "zaaktypen") => object["zaaktypen"]
                .as_array()
                .is_some_and(|z| z.iter().any(|z| z == value)),
            (
                _,
                "zaaktype"
                | "identificatie"
                | "zaak"
                | "roltype"
                | "omschrijving"
                | "omschrijvingGeneriek"
                | "betrokkeneType"
                | "statustype"
                | "resultaattype"
                | "besluittype"
                | "catalogus"
                | "domein"
                | "rsin",
            ) => field(key),
            _ => return None,
        })
    }

    fn serve(
        &mut self,
        method: &Method,
        path: &str,
        query: &str,
        body: &[u8],
    ) -> (u16, Option<Value>) {
        let url = format!("{}{path}", self.base);
        let body: Value = if body.is_empty() {
            Value::Null
        } else {
            match serde_json::from_slice(body) {
                Ok(body) => body,
                Err(_) => return (400, Some(problem(400, "parse_error", "geen JSON"))),
            }
        };
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let known = |api: &str, name: &str| {
            COLLECTIONS
                .iter()
                .find(|(a, c)| *a == api && *c == name && *c != "zaakeigenschappen")
                .map(|(_, c)| *c)
        };
        // (collection, a list?, the zaak of a zaakeigenschappen path)
        let (collection, list, zaak) = match segments.as_slice() {
            ["zaken", "api", "v1", "zaken", uuid, "zaakeigenschappen"] => (
                "zaakeigenschappen",
                true,
                Some(format!("{}/zaken/api/v1/zaken/{uuid}", self.base)),
            ),
            ["zaken", "api", "v1", "zaken", _, "zaakeigenschappen", _] => {
                ("zaakeigenschappen", false, None)
            }
            [api, "api", "v1", name] if known(api, name).is_some() => {
                (known(api, name).unwrap(), true, None)
            }
            [api, "api", "v1", name, _] if known(api, name).is_some() => {
                (known(api, name).unwrap(), false, None)
            }
            // Open Zaak 1.30.0 as installed fails to render its 404 page.
            _ => return (500, None),
        };
        if is_catalogue(collection) && *method != Method::GET {
            return (
                405,
                Some(problem(405, "method_not_allowed", "alleen lezen")),
            );
        }
        match (method.clone(), list) {
            (Method::GET, true) => self.list(collection, path, zaak.as_deref(), query),
            (Method::POST, true) => self.create(collection, zaak, body),
            (Method::GET, false) => match self.find(&url) {
                None => (404, Some(problem(404, "not_found", "Niet gevonden."))),
                Some((c, o)) if Self::zaak_of(c, o).is_some_and(|z| self.hidden(z)) => {
                    (403, Some(self.permission_denied()))
                }
                Some((c, o)) => (200, Some(self.view(c, o))),
            },
            (Method::PUT, false) => self.replace(collection, &url, body),
            (Method::DELETE, false) => self.remove(collection, &url),
            _ => (
                405,
                Some(problem(405, "method_not_allowed", "niet toegestaan")),
            ),
        }
    }

    fn permission_denied(&self) -> Value {
        Fake::read(&self.base, "nasty/d-geheim-detail-as-limited-client.json")["body"].take()
    }

    fn list(
        &self,
        collection: &str,
        path: &str,
        zaak: Option<&str>,
        query: &str,
    ) -> (u16, Option<Value>) {
        let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let unknown: Vec<&str> = params
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| !self.declared[collection].iter().any(|d| d == k))
            .collect();
        if !unknown.is_empty() {
            let reason = format!("Onbekende query parameters: {}", unknown.join(", "));
            let mut answer = problem(400, "invalid", "Ongeldige invoer.");
            answer["invalidParams"] = json!([{"name": "nonFieldErrors",
                "code": "unknown-parameters", "reason": reason}]);
            return (400, Some(answer));
        }
        if let Some(zaak) = zaak {
            if self.zaak(zaak).is_none() {
                return (404, Some(problem(404, "not_found", "Niet gevonden.")));
            }
            if self.hidden(zaak) {
                return (403, Some(self.permission_denied()));
            }
        }
        let mut results = Vec::new();
        for object in self.objects.get(collection).into_iter().flatten() {
            if zaak.is_some_and(|z| object["zaak"] != z) {
                continue;
            }
            // Out of the client's reach: silently absent, as in Open Zaak.
            if Self::zaak_of(collection, object).is_some_and(|z| self.hidden(z)) {
                continue;
            }
            let mut passes = true;
            for (key, value) in &params {
                match self.passes(collection, object, key, value) {
                    Some(p) => passes &= p,
                    None => {
                        let why = format!("the fake does not implement {collection}?{key}=");
                        return (501, Some(problem(501, "not_implemented", &why)));
                    }
                }
            }
            if passes {
                results.push(self.view(collection, object));
            }
        }
        // Open Zaak's orders: zaken and rollen newest first (by pk),
        // statussen by datumStatusGezet, newest first.
        if matches!(collection, "zaken" | "rollen") {
            results.reverse();
        }
        if collection == "statussen" {
            results.sort_by_key(|s| std::cmp::Reverse(time(&s["datumStatusGezet"])));
        }
        if collection == "zaakeigenschappen" {
            return (200, Some(Value::Array(results)));
        }
        self.page_of(path, &params, results)
    }

    /// One page of a list, as Open Zaak cuts it (`page`, `pageSize` up
    /// to 500, default 100), with the link to the next.
    fn page_of(
        &self,
        path: &str,
        params: &[(String, String)],
        results: Vec<Value>,
    ) -> (u16, Option<Value>) {
        let number = |key: &str, default: usize| {
            params
                .iter()
                .find(|(k, _)| k == key)
                .map_or(Some(default), |(_, v)| v.parse().ok())
        };
        let (Some(page), Some(size)) = (number("page", 1), number("pageSize", 100)) else {
            return (
                400,
                Some(problem(400, "invalid", "page en pageSize zijn getallen")),
            );
        };
        let size = size.clamp(1, 500);
        let count = results.len();
        if page == 0 || (page > 1 && (page - 1) * size >= count) {
            return (404, Some(problem(404, "not_found", "Ongeldige pagina.")));
        }
        let next = (page * size < count).then(|| {
            let mut url = url::Url::parse(&format!("{}{path}", self.base)).unwrap();
            url.query_pairs_mut()
                .extend_pairs(params.iter().filter(|(k, _)| k != "page"))
                .append_pair("page", &(page + 1).to_string());
            url.to_string()
        });
        let results: Vec<Value> = results
            .into_iter()
            .skip((page - 1) * size)
            .take(size)
            .collect();
        let page = json!({"count": count, "next": next, "previous": null, "results": results});
        (200, Some(page))
    }

    /// Fills what Open Zaak fills in a new rol: its type's names and
    /// the moment it was registered.
    fn complete_rol(&mut self, rol: &mut Value) {
        let moment = self.tick();
        let roltype = self
            .find(rol["roltype"].as_str().unwrap_or(""))
            .map(|(_, t)| t.clone())
            .unwrap_or(Value::Null);
        rol["omschrijving"] = roltype["omschrijving"].clone();
        rol["omschrijvingGeneriek"] = roltype["omschrijvingGeneriek"].clone();
        rol["registratiedatum"] =
            json!(moment.to_rfc3339_opts(chrono::SecondsFormat::Micros, true));
        for (field, default) in [("betrokkene", json!("")), ("eindeGeldigheid", Value::Null)] {
            if object_lacks(rol, field) {
                rol[field] = default;
            }
        }
    }

    fn create(
        &mut self,
        collection: &'static str,
        zaak_of_path: Option<String>,
        mut body: Value,
    ) -> (u16, Option<Value>) {
        if !body.is_object() {
            return (400, Some(problem(400, "invalid", "geen object")));
        }
        let zaak = match collection {
            "zaken" => None,
            "zaakeigenschappen" => zaak_of_path,
            _ => body["zaak"].as_str().map(String::from),
        };
        if let Some(zaak) = &zaak {
            if self.zaak(zaak).is_none() {
                return (400, Some(problem(400, "invalid", "zaak bestaat niet")));
            }
            if self.hidden(zaak) {
                return (403, Some(self.permission_denied()));
            }
        } else if collection != "zaken" {
            return (400, Some(problem(400, "required", "zaak ontbreekt")));
        }
        let n = self.next();
        let id = uuid(n);
        body["uuid"] = json!(id);
        body["url"] = json!(match collection {
            "zaakeigenschappen" => format!("{}/zaakeigenschappen/{id}", zaak.clone().unwrap()),
            "besluiten" => format!("{}/besluiten/api/v1/besluiten/{id}", self.base),
            c => format!("{}/zaken/api/v1/{c}/{id}", self.base),
        });
        match collection {
            "zaken" => {
                body["identificatie"] = json!(format!("ZAAK-2026-{n:010}"));
                let zaaktype = self
                    .find(body["zaaktype"].as_str().unwrap_or(""))
                    .map(|(_, t)| t.clone())
                    .unwrap_or(Value::Null);
                let defaults = [
                    ("einddatum", Value::Null),
                    ("hoofdzaak", Value::Null),
                    ("kenmerken", json!([])),
                    ("omschrijving", json!("")),
                    ("toelichting", json!("")),
                    (
                        "vertrouwelijkheidaanduiding",
                        zaaktype["vertrouwelijkheidaanduiding"].clone(),
                    ),
                ];
                for (field, default) in defaults {
                    if object_lacks(&body, field) {
                        body[field] = default;
                    }
                }
                if object_lacks(&body, "uiterlijkeEinddatumAfdoening") {
                    // Open Zaak's default: a year after the start.
                    let start: chrono::NaiveDate =
                        body["startdatum"].as_str().unwrap().parse().unwrap();
                    body["uiterlijkeEinddatumAfdoening"] =
                        json!(start.checked_add_months(chrono::Months::new(12)));
                }
            }
            "rollen" => self.complete_rol(&mut body),
            "statussen" => {
                let zaak = zaak.clone().unwrap();
                if object_lacks(&body, "datumStatusGezet") {
                    let moment = self.tick();
                    body["datumStatusGezet"] =
                        json!(moment.to_rfc3339_opts(chrono::SecondsFormat::Micros, true));
                }
                let Some((_, statustype)) = self.find(body["statustype"].as_str().unwrap_or(""))
                else {
                    return (
                        400,
                        Some(problem(400, "invalid", "statustype bestaat niet")),
                    );
                };
                if statustype["isEindstatus"] == true {
                    let has_resultaat =
                        self.objects["resultaten"].iter().any(|r| r["zaak"] == zaak);
                    if !has_resultaat {
                        let answer =
                            Fake::read(&self.base, "request/eindstatus-without-resultaat.json");
                        return (400, Some(answer["body"].clone()));
                    }
                    let day = time(&body["datumStatusGezet"]).date_naive();
                    self.find_mut(&zaak).unwrap()["einddatum"] = json!(day);
                }
            }
            // One resultaat per zaak.
            "resultaten"
                if self.objects["resultaten"]
                    .iter()
                    .any(|r| r["zaak"] == body["zaak"]) =>
            {
                return (
                    400,
                    Some(problem(400, "unique", "de zaak heeft al een resultaat")),
                );
            }
            "zaakeigenschappen" => {
                let naam = self
                    .find(body["eigenschap"].as_str().unwrap_or(""))
                    .map(|(_, e)| e["naam"].clone())
                    .unwrap_or(Value::Null);
                body["naam"] = naam;
                body["zaak"] = json!(zaak.unwrap());
            }
            "besluiten" => {
                // Open Zaak's UntilTodayValidator: the UTC date, not Amsterdam's.
                let today = self.clock.date_naive().to_string();
                if body["datum"]
                    .as_str()
                    .is_some_and(|datum| datum > today.as_str())
                {
                    let mut answer = problem(400, "invalid", "Ongeldige invoer.");
                    answer["invalidParams"] = json!([{"name": "datum",
                        "code": "future_not_allowed",
                        "reason": "Deze datum mag niet in de toekomst zijn."}]);
                    return (400, Some(answer));
                }
                let count = self.objects.get("besluiten").map_or(0, Vec::len);
                body["identificatie"] = json!(format!("BS-2026-{:04}", count + 1));
            }
            _ => {}
        }
        let shown = self.view(collection, &body);
        self.push(collection, body);
        (201, Some(shown))
    }

    fn replace(&mut self, collection: &str, url: &str, body: Value) -> (u16, Option<Value>) {
        let Some((_, before)) = self.find(url) else {
            return (404, Some(problem(404, "not_found", "Niet gevonden.")));
        };
        let before = before.clone();
        if Self::zaak_of(collection, &before).is_some_and(|z| self.hidden(z)) {
            return (403, Some(self.permission_denied()));
        }
        let Value::Object(fields) = body else {
            return (400, Some(problem(400, "invalid", "geen object")));
        };
        let mut after = before.clone();
        for (field, value) in fields {
            if field != "url" && field != "uuid" {
                after[field] = value;
            }
        }
        *self.find_mut(url).unwrap() = after.clone();
        // Open Zaak 1.30.0 answers a rol's PUT with the rol as it was.
        let shown = if collection == "rollen" {
            before
        } else {
            after
        };
        (200, Some(self.view(collection, &shown)))
    }

    fn remove(&mut self, collection: &str, url: &str) -> (u16, Option<Value>) {
        let Some((_, object)) = self.find(url) else {
            return (404, Some(problem(404, "not_found", "Niet gevonden.")));
        };
        if Self::zaak_of(collection, object).is_some_and(|z| self.hidden(z)) {
            return (403, Some(self.permission_denied()));
        }
        for all in self.objects.values_mut() {
            all.retain(|o| o["url"] != url && (collection != "zaken" || o["zaak"] != url));
        }
        (204, None)
    }

    fn take_fault(&mut self, method: &Method, path: &str) -> Option<Fault> {
        let rule = self
            .rules
            .iter_mut()
            .find(|r| r.left > 0 && r.method == *method && glob(&r.pattern, path))?;
        if rule.skip > 0 {
            rule.skip -= 1;
            return None;
        }
        rule.left -= 1;
        Some(rule.fault)
    }
}

fn object_lacks(object: &Value, field: &str) -> bool {
    object.get(field).is_none()
}

/// The JWT's `user_id`, if it is signed with the client's secret.
fn user_of(headers: &HeaderMap) -> Option<String> {
    let token = headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    // As Open Zaak (PyJWT) with its default TIME_LEEWAY of 0: an
    // expired token is refused, and regiedesk's carry an `exp`.
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    validation.set_required_spec_claims(&["exp"]);
    validation.leeway = 0;
    let key = jsonwebtoken::DecodingKey::from_secret(SECRET.as_bytes());
    let claims = jsonwebtoken::decode::<Value>(token, &key, &validation)
        .ok()?
        .claims;
    claims["user_id"].as_str().map(String::from)
}

/// Every request: authenticated, faults applied, logged.
async fn handle(
    State(fake): State<Fake>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let query = uri.query().unwrap_or_default().to_string();
    let user = user_of(&headers);
    let fault = {
        let mut data = fake.data();
        let fault = user.as_ref().and_then(|_| data.take_fault(&method, &path));
        if fault == Some(Fault::HangAfterCommit) {
            let (status, _) = data.serve(&method, &path, &query, &body);
            data.log.push(Logged {
                method: method.clone(),
                path: path.clone(),
                user_id: user.clone().unwrap_or_default(),
                status,
            });
        }
        if fault == Some(Fault::Hang) {
            data.log.push(Logged {
                method: method.clone(),
                path: path.clone(),
                user_id: user.clone().unwrap_or_default(),
                status: 0,
            });
        }
        fault
    };
    if matches!(fault, Some(Fault::Hang | Fault::HangAfterCommit)) {
        return std::future::pending().await;
    }
    let mut data = fake.data();
    let (status, answer) = match &user {
        None => (
            401,
            Some(problem(401, "not_authenticated", "geen geldige JWT")),
        ),
        Some(_) => match fault {
            Some(Fault::Hang | Fault::HangAfterCommit) => unreachable!("answered above"),
            None => data.serve(&method, &path, &query, &body),
            Some(Fault::Before) => (500, Some(server_error(&fake.base))),
            Some(Fault::AfterCommit) => {
                data.serve(&method, &path, &query, &body);
                (500, Some(server_error(&fake.base)))
            }
            Some(Fault::StaleBody) => {
                let url = format!("{}{path}", fake.base);
                let before = data.find(&url).map(|(c, o)| data.view(c, o));
                match data.serve(&method, &path, &query, &body) {
                    (status, _) if status < 300 => (status, before),
                    other => other,
                }
            }
        },
    };
    data.log.push(Logged {
        method,
        path,
        user_id: user.unwrap_or_default(),
        status,
    });
    drop(data);
    let status = StatusCode::from_u16(status).unwrap();
    match answer {
        Some(body) => (status, axum::Json(body)).into_response(),
        None if status == StatusCode::INTERNAL_SERVER_ERROR => (
            status,
            [(header::CONTENT_TYPE, "text/html")],
            "<h1>Server Error (500)</h1>",
        )
            .into_response(),
        None => status.into_response(),
    }
}

/// Open Zaak's 500 after a commit, as captured.
fn server_error(base: &str) -> Value {
    Fake::read(base, "nasty/a-broker-down-rol-post.json")["body"].take()
}
