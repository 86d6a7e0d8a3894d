//! The ZGW source against a fake Open Zaak: always on, no Python, no Open
//! Zaak. The fake (module `fake` below) serves the responses captured from a
//! real Open Zaak 1.30.0 (tests/fixtures/zgw/) at its own address, keeps the
//! zaken in memory so that writes change what later reads return, records
//! every request, and can be told to fail the way Open Zaak fails: a 500
//! after a committed write, the old body in a PUT's answer, a zaak the
//! client may not see. The regiedesk side is real: a store (SQLite, and
//! PostgreSQL where a test is about the store), the source, the router.
//!
//! The tier against a running Open Zaak is tests/zgw_openzaak.rs; the pure
//! mapping on the fixtures is tests/zgw_fixtures.rs.

mod support;

mod fake {
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
    }

    struct Rule {
        method: Method,
        pattern: String,
        fault: Fault,
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
                    "zaakeigenschappen" => {
                        "zaken/api/v1/zaken/{zaak_uuid}/zaakeigenschappen".into()
                    }
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
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
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
                left: times,
            });
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
                ("zaken", "einddatum__isnull") => {
                    object["einddatum"].is_null() == (value == "true")
                }
                // ISO dates compare as text.
                ("zaken", "einddatum__gt") => {
                    object["einddatum"].as_str().is_some_and(|d| d > value)
                }
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
                    let Some((_, statustype)) =
                        self.find(body["statustype"].as_str().unwrap_or(""))
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
        if fault == Some(Fault::Hang) {
            return std::future::pending().await;
        }
        let mut data = fake.data();
        let (status, answer) = match &user {
            None => (
                401,
                Some(problem(401, "not_authenticated", "geen geldige JWT")),
            ),
            Some(_) => match fault {
                Some(Fault::Hang) => unreachable!("answered above"),
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
}

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use fake::{Fake, Fault};
use regiedesk::clock::Clock;
use regiedesk::domain::model::{Case, CaseEvent, EventKind, Person, Request, Role};
use regiedesk::domain::norms::Norms;
use regiedesk::server::audit::AuditDraft;
use regiedesk::server::store::{self, Store, ZgwKind};
use regiedesk::server::{AppState, http::token_hash, router};
use regiedesk::zgw::config::ZgwConfig;
use regiedesk::zgw::source::{NewestHeads, ReconcileReport, Started, ZgwSource};
use reqwest::Method;
use serde_json::{Value, json};
use support::{Backend, Database};

/// regiedesk's clock in these tests (the fake's own runs an hour later).
fn now() -> DateTime<Utc> {
    "2026-12-01T12:00:00Z".parse().unwrap()
}

/// The people the fixtures name, and two more.
const STAFF: [(&str, &str, Role); 5] = [
    ("cr-jeugd-1", "Vermeulen", Role::Casusregisseur),
    ("cr-jeugd-2", "De Boer", Role::Casusregisseur),
    ("pr-jeugd-1", "Bakker", Role::ProcesregisseurJeugd),
    ("pr-volw-1", "Smit", Role::ProcesregisseurVolwassenen),
    (
        "pr-dzm",
        "Doorzetter",
        Role::ProcesregisseurDoorzettingsmacht,
    ),
];

/// The roltype of a case's casusregisseur in the captured catalogue.
const CASUSREGISSEUR: &str = "Casusregisseur";

fn config(fake: &Fake) -> ZgwConfig {
    toml::from_str(&format!(
        r#"
        zaken_api = "{b}/zaken/api/v1/"
        catalogi_api = "{b}/catalogi/api/v1/"
        besluiten_api = "{b}/besluiten/api/v1/"
        client_id = "regiedesk"
        secret = "{secret}"
        rsin = "002220647"
        pseudonym_key = "fake-test-key"
        notification_auth = "Token regiedesk-nrc"
        reconcile_seconds = 3600
        watch_seconds = 0
        "#,
        b = fake.base,
        secret = fake::SECRET,
    ))
    .unwrap()
}

/// A regiedesk server with a ZGW source on the fake, over a real store.
struct Desk {
    base: String,
    http: reqwest::Client,
    store: Arc<dyn Store>,
    source: Arc<ZgwSource>,
    fake: Fake,
    /// What the full walk at start did.
    started: ReconcileReport,
    _tasks: Vec<tokio::task::JoinHandle<()>>,
    _db: Database,
}

impl Desk {
    /// Starts as the server does: the catalogue read, a full walk, the
    /// notification worker, the router. `None`: PostgreSQL not configured.
    async fn start(fake: &Fake, backend: Backend) -> Option<Desk> {
        Self::start_with(fake, backend, config(fake)).await
    }

    async fn start_with(fake: &Fake, backend: Backend, config: ZgwConfig) -> Option<Desk> {
        let _ = tracing_subscriber::fmt()
            .with_env_filter("regiedesk=info")
            .with_test_writer()
            .try_init();
        let db = Database::create(backend).await?;
        let store = store::connect(db.url()).await.unwrap();
        for (login, name, role) in STAFF {
            store
                .put_person(&Person {
                    login: login.into(),
                    display_name: name.into(),
                    role,
                    organisation: "Kwadraad".into(),
                    specialism: None,
                    capacity: Some(30),
                    active: true,
                })
                .await
                .unwrap();
            store
                .add_token(login, &token_hash(&format!("tok-{login}")), false)
                .await
                .unwrap();
        }
        let clock = Clock::Frozen(now());
        let state = AppState::new(store.clone(), clock, Norms::default());
        let source = ZgwSource::connect(config, store.clone(), state.norms.clone(), clock)
            .await
            .unwrap();
        let started = source.reconcile(true).await.unwrap();
        let mut tasks = source.spawn();
        let state = state.with_source(source.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tasks.push(tokio::spawn(async move {
            axum::serve(listener, router(state)).await.unwrap();
        }));
        Some(Desk {
            base,
            http: reqwest::Client::new(),
            store,
            source,
            fake: fake.clone(),
            started,
            _tasks: tasks,
            _db: db,
        })
    }

    /// The case projected from this zaak, if any.
    async fn case(&self, zaak: &str) -> Option<Case> {
        let link = self.store.zgw_link(zaak).await.unwrap()?;
        assert_eq!(link.kind, ZgwKind::Case, "{zaak}");
        self.store.case(link.local_id).await.unwrap()
    }

    /// The request projected from this deelzaak, if any.
    async fn request(&self, deelzaak: &str) -> Option<Request> {
        let link = self.store.zgw_link(deelzaak).await.unwrap()?;
        assert_eq!(link.kind, ZgwKind::Request, "{deelzaak}");
        self.store.request(link.local_id).await.unwrap()
    }

    async fn events(&self, case_id: i64) -> Vec<CaseEvent> {
        let reader = self.store.person("pr-jeugd-1").await.unwrap().unwrap();
        let audit = AuditDraft::ok(&reader, now(), "test.read");
        let detail = self.store.case_detail(case_id, audit).await.unwrap();
        detail.expect("the case exists").events
    }

    async fn count_events(&self, case_id: i64, kind: EventKind) -> usize {
        let events = self.events(case_id).await;
        events.iter().filter(|e| e.kind == kind).count()
    }

    /// A command through the API, with the `If-Match` of `version`.
    async fn post(&self, login: &str, path: &str, version: i64, body: Value) -> (u16, Value) {
        let response = self
            .http
            .post(format!("{}/api/v1/{path}", self.base))
            .bearer_auth(format!("tok-{login}"))
            .header("If-Match", support::etag::tag_for_path(path, version))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn sync(&self, login: &str) -> Value {
        let response = self
            .http
            .get(format!("{}/api/v1/sync", self.base))
            .bearer_auth(format!("tok-{login}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// What `/healthz` says.
    async fn health(&self) -> Value {
        self.http
            .get(format!("{}/healthz", self.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Posts a notification to the callback as the Notificaties API does;
    /// returns the status regiedesk answered.
    async fn notify(&self, body: &Value) -> u16 {
        self.http
            .post(format!("{}/zgw/notificaties", self.base))
            .header("Authorization", "Token regiedesk-nrc")
            .json(body)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    /// Waits until the notification worker has handled everything sent
    /// before: it handles them one by one, in order, so once a change to
    /// `barrier` (a case zaak of its own) is projected, so is all that came
    /// before it. The change toggles the barrier's risico.
    async fn drain(&self, barrier: &str) {
        let before = self.case(barrier).await.expect("the barrier is projected");
        let risico = self.fake.eigenschap(barrier, "risico");
        let next = if risico == ["agressie"] {
            "veiligheid"
        } else {
            "agressie"
        };
        self.fake.set_eigenschap(barrier, "risico", next);
        assert_eq!(self.notify(&self.fake.zaak_changed(barrier)).await, 204);
        until("the barrier's change is projected", async || {
            let case = self.case(barrier).await?;
            (case.version > before.version).then_some(())
        })
        .await;
    }
}

/// Waits (bounded, 15 s) until `check` gives a value.
async fn until<T>(what: &str, mut check: impl AsyncFnMut() -> Option<T>) -> T {
    for _ in 0..750 {
        if let Some(value) = check().await {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{what}: never happened")
}

// ------------------------------------------------------------ 1. a 500 after a committed write

/// Reassigning: Open Zaak commits the new behandelaar rol and answers 500.
/// The retry reads first, finds the rol, and only removes the old one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reassignment_whose_rol_was_committed_before_a_500_is_written_once() {
    let fake = Fake::start().await;
    let zaak = fake.add_case("KST-2026-0001");
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    let case = desk.case(&zaak).await.expect("projected at start");
    assert_eq!(case.casusregisseur.as_deref(), Some("cr-jeugd-1"));

    fake.fail(Method::POST, "/zaken/api/v1/rollen", Fault::AfterCommit, 1);
    let (status, body) = desk
        .post(
            "pr-jeugd-1",
            &format!("cases/{}/assign", case.id),
            case.version,
            json!({"casusregisseur": "cr-jeugd-2", "reason": "verlof"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(fake.faults_left(), 0, "the POST was answered with a 500");
    assert_eq!(body["casusregisseur"], "cr-jeugd-2");

    // One rol written, the old one removed: the retry did not post again.
    assert_eq!(fake.count(&Method::POST, "/zaken/api/v1/rollen"), 1);
    assert_eq!(fake.holders(&zaak, CASUSREGISSEUR), ["cr-jeugd-2"]);
    let posted = fake.requests(&Method::POST, "/zaken/api/v1/rollen");
    assert_eq!(posted[0].user_id, "pr-jeugd-1", "on behalf of the actor");

    let projected = desk.case(&zaak).await.unwrap();
    assert_eq!(projected.casusregisseur.as_deref(), Some("cr-jeugd-2"));
    assert_eq!(projected.version, case.version + 1);
    assert_eq!(
        desk.count_events(case.id, EventKind::Reassigned).await,
        1,
        "the command's own line, not also one from the case system"
    );
    // Read again, nothing is new.
    let again = desk.source.refresh(&zaak).await.unwrap().unwrap();
    assert!(!again.changed);
    assert_eq!(again.case.version, projected.version);

    // A 500 with nothing done: the retry finds no rol and writes it.
    fake.fail(Method::POST, "/zaken/api/v1/rollen", Fault::Before, 1);
    let (status, body) = desk
        .post(
            "pr-jeugd-1",
            &format!("cases/{}/assign", case.id),
            projected.version,
            json!({"casusregisseur": "cr-jeugd-1", "reason": "terug van verlof"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(fake.faults_left(), 0);
    assert_eq!(fake.count(&Method::POST, "/zaken/api/v1/rollen"), 3);
    assert_eq!(fake.holders(&zaak, CASUSREGISSEUR), ["cr-jeugd-1"]);
    let back = desk.case(&zaak).await.unwrap();
    assert_eq!(back.casusregisseur.as_deref(), Some("cr-jeugd-1"));
    assert_eq!(back.version, projected.version + 1);
}

/// Deciding: Open Zaak commits the besluit and answers 500. The retry sees
/// the besluit and goes on with beslisser, resultaat and eindstatus.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decision_whose_besluit_was_committed_before_a_500_is_written_once() {
    let fake = Fake::start().await;
    let zaak = fake.add_case("KST-2026-0001");
    let deelzaak = fake.add_request(&zaak, "AV-2026-0001");
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    let request = desk.request(&deelzaak).await.expect("projected at start");
    assert_eq!(request.filed_by, "cr-jeugd-1");

    fake.fail(
        Method::POST,
        "/besluiten/api/v1/besluiten",
        Fault::AfterCommit,
        1,
    );
    let (status, body) = desk
        .post(
            "pr-jeugd-1",
            &format!("requests/{}/decision", request.id),
            request.version,
            json!({"decision": "approve", "reason": "past in het plan"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(fake.faults_left(), 0);
    assert_eq!(body["status"], "approved");

    assert_eq!(fake.count(&Method::POST, "/besluiten/api/v1/besluiten"), 1);
    let besluiten: Vec<Value> = fake.of_zaak("besluiten", &deelzaak);
    assert_eq!(besluiten.len(), 1);
    assert_eq!(besluiten[0]["toelichting"], "past in het plan");
    assert_eq!(
        fake.holders(&deelzaak, "Beslisser (mandaat)"),
        ["pr-jeugd-1"]
    );
    assert_eq!(fake.of_zaak("resultaten", &deelzaak).len(), 1);
    assert_eq!(
        fake.statussen(&deelzaak),
        ["Ingediend", "Besloten"],
        "the eindstatus after the resultaat"
    );
    assert!(fake.get(&deelzaak)["einddatum"].is_string());

    let projected = desk.request(&deelzaak).await.unwrap();
    assert_eq!(projected.status.as_str(), "approved");
    assert_eq!(projected.decided_by.as_deref(), Some("pr-jeugd-1"));
    assert_eq!(projected.reason.as_deref(), Some("past in het plan"));
    assert_eq!(projected.version, request.version + 1);
    let case = desk.case(&zaak).await.unwrap();
    assert_eq!(
        desk.count_events(case.id, EventKind::RequestDecided).await,
        1
    );
}

// ------------------------------------------------------------ 2. a stale PUT body

/// Open Zaak 1.30.0 may answer a PUT with the old body. Escalating PUTs the
/// escalatie eigenschap; its answer still says `geen`. The projection is
/// made from a re-read, so it says escalated.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_escalation_whose_put_answers_the_old_body_is_projected_from_a_reread() {
    let fake = Fake::start().await;
    let zaak = fake.add_case("KST-2026-0001");
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    let case = desk.case(&zaak).await.unwrap();
    assert!(!case.escalated);

    let eigenschap = "/zaken/api/v1/zaken/*/zaakeigenschappen/*";
    fake.fail(Method::PUT, eigenschap, Fault::StaleBody, 1);
    let (status, body) = desk
        .post(
            "pr-jeugd-1",
            &format!("cases/{}/escalate", case.id),
            case.version,
            json!({"reason": "partijen oneens"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(fake.faults_left(), 0, "the PUT answered the old body");
    assert_eq!(fake.count(&Method::PUT, eigenschap), 1);
    assert_eq!(fake.eigenschap(&zaak, "escalatie"), ["geescaleerd"]);

    assert_eq!(body["escalated"], true);
    let projected = desk.case(&zaak).await.unwrap();
    assert!(projected.escalated);
    assert_eq!(
        projected.escalation_reason.as_deref(),
        Some("partijen oneens")
    );
    assert_eq!(desk.count_events(case.id, EventKind::Escalated).await, 1);
}

// ------------------------------------------------------------ 3. a missing eigenschap

/// A zaak without `escalatie` and `risico` (nasty/c-*) is projected with
/// their defaults, not refused; escalating it then adds the eigenschap.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zaak_without_escalatie_or_risico_is_projected_and_can_be_escalated() {
    let fake = Fake::start().await;
    let zaak = fake.add_case_with(
        "KST-2026-0002",
        "nasty/c-zaakeigenschappen-without-escalatie.json",
    );
    assert!(fake.eigenschap(&zaak, "escalatie").is_empty());
    assert!(fake.eigenschap(&zaak, "risico").is_empty());
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    assert_eq!(desk.started.failed, 0, "{:?}", desk.started);

    let case = desk.case(&zaak).await.expect("projected, not refused");
    assert_eq!(case.number, "KST-2026-0002");
    assert!(!case.escalated);
    assert!(case.risk_flags.is_empty());
    assert_eq!(case.domain.as_str(), "volwassenen");
    assert_eq!(case.source.as_str(), "huisarts");

    let (status, body) = desk
        .post(
            "pr-volw-1",
            &format!("cases/{}/escalate", case.id),
            case.version,
            json!({"reason": "geen voortgang"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let eigenschappen = "/zaken/api/v1/zaken/*/zaakeigenschappen";
    assert_eq!(fake.count(&Method::POST, eigenschappen), 1, "added, once");
    assert_eq!(fake.eigenschap(&zaak, "escalatie"), ["geescaleerd"]);
    assert!(desk.case(&zaak).await.unwrap().escalated);
}

// ------------------------------------------------------------ 4. above the client's vertrouwelijkheid

/// A `geheim` zaak for a client that may see up to `vertrouwelijk`: Open
/// Zaak answers its GET with 403 and leaves it out of lists. Neither the
/// walk at start, a notification nor a later walk stores anything of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zaak_above_the_clients_vertrouwelijkheid_is_left() {
    let fake = Fake::start().await;
    let visible = fake.add_case("KST-2026-0901");
    let secret = fake.add_case("KST-2026-0902");
    fake.set(&secret, "vertrouwelijkheidaanduiding", json!("geheim"));
    fake.hide_above("vertrouwelijk");
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    assert_eq!(desk.started.listed, 1, "{:?}", desk.started);
    assert_eq!(desk.started.failed, 0, "{:?}", desk.started);
    assert!(desk.case(&visible).await.is_some());
    assert!(desk.case(&secret).await.is_none());
    assert_eq!(fake.count(&Method::GET, fake.path(&secret)), 0);

    // Notified about it (with and without its zaaktype): answered, left.
    let status = fake.of_zaak("statussen", &secret)[0]["url"]
        .as_str()
        .unwrap()
        .to_string();
    let notified = [
        fake.zaak_changed(&secret),
        fake.notification(&secret, None, "status", &status, "create"),
    ];
    for notification in &notified {
        assert_eq!(desk.notify(notification).await, 204);
        desk.drain(&visible).await;
    }
    let denied = fake.requests(&Method::GET, fake.path(&secret));
    assert!(!denied.is_empty(), "the worker asked");
    assert!(denied.iter().all(|r| r.status == 403), "{denied:?}");

    for full in [false, true] {
        let report = desk.source.reconcile(full).await.unwrap();
        assert_eq!((report.listed, report.failed), (1, 0), "{report:?}");
    }
    assert!(desk.case(&secret).await.is_none());
    assert_eq!(desk.store.zgw_links().await.unwrap().len(), 1);
    let sync = desk.sync("pr-jeugd-1").await;
    assert_eq!(sync["cases"].as_array().unwrap().len(), 1);
    assert!(!sync.to_string().contains("KST-2026-0902"));
}

// ------------------------------------------------------------ 5. unknown zaak, other zaaktype

/// Notifications about a zaak that does not exist (404), a besluit that
/// does not exist, and a zaak of another zaaktype (named truly or falsely
/// in the notification): answered 204, nothing stored, the worker goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_about_unknown_or_foreign_zaken_store_nothing() {
    let fake = Fake::start().await;
    let barrier = fake.add_case("KST-2026-0001");
    let other = fake.add_zaak_of_another_zaaktype();
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    assert_eq!(desk.started.listed, 1, "the other zaaktype is not listed");
    let case_zaaktype = fake.get(&barrier)["zaaktype"].as_str().unwrap().to_string();
    let other_zaaktype = fake.get(&other)["zaaktype"].as_str().unwrap().to_string();

    let missing = format!(
        "{}/zaken/api/v1/zaken/00000000-0000-4000-8000-999999999999",
        fake.base
    );
    let missing_besluit = format!(
        "{}/besluiten/api/v1/besluiten/00000000-0000-4000-8000-999999999998",
        fake.base
    );
    let mut besluit = fake.fixture("notifications/besluit-create.json")["body"].take();
    besluit["hoofdObject"] = json!(missing_besluit);
    besluit["resourceUrl"] = json!(missing_besluit);
    let notified = [
        fake.notification(&missing, Some(&case_zaaktype), "zaak", &missing, "update"),
        fake.notification(&missing, None, "zaak", &missing, "update"),
        besluit,
        fake.notification(&other, Some(&other_zaaktype), "zaak", &other, "update"),
        fake.notification(&other, Some(&case_zaaktype), "zaak", &other, "update"),
    ];
    for notification in &notified {
        assert_eq!(desk.notify(notification).await, 204, "{notification}");
        desk.drain(&barrier).await;
    }
    assert!(fake.count(&Method::GET, fake.path(&missing)) >= 1);
    assert!(fake.count(&Method::GET, fake.path(&missing_besluit)) >= 1);
    assert!(fake.count(&Method::GET, fake.path(&other)) >= 1);

    assert!(desk.store.zgw_link(&missing).await.unwrap().is_none());
    assert!(desk.store.zgw_link(&other).await.unwrap().is_none());
    let links = desk.store.zgw_links().await.unwrap();
    assert_eq!(links.len(), 1, "{links:?}");
    let sync = desk.sync("pr-jeugd-1").await;
    assert_eq!(sync["cases"].as_array().unwrap().len(), 1);
}

// ------------------------------------------------------------ 6. the same notification twice, and late

/// A change announced twice, and announced again after a newer change:
/// the case's version goes up once per change, with one history line each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicated_and_late_notifications_count_each_change_once() {
    let fake = Fake::start().await;
    let zaak = fake.add_case("KST-2026-0001");
    let barrier = fake.add_case("KST-2026-0002");
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    let start = desk.case(&zaak).await.unwrap();
    let lines_at_start = desk.events(start.id).await.len();
    assert_eq!(start.status.as_str(), "contacted");

    // Someone at Open Zaak's desk records the plan: announced twice.
    fake.add_status(&zaak, "Plan vastgesteld");
    let status = fake.of_zaak("statussen", &zaak).last().unwrap()["url"]
        .as_str()
        .unwrap()
        .to_string();
    let zaaktype = fake.get(&zaak)["zaaktype"].as_str().unwrap().to_string();
    let plan = fake.notification(&zaak, Some(&zaaktype), "status", &status, "create");
    assert_eq!(desk.notify(&plan).await, 204);
    assert_eq!(desk.notify(&plan).await, 204);
    desk.drain(&barrier).await;
    let planned = desk.case(&zaak).await.unwrap();
    assert_eq!(planned.status.as_str(), "plan");
    assert_eq!(planned.version, start.version + 1);
    assert_eq!(desk.count_events(start.id, EventKind::Plan).await, 1);

    // Then another casusregisseur; its notification, then the plan's again.
    fake.add_rol(&zaak, CASUSREGISSEUR, "cr-jeugd-2");
    let rol = fake.of_zaak("rollen", &zaak).last().unwrap()["url"]
        .as_str()
        .unwrap()
        .to_string();
    let handed = fake.notification(&zaak, Some(&zaaktype), "rol", &rol, "create");
    assert_eq!(desk.notify(&handed).await, 204);
    assert_eq!(desk.notify(&plan).await, 204);
    assert_eq!(desk.notify(&handed).await, 204);
    desk.drain(&barrier).await;

    let after = desk.case(&zaak).await.unwrap();
    assert_eq!(after.casusregisseur.as_deref(), Some("cr-jeugd-2"));
    assert_eq!(after.status.as_str(), "plan");
    assert_eq!(after.version, start.version + 2, "one version per change");
    let events = desk.events(start.id).await;
    assert_eq!(events.len(), lines_at_start + 2, "{events:#?}");
    let reassigned: Vec<&CaseEvent> = events
        .iter()
        .filter(|e| e.kind == EventKind::Reassigned)
        .collect();
    assert_eq!(reassigned.len(), 1);
    assert_eq!(reassigned[0].actor, "zaaksysteem");
    assert_eq!(reassigned[0].to.as_deref(), Some("cr-jeugd-2"));
    assert_eq!(desk.count_events(start.id, EventKind::Plan).await, 1);
    // No second row for the zaak.
    assert_eq!(desk.store.zgw_links().await.unwrap().len(), 2);
    assert_eq!(
        desk.sync("pr-jeugd-1").await["cases"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

// ------------------------------------------------------------ 7. numbers

/// Numbers on a real store: a number two zaken carry goes to one, the
/// other gets the case system's identificatie; the request counter goes on
/// past the numbers read; a changed kenmerk changes no number, and does not
/// make regiedesk take that zaak for a request it files.
async fn numbers(backend: Backend) {
    let fake = Fake::start().await;
    let first = fake.add_case("KST-2026-0001");
    let first_request = fake.add_request(&first, "AV-2026-0001");
    let second = fake.add_case("KST-2026-0001");
    let second_request = fake.add_request(&second, "AV-2026-0001");
    let third = fake.add_case("KST-2026-0003");
    fake.add_status(&third, "Plan vastgesteld");
    let seventh = fake.add_request(&third, "AV-2026-0007");
    let Some(desk) = Desk::start(&fake, backend).await else {
        return;
    };
    assert_eq!(
        (desk.started.listed, desk.started.failed),
        (3, 0),
        "{:?}",
        desk.started
    );

    // One of each pair has the number, the other its own identificatie.
    let identificatie = |url: &str| fake.get(url)["identificatie"].as_str().unwrap().to_string();
    let cases = [
        desk.case(&first).await.unwrap().number,
        desk.case(&second).await.unwrap().number,
    ];
    assert!(
        cases == ["KST-2026-0001".to_string(), identificatie(&second)]
            || cases == [identificatie(&first), "KST-2026-0001".to_string()],
        "{cases:?}"
    );
    let requests = [
        desk.request(&first_request).await.unwrap().number,
        desk.request(&second_request).await.unwrap().number,
    ];
    assert!(
        requests == ["AV-2026-0001".to_string(), identificatie(&second_request)]
            || requests == [identificatie(&first_request), "AV-2026-0001".to_string()],
        "{requests:?}"
    );
    assert_eq!(desk.request(&seventh).await.unwrap().number, "AV-2026-0007");

    // Filed through regiedesk: the number after the highest read.
    let file = async |expected: &str| -> Request {
        let case = desk.case(&third).await.unwrap();
        let (status, body) = desk
            .post(
                "cr-jeugd-1",
                &format!("cases/{}/requests", case.id),
                case.version,
                json!({"kind": "jeugdhulp", "provision": "Gezinsbehandeling",
                       "motivation": "volgens plan", "in_plan": true}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["number"], expected, "{body}");
        let deelzaak = fake
            .deelzaken(&third)
            .into_iter()
            .find(|d| d["kenmerken"][0]["kenmerk"] == expected && d["url"] != seventh)
            .unwrap_or_else(|| panic!("a deelzaak {expected}"));
        let url = deelzaak["url"].as_str().unwrap();
        assert_eq!(
            fake.holders(url, "Aanvrager (casusregisseur)"),
            ["cr-jeugd-1"]
        );
        let request = desk.request(url).await.expect("linked");
        assert_eq!(request.id, body["id"].as_i64().unwrap());
        request
    };
    file("AV-2026-0008").await;

    // Someone renumbers the case and the seventh in the case system, the
    // latter to the very number regiedesk will give next.
    fake.set_kenmerk(&third, "KST-2026-0099");
    fake.set_kenmerk(&seventh, "AV-2026-0009");
    let refreshed = desk.source.refresh(&third).await.unwrap().unwrap();
    assert_eq!(refreshed.case.number, "KST-2026-0003");
    let seventh_request = desk.request(&seventh).await.unwrap();
    assert_eq!(seventh_request.number, "AV-2026-0007");

    // The next request is a deelzaak of its own, not the renumbered one.
    let ninth = file("AV-2026-0009").await;
    assert_ne!(ninth.id, seventh_request.id);
    assert_eq!(fake.deelzaken(&third).len(), 3);
    let case = desk.case(&third).await.unwrap();
    assert_eq!(desk.store.requests_of_case(case.id).await.unwrap().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbers_on_sqlite() {
    numbers(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbers_on_postgres() {
    numbers(Backend::Postgres).await;
}

// ------------------------------------------------------------ 8. filing with a lost answer

/// Filing a request: Open Zaak makes the deelzaak and answers 500. The
/// retry finds it by its kenmerk and completes it; there is one deelzaak,
/// with one initiator, one in_plan and one Ingediend, and the desks see it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_whose_deelzaak_was_made_before_a_500_is_filed_once() {
    let fake = Fake::start().await;
    let zaak = fake.add_case("KST-2026-0001");
    fake.add_status(&zaak, "Plan vastgesteld");
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    let case = desk.case(&zaak).await.unwrap();
    assert_eq!(case.status.as_str(), "plan");

    fake.fail(Method::POST, "/zaken/api/v1/zaken", Fault::AfterCommit, 1);
    let (status, body) = desk
        .post(
            "cr-jeugd-1",
            &format!("cases/{}/requests", case.id),
            case.version,
            json!({"kind": "jeugdhulp", "provision": "Gezinsbehandeling",
                   "motivation": "volgens plan", "in_plan": true}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(fake.faults_left(), 0, "the POST was answered with a 500");
    let number = body["number"].as_str().unwrap().to_string();
    assert_eq!(number, "AV-2026-0001");

    assert_eq!(fake.count(&Method::POST, "/zaken/api/v1/zaken"), 1);
    let deelzaken = fake.deelzaken(&zaak);
    assert_eq!(deelzaken.len(), 1, "{deelzaken:#?}");
    let deelzaak = deelzaken[0]["url"].as_str().unwrap();
    assert_eq!(deelzaken[0]["kenmerken"][0]["kenmerk"], number.as_str());
    assert_eq!(
        fake.holders(deelzaak, "Aanvrager (casusregisseur)"),
        ["cr-jeugd-1"]
    );
    assert_eq!(fake.eigenschap(deelzaak, "in_plan"), ["ja"]);
    assert_eq!(fake.statussen(deelzaak), ["Ingediend"]);
    assert_eq!(fake.statussen(&zaak).last().unwrap(), "In uitvoering");

    let request = desk.request(deelzaak).await.expect("linked");
    assert_eq!(request.id, body["id"].as_i64().unwrap());
    assert_eq!(request.number, number);
    assert_eq!(desk.store.requests_of_case(case.id).await.unwrap().len(), 1);
    let sync = desk.sync("cr-jeugd-1").await;
    let synced: Vec<&Value> = sync["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["number"] == number.as_str())
        .collect();
    assert_eq!(synced.len(), 1, "{sync}");
    assert_eq!(synced[0]["id"], body["id"]);
    assert_eq!(synced[0]["status"], "pending");
    assert_eq!(desk.count_events(case.id, EventKind::RequestFiled).await, 1);
}

// ------------------------------------------------------------ the rolling re-read

/// An eigenschap changed in the case system while its notification was
/// lost shows in no flat list. Each walk reads `reread_per_walk` zaken
/// again in turn, so the change arrives within (zaken ÷ that) walks, not
/// only with the nightly full re-read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_eigenschap_changed_without_a_notification_arrives_in_turn() {
    let fake = Fake::start().await;
    let zaken: Vec<String> = (1..=5)
        .map(|n| fake.add_case(&format!("KST-2026-01{n:02}")))
        .collect();
    let mut config = config(&fake);
    config.reread_per_walk = 2;
    let desk = Desk::start_with(&fake, Backend::Sqlite, config)
        .await
        .unwrap();
    for zaak in &zaken {
        assert!(!desk.case(zaak).await.unwrap().escalated);
        fake.set_eigenschap(zaak, "escalatie", "geescaleerd");
    }
    let mut walks = 0;
    loop {
        let report = desk.source.reconcile(false).await.unwrap();
        walks += 1;
        assert_eq!(
            report.reread, 2,
            "two in turn, the rest unchanged: {report:?}"
        );
        let mut escalated = 0;
        for zaak in &zaken {
            escalated += usize::from(desk.case(zaak).await.unwrap().escalated);
        }
        assert_eq!(escalated, (2 * walks).min(5), "after {walks} walks");
        if escalated == 5 {
            break;
        }
    }
    assert_eq!(walks, 3);
}

// ------------------------------------------------------------ one household, two open zaken

/// A case system may hold two open zaken for one belanghebbende; regiedesk
/// holds one open case per household. The second must not vanish from the
/// desks: it is projected under `H-…-2`, and reading both again changes
/// nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_open_zaak_of_one_household_stays_in_view() {
    let fake = Fake::start().await;
    let first = fake.add_case("KST-2026-0301");
    let second = fake.add_case("KST-2026-0302");
    fake.same_household(&second, &first);
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    assert_eq!(desk.started.failed, 0, "{:?}", desk.started);
    let a = desk.case(&first).await.expect("the first is projected");
    let b = desk.case(&second).await.expect("the second is projected");
    let (one, two) = if a.id < b.id { (a, b) } else { (b, a) };
    assert_eq!(two.pseudonym, format!("{}-2", one.pseudonym));
    assert_ne!(one.household_id, two.household_id);
    let again = desk.source.reconcile(true).await.unwrap();
    assert_eq!((again.failed, again.changed), (0, 0), "{again:?}");
    for zaak in [&first, &second] {
        let case = desk.case(zaak).await.unwrap();
        let before = if case.id == one.id { &one } else { &two };
        assert_eq!(
            (case.version, &case.pseudonym),
            (before.version, &before.pseudonym)
        );
    }
}

/// A restart over a projection serves at once: `start` returns while the
/// full walk's first list is still unanswered. A first start (an empty
/// projection) waits for that walk: there is nothing to show without it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_serves_the_projection_while_the_full_walk_runs() {
    let fake = Fake::start().await;
    let zaak = fake.add_case("KST-2026-0401");
    fake.add_case("KST-2026-0402");
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    assert_eq!(desk.started.reread, 2, "{:?}", desk.started);
    let lists = "/zaken/api/v1/zaken";
    let hanging = || {
        fake.requests(&Method::GET, lists)
            .iter()
            .filter(|r| r.status == 0)
            .count()
    };
    fake.fail(Method::GET, lists, Fault::Hang, 1000);

    let restarted = ZgwSource::connect(
        config(&fake),
        desk.store.clone(),
        Arc::new(Norms::default()),
        Clock::Frozen(now()),
    )
    .await
    .unwrap();
    // A guard, not a wait: a start that blocked on the walk never returns.
    let (started, _tasks) = tokio::time::timeout(Duration::from_secs(60), restarted.start())
        .await
        .expect("a restart returns before its full walk")
        .unwrap();
    assert_eq!(started, Started::Restart { projected: 2 });
    until("the background walk asks for the list", async || {
        (hanging() > 0).then_some(())
    })
    .await;
    let case = desk.case(&zaak).await.expect("the projection is there");
    assert_eq!(case.number, "KST-2026-0401");

    let db = Database::create(Backend::Sqlite).await.unwrap();
    let empty = store::connect(db.url()).await.unwrap();
    let first = ZgwSource::connect(
        config(&fake),
        empty,
        Arc::new(Norms::default()),
        Clock::Frozen(now()),
    )
    .await
    .unwrap();
    let before = hanging();
    let starting = tokio::spawn(async move { first.start().await.map(|(s, _)| s) });
    until("the first start's walk asks for the list", async || {
        (hanging() > before).then_some(())
    })
    .await;
    assert!(
        !starting.is_finished(),
        "a first start returned before the case system was read"
    );
    starting.abort();
}

// ------------------------------------------------------------ without notifications: the lists

/// Nearly every write in the case system makes a status or a rol, and
/// both lists are newest first: a look at their heads finds a change whose
/// notification was lost, without waiting for a walk. Ours are queued (a
/// new holder, a new step); another department's zaaktype is passed over;
/// the first look only takes note, and nothing is queued twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_without_its_notification_is_found_at_the_head_of_the_lists() {
    let fake = Fake::start().await;
    let handed = fake.add_case("KST-2026-0301");
    let planned = fake.add_case("KST-2026-0302");
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    let before = desk.case(&handed).await.unwrap();
    assert_eq!(before.casusregisseur.as_deref(), Some("cr-jeugd-1"));
    let mut heads = NewestHeads::default();
    assert_eq!(desk.source.look_at_newest(&mut heads).await.unwrap(), 0);

    // Two writes at Open Zaak's desk, announced to no one; and one of
    // another zaaktype's.
    fake.add_rol(&handed, CASUSREGISSEUR, "cr-jeugd-2");
    fake.add_status(&planned, "Plan vastgesteld");
    let foreign = fake.add_zaak_of_another_zaaktype();
    let gets_before = fake.count(&Method::GET, fake.path(&foreign));
    assert_eq!(desk.source.look_at_newest(&mut heads).await.unwrap(), 2);
    until("both changes are projected", async || {
        let handed = desk.case(&handed).await?;
        let planned = desk.case(&planned).await?;
        (handed.casusregisseur.as_deref() == Some("cr-jeugd-2")
            && planned.status.as_str() == "plan")
            .then_some(())
    })
    .await;
    assert_eq!(
        fake.count(&Method::GET, fake.path(&foreign)),
        gets_before,
        "another department's zaak is not even read"
    );
    // Nothing new since: nothing queued.
    assert_eq!(desk.source.look_at_newest(&mut heads).await.unwrap(), 0);

    // A write whose notification came: its zaak is read already, and the
    // look does not queue it again.
    fake.add_status(&handed, "Plan vastgesteld");
    let status = fake.of_zaak("statussen", &handed).last().unwrap()["url"]
        .as_str()
        .unwrap()
        .to_string();
    let zaaktype = fake.get(&handed)["zaaktype"].as_str().unwrap().to_string();
    let notified = fake.notification(&handed, Some(&zaaktype), "status", &status, "create");
    assert_eq!(desk.notify(&notified).await, 204);
    assert_eq!(desk.source.look_at_newest(&mut heads).await.unwrap(), 0);
}

/// A walk acts on each page as it arrives: a zaak whose summary changed
/// is read again while the other lists are still coming in (here the
/// rollen list never answers), not after the slowest list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_walk_reads_a_changed_zaak_from_its_page_before_the_other_lists_are_in() {
    let fake = Fake::start().await;
    let zaak = fake.add_case("KST-2026-0311");
    fake.add_case("KST-2026-0312");
    let mut config = config(&fake);
    config.reread_per_walk = 0;
    let desk = Desk::start_with(&fake, Backend::Sqlite, config)
        .await
        .unwrap();
    assert_eq!(desk.case(&zaak).await.unwrap().status.as_str(), "contacted");
    fake.add_status(&zaak, "Plan vastgesteld");
    fake.fail(Method::GET, "/zaken/api/v1/rollen", Fault::Hang, 1);
    let walk = tokio::spawn({
        let source = desk.source.clone();
        async move { source.reconcile(false).await }
    });
    until("the plan is projected", async || {
        (desk.case(&zaak).await?.status.as_str() == "plan").then_some(())
    })
    .await;
    assert!(!walk.is_finished(), "the rollen list has not answered");
    walk.abort();
}

/// The walk lists the open zaken and those closed in the last
/// `closed_months`, never the whole history. A zaak closed in the case
/// system is read again once (it is found among the recently closed) and
/// then left alone; one that leaves every list (out of sight) is read
/// again, once per walk, since the projection holds it open.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_walk_follows_open_and_recently_closed_zaken() {
    let fake = Fake::start().await;
    let long_closed = fake.add_case("KST-2024-0320");
    fake.set(&long_closed, "einddatum", json!("2024-06-28"));
    let open = fake.add_case("KST-2026-0321");
    let closing = fake.add_case("KST-2026-0322");
    let hiding = fake.add_case("KST-2026-0323");
    let mut config = config(&fake);
    config.reread_per_walk = 0;
    let desk = Desk::start_with(&fake, Backend::Sqlite, config)
        .await
        .unwrap();
    assert_eq!(desk.started.listed, 3, "{:?}", desk.started);
    assert!(
        desk.case(&long_closed).await.is_none(),
        "closed before the window"
    );
    let quiet = desk.source.reconcile(false).await.unwrap();
    assert_eq!((quiet.listed, quiet.reread), (3, 0), "{quiet:?}");

    // Closed at Open Zaak's desk (by hand: status, einddatum).
    fake.add_status(&closing, "Afgesloten");
    fake.set(&closing, "einddatum", json!("2026-12-01"));
    let walk = desk.source.reconcile(false).await.unwrap();
    assert_eq!(
        (walk.listed, walk.reread, walk.changed),
        (3, 1, 1),
        "{walk:?}"
    );
    assert_eq!(desk.case(&closing).await.unwrap().status.as_str(), "closed");
    let again = desk.source.reconcile(false).await.unwrap();
    assert_eq!((again.listed, again.reread), (3, 0), "{again:?}");

    // Out of the client's sight: in no list, read again, refused, kept.
    fake.set(&hiding, "vertrouwelijkheidaanduiding", json!("geheim"));
    fake.hide_above("vertrouwelijk");
    let walk = desk.source.reconcile(false).await.unwrap();
    assert_eq!(
        (walk.listed, walk.reread, walk.failed),
        (2, 1, 1),
        "{walk:?}"
    );
    assert!(desk.case(&hiding).await.is_some());
    assert!(desk.case(&open).await.is_some());
}

/// A ZGW client makes a zaak, then its eigenschappen, rollen and statussen,
/// each with a notification. A zaak read before its first status is left:
/// projected then, its referral would date from the startdatum and its
/// history would keep what it was half made. Its status's notification
/// brings it, whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zaak_read_before_its_first_status_waits_for_it() {
    let fake = Fake::start().await;
    let barrier = fake.add_case("KST-2026-0331");
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    let zaak = fake.add_case("KST-2026-0332");
    let statussen = fake.of_zaak("statussen", &zaak);
    fake.strip("statussen", &zaak);
    assert_eq!(desk.notify(&fake.zaak_changed(&zaak)).await, 204);
    desk.drain(&barrier).await;
    assert!(desk.case(&zaak).await.is_none(), "half made: left");
    let walk = desk.source.reconcile(false).await.unwrap();
    assert_eq!(walk.failed, 0, "{walk:?}");
    assert!(desk.case(&zaak).await.is_none(), "the walk leaves it too");

    fake.add_status(&zaak, "Aangemeld");
    let first = fake.of_zaak("statussen", &zaak)[0].clone();
    assert_eq!(desk.notify(&fake.zaak_changed(&zaak)).await, 204);
    desk.drain(&barrier).await;
    let case = desk.case(&zaak).await.expect("whole now");
    assert_eq!(
        case.referred_at,
        first["datumStatusGezet"]
            .as_str()
            .unwrap()
            .parse::<DateTime<Utc>>()
            .unwrap(),
        "referred at its status, not its startdatum"
    );
    assert!(!statussen.is_empty());
}

/// A notification with a header that is not the abonnement's (a typo in
/// its `auth`) is refused with words that name the abonnement, never a
/// bearer token, and counted where an operator looks: `/healthz`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_notifications_are_counted_and_shown_on_healthz() {
    let fake = Fake::start().await;
    let zaak = fake.add_case("KST-2026-0501");
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    let health = desk.health().await;
    assert!(health.get("notifications").is_none(), "{health}");
    for _ in 0..3 {
        let response = desk
            .http
            .post(format!("{}/zgw/notificaties", desk.base))
            .header("Authorization", "Token regiedesk-nrx")
            .json(
                &json!({"kanaal": "zaken", "hoofdObject": zaak, "resource": "zaak",
                          "resourceUrl": zaak, "actie": "partial_update"}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
        let challenge = response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .to_string();
        assert_eq!(challenge, "Token realm=\"regiedesk-notificaties\"");
        assert!(!challenge.contains("regiedesk-nrc"), "never the secret");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(
            problem["type"],
            "urn:regiedesk:problem:notification-refused"
        );
        let detail = problem["detail"].as_str().unwrap();
        assert!(
            detail.contains("abonnement") && !detail.contains("Bearer"),
            "{detail}"
        );
    }
    let health = desk.health().await;
    let said = health["notifications"].as_str().unwrap();
    assert!(said.starts_with("refused 3 since "), "{said}");
    // The right header still works.
    let status = desk
        .notify(
            &json!({"kanaal": "zaken", "hoofdObject": zaak, "resource": "zaak",
                        "resourceUrl": zaak, "actie": "partial_update"}),
        )
        .await;
    assert_eq!(status, 204);
}

/// A notification naming an object on another address (issue 20: it made
/// regiedesk send its signed token there, and the token listed every
/// household's BSN) is refused, counted, and that address receives
/// nothing: not the notification's object, not anything read after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_url_outside_the_configured_apis_is_never_sent_a_token() {
    let fake = Fake::start().await;
    let zaak = fake.add_case("KST-2026-0601");
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    // An eavesdropper on another port records every connection.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let elsewhere = listener.local_addr().unwrap();
    let heard = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counter = heard.clone();
    tokio::spawn(async move {
        while let Ok((_socket, _)) = listener.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    });
    let foreign = format!(
        "http://{elsewhere}/zaken/api/v1/zaken/{}",
        zaak.rsplit('/').next().unwrap()
    );
    for (hoofd, resource) in [(&foreign, &foreign), (&zaak, &foreign), (&foreign, &zaak)] {
        let status = desk
            .notify(
                &json!({"kanaal": "zaken", "hoofdObject": hoofd, "resource": "zaak",
                            "resourceUrl": resource, "actie": "partial_update"}),
            )
            .await;
        assert_eq!(status, 400, "{hoofd} {resource}");
    }
    // Read directly, as a URL in an answer would be: refused before asking.
    let refused = desk.source.refresh(&foreign).await;
    assert!(
        matches!(
            refused,
            Err(regiedesk::zgw::source::SourceError::Zgw(
                regiedesk::zgw::client::ZgwError::Foreign(_)
            ))
        ),
        "{refused:?}"
    );
    assert!(desk.source.foreign_refused() >= 4, "counted");
    // A notification of our own zaak, drained: whatever was queued has run.
    assert_eq!(
        desk.notify(
            &json!({"kanaal": "zaken", "hoofdObject": zaak, "resource": "zaak",
                            "resourceUrl": zaak, "actie": "partial_update"})
        )
        .await,
        204
    );
    desk.drain(&zaak).await;
    assert_eq!(
        heard.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "nothing went elsewhere"
    );
}

/// A wrong client secret stops the start with the case system's own words,
/// so the beheerder knows what to fix.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_start_passes_the_case_systems_problem_through() {
    let fake = Fake::start().await;
    let mut config = config(&fake);
    config.secret = Some("verkeerd".into());
    let Some(db) = Database::create(Backend::Sqlite).await else {
        return;
    };
    let store = store::connect(db.url()).await.unwrap();
    let clock = Clock::Frozen(now());
    let error = match ZgwSource::connect(config, store, Arc::new(Norms::default()), clock).await {
        Ok(_) => panic!("a wrong secret must stop the start"),
        Err(error) => format!("{error:#}"),
    };
    assert!(
        error.contains("not_authenticated") && error.contains("geen geldige JWT"),
        "{error}"
    );
}
