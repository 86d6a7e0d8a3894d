//! What the reconciler concludes from the case system's flat lists, as
//! plain data: which case zaken to read again, page by page as the lists
//! come in, and which zaken the newest statussen and rollen point at. The
//! I/O (the lists, the re-reads) is `zgw::source`'s.
//!
//! A case zaak's *facts* are what the flat lists show of it, one line each:
//! its own summary (from the case zaken list), each current behandelaar
//! (the rollen list) and each open request deelzaak (the deelzaken lists).
//! The projection keeps the facts of the last re-read as the zaak's
//! fingerprint. During a walk a fact that a list shows and the fingerprint
//! lacks means the zaak changed: known from that page, so the zaak is read
//! again while the lists go on. A fact of the fingerprint that no list
//! showed means something went (a holder, a request decided, the zaak
//! closed or out of sight): known only when every list is in.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};

use super::mapping::{Rol, Status, Zaak};

const ZAAK: &str = "zaak ";
const HOLDER: &str = "behandelaar ";
const DEELZAAK: &str = "deelzaak ";

/// The facts of one case zaak.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts(BTreeSet<String>);

impl Facts {
    /// The facts a re-read gives: the zaak, its current behandelaars, its
    /// request deelzaken (the closed ones are left out, as the lists of
    /// open deelzaken leave them out).
    pub fn of_read(zaak: &Zaak, behandelaars: &[String], deelzaken: &[&Zaak]) -> Facts {
        let mut facts = BTreeSet::from([zaak_fact(zaak)]);
        facts.extend(behandelaars.iter().map(|login| holder_fact(login)));
        facts.extend(
            deelzaken
                .iter()
                .filter(|d| d.einddatum.is_none())
                .map(|d| deelzaak_fact(d)),
        );
        Facts(facts)
    }

    /// As stored: one fact a line. A fingerprint of another form (an older
    /// regiedesk's) gives facts that never match, so the zaak is read
    /// again once.
    pub fn parse(fingerprint: &str) -> Facts {
        Facts(
            fingerprint
                .lines()
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect(),
        )
    }

    pub fn fingerprint(&self) -> String {
        self.0.iter().cloned().collect::<Vec<_>>().join("\n")
    }

    /// When the zaak was closed, as its own fact says; `None` while open
    /// (or when the facts are of an unknown form).
    pub fn closed_on(&self) -> Option<NaiveDate> {
        let summary = self.0.iter().find_map(|f| f.strip_prefix(ZAAK))?;
        summary.split('|').nth(2)?.parse().ok()
    }

    /// Whether the walk follows the zaak: open, or closed after `since`.
    fn followed(&self, since: NaiveDate) -> bool {
        self.closed_on().is_none_or(|closed| closed > since)
    }

    fn contains(&self, fact: &str) -> bool {
        self.0.contains(fact)
    }
}

fn zaak_fact(zaak: &Zaak) -> String {
    format!(
        "{ZAAK}{}|{}|{}|{}",
        zaak.status.as_deref().unwrap_or(""),
        zaak.resultaat.as_deref().unwrap_or(""),
        zaak.einddatum.map(|d| d.to_string()).unwrap_or_default(),
        zaak.deelzaken.len(),
    )
}

fn holder_fact(login: &str) -> String {
    format!("{HOLDER}{login}")
}

fn deelzaak_fact(deelzaak: &Zaak) -> String {
    format!(
        "{DEELZAAK}{}|{}|{}|{}",
        deelzaak.url,
        deelzaak.status.as_deref().unwrap_or(""),
        deelzaak.resultaat.as_deref().unwrap_or(""),
        deelzaak
            .uiterlijke_einddatum_afdoening
            .map(|d| d.to_string())
            .unwrap_or_default(),
    )
}

/// One walk over the flat lists, against the projection's fingerprints.
/// Each page goes in as it arrives and gives the zaken to read again now;
/// [`Walk::finish`] gives the rest when every list is in. A zaak is given
/// once per walk.
#[derive(Debug)]
pub struct Walk {
    stored: HashMap<String, Facts>,
    seen: HashMap<String, BTreeSet<String>>,
    listed: Vec<String>,
    stale: HashSet<String>,
    since: NaiveDate,
    full: bool,
}

impl Walk {
    /// `stored`: each projected case zaak's facts. `since`: closed zaken
    /// are followed when closed after this day. `full`: every followed
    /// zaak is read again, changed or not.
    pub fn new(stored: HashMap<String, Facts>, since: NaiveDate, full: bool) -> Walk {
        Walk {
            stored,
            seen: HashMap::new(),
            listed: Vec::new(),
            stale: HashSet::new(),
            since,
            full,
        }
    }

    /// The case zaken listed so far, in list order.
    pub fn listed(&self) -> &[String] {
        &self.listed
    }

    /// A page of the case zaken lists (the open ones and those closed
    /// since the day the walk follows).
    pub fn cases(&mut self, page: &[Zaak]) -> Vec<String> {
        let mut stale = Vec::new();
        for zaak in page {
            self.listed.push(zaak.url.clone());
            let fact = zaak_fact(zaak);
            let known = self.stored.get(&zaak.url);
            let changed = self.full || !known.is_some_and(|k| k.contains(&fact));
            stale.extend(self.note(&zaak.url, fact, changed));
        }
        stale
    }

    /// A page of the behandelaar rollen; `roltype` is the casusregisseur's.
    /// Rollen of zaken the projection does not follow are passed over (a
    /// zaak not yet projected is read for its own list's sake).
    pub fn holders(&mut self, page: &[Rol], roltype: &str) -> Vec<String> {
        let mut stale = Vec::new();
        for rol in page
            .iter()
            .filter(|r| r.roltype == roltype && r.einde_geldigheid.is_none())
        {
            let (Some(zaak), Some(login)) = (&rol.zaak, rol.medewerker()) else {
                continue;
            };
            stale.extend(self.see(zaak, holder_fact(&login)));
        }
        stale
    }

    /// A page of the open request deelzaken.
    pub fn deelzaken(&mut self, page: &[Zaak]) -> Vec<String> {
        let mut stale = Vec::new();
        for deelzaak in page.iter().filter(|d| d.einddatum.is_none()) {
            if let Some(hoofdzaak) = &deelzaak.hoofdzaak {
                stale.extend(self.see(hoofdzaak, deelzaak_fact(deelzaak)));
            }
        }
        stale
    }

    /// A fact about a projected zaak the walk follows, from a list other
    /// than the case zaken's.
    fn see(&mut self, zaak: &str, fact: String) -> Option<String> {
        let known = self.stored.get(zaak).filter(|k| k.followed(self.since))?;
        let changed = !known.contains(&fact);
        self.note(zaak, fact, changed)
    }

    /// Takes note that a list showed `fact` of `zaak`; the zaak, when it
    /// `changed` and was not given yet this walk.
    fn note(&mut self, zaak: &str, fact: String, changed: bool) -> Option<String> {
        self.seen.entry(zaak.to_string()).or_default().insert(fact);
        (changed && self.stale.insert(zaak.to_string())).then(|| zaak.to_string())
    }

    /// When every list is in: each followed zaak a fact of which no list
    /// showed (every followed zaak, in a full walk), then those of
    /// `in_turn` (zaken read again whether changed or not) not given yet.
    pub fn finish(&mut self, in_turn: &HashSet<String>) -> Vec<String> {
        let mut stale: Vec<String> = self
            .stored
            .iter()
            .filter(|(url, facts)| facts.followed(self.since) && !self.stale.contains(*url))
            .filter(|(url, facts)| {
                self.full
                    || self
                        .seen
                        .get(*url)
                        .is_none_or(|seen| !facts.0.is_subset(seen))
            })
            .map(|(url, _)| url.clone())
            .collect();
        stale.sort();
        self.stale.extend(stale.iter().cloned());
        for url in &self.listed {
            if in_turn.contains(url) && self.stale.insert(url.clone()) {
                stale.push(url.clone());
            }
        }
        stale
    }
}

/// One item at the head of a list ordered newest first (the statussen by
/// `datumStatusGezet`, the rollen by creation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Newest {
    pub url: String,
    pub zaak: String,
    /// Its statustype or roltype: which zaaktype it belongs to.
    pub kind: String,
    pub at: DateTime<Utc>,
}

impl Newest {
    pub fn of_status(status: &Status) -> Option<Newest> {
        Some(Newest {
            url: status.url.clone(),
            zaak: status.zaak.clone()?,
            kind: status.statustype.clone(),
            at: status.datum_status_gezet,
        })
    }

    pub fn of_rol(rol: &Rol) -> Option<Newest> {
        Some(Newest {
            url: rol.url.clone(),
            zaak: rol.zaak.clone()?,
            kind: rol.roltype.clone(),
            at: rol.registratiedatum,
        })
    }
}

/// What the last look at the head of one list saw.
#[derive(Debug, Clone, Default)]
pub struct Head {
    /// `None` before the first look, which only takes note.
    seen: Option<HashSet<String>>,
    oldest: Option<DateTime<Utc>>,
}

impl Head {
    /// Takes in a look at the head (newest first) and gives what is new
    /// since the last one. An item that was there before, or that is
    /// older than anything the last look saw (moved up because a newer one
    /// was deleted), is not new.
    pub fn look(&mut self, items: Vec<Newest>) -> Vec<Newest> {
        let fresh = match (&self.seen, self.oldest) {
            (Some(seen), oldest) => items
                .iter()
                .filter(|i| !seen.contains(&i.url) && oldest.is_none_or(|o| i.at >= o))
                .cloned()
                .collect(),
            (None, _) => Vec::new(),
        };
        if !items.is_empty() || self.seen.is_none() {
            self.oldest = items.iter().map(|i| i.at).min();
            self.seen = Some(items.into_iter().map(|i| i.url).collect());
        }
        fresh
    }

    /// Whether a page of the head holds nothing the last look saw: then
    /// more may be new than one page shows, and the next page is asked.
    pub fn all_new(&self, page: &[Newest]) -> bool {
        match &self.seen {
            Some(seen) => !page.is_empty() && page.iter().all(|i| !seen.contains(&i.url)),
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ZAKEN: &str = "http://oz/zaken/api/v1/zaken/";

    fn zaak(n: u32, status: &str, einddatum: Option<&str>, deelzaken: usize) -> Zaak {
        serde_json::from_value(json!({
            "url": format!("{ZAKEN}{n}"),
            "identificatie": format!("Z-{n}"),
            "zaaktype": "http://oz/zt/casus",
            "startdatum": "2026-11-02",
            "einddatum": einddatum,
            "status": status,
            "deelzaken": (0..deelzaken).map(|d| format!("{ZAKEN}{n}0{d}")).collect::<Vec<_>>(),
        }))
        .unwrap()
    }

    fn deelzaak(n: u32, of: u32, status: &str, deadline: &str) -> Zaak {
        serde_json::from_value(json!({
            "url": format!("{ZAKEN}{n}"),
            "identificatie": format!("Z-{n}"),
            "zaaktype": "http://oz/zt/aanvraag",
            "startdatum": "2026-11-02",
            "hoofdzaak": format!("{ZAKEN}{of}"),
            "status": status,
            "uiterlijkeEinddatumAfdoening": deadline,
        }))
        .unwrap()
    }

    fn rol(n: u32, zaak: u32, login: &str, ended: bool) -> Rol {
        serde_json::from_value(json!({
            "url": format!("http://oz/zaken/api/v1/rollen/{n}"),
            "zaak": format!("{ZAKEN}{zaak}"),
            "roltype": "http://oz/rt/casusregisseur",
            "betrokkeneType": "medewerker",
            "registratiedatum": format!("2026-11-02T10:00:{:02}Z", n % 60),
            "betrokkeneIdentificatie": {"identificatie": login},
            "eindeGeldigheid": ended.then_some("2026-11-03T10:00:00Z"),
        }))
        .unwrap()
    }

    const ROLTYPE: &str = "http://oz/rt/casusregisseur";

    fn url(n: u32) -> String {
        format!("{ZAKEN}{n}")
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// The projection after a re-read of zaak 1 (held by cr-01, one open
    /// request) and zaak 2 (held by cr-02).
    fn stored() -> HashMap<String, Facts> {
        let one = zaak(1, "s1", None, 1);
        let two = zaak(2, "s2", None, 0);
        let request = deelzaak(10, 1, "r1", "2026-12-14");
        HashMap::from([
            (url(1), Facts::of_read(&one, &["cr-01".into()], &[&request])),
            (url(2), Facts::of_read(&two, &["cr-02".into()], &[])),
        ])
    }

    fn since() -> NaiveDate {
        day("2025-01-01")
    }

    /// The lists as the projection has them: nothing to read again.
    fn unchanged(walk: &mut Walk) -> Vec<String> {
        let mut stale = walk.cases(&[zaak(1, "s1", None, 1), zaak(2, "s2", None, 0)]);
        stale.extend(walk.holders(
            &[rol(1, 1, "cr-01", false), rol(2, 2, "cr-02", false)],
            ROLTYPE,
        ));
        stale.extend(walk.deelzaken(&[deelzaak(10, 1, "r1", "2026-12-14")]));
        stale
    }

    #[test]
    fn a_fingerprint_reads_back_as_the_same_facts() {
        let facts = &stored()[&url(1)];
        assert_eq!(&Facts::parse(&facts.fingerprint()), facts);
        assert_eq!(facts.fingerprint().lines().count(), 3);
        assert_eq!(facts.closed_on(), None);
        let closed = Facts::of_read(&zaak(3, "s6", Some("2026-10-01"), 0), &[], &[]);
        assert_eq!(closed.closed_on(), Some(day("2026-10-01")));
        // An older regiedesk's fingerprint matches nothing: read once more.
        assert_eq!(Facts::parse("s1##2026-10-01#0#cr-01").closed_on(), None);
    }

    #[test]
    fn lists_as_projected_read_nothing_again() {
        let mut walk = Walk::new(stored(), since(), false);
        assert!(unchanged(&mut walk).is_empty());
        assert!(walk.finish(&HashSet::new()).is_empty());
    }

    #[test]
    fn a_changed_summary_is_stale_on_its_own_page() {
        let mut walk = Walk::new(stored(), since(), false);
        assert_eq!(walk.cases(&[zaak(1, "s1", None, 1)]), Vec::<String>::new());
        assert_eq!(walk.cases(&[zaak(2, "s3", None, 0)]), vec![url(2)]);
        // Once per walk, whatever else shows.
        assert!(
            walk.holders(&[rol(9, 2, "cr-07", false)], ROLTYPE)
                .is_empty()
        );
        walk.holders(&[rol(1, 1, "cr-01", false)], ROLTYPE);
        walk.deelzaken(&[deelzaak(10, 1, "r1", "2026-12-14")]);
        assert!(walk.finish(&HashSet::new()).is_empty());
    }

    #[test]
    fn a_new_holder_is_stale_on_the_rollen_page_before_the_zaken_are_in() {
        let mut walk = Walk::new(stored(), since(), false);
        assert_eq!(
            walk.holders(&[rol(3, 1, "cr-05", false)], ROLTYPE),
            vec![url(1)]
        );
        // An ended rol, another roltype, an unknown zaak: no holder.
        let mut other = rol(4, 2, "cr-09", false);
        other.roltype = "http://oz/rt/initiator".into();
        assert!(
            walk.holders(
                &[rol(5, 2, "cr-09", true), other, rol(6, 77, "cr-01", false)],
                ROLTYPE
            )
            .is_empty()
        );
    }

    #[test]
    fn a_holder_gone_is_stale_when_every_list_is_in() {
        let mut walk = Walk::new(stored(), since(), false);
        walk.cases(&[zaak(1, "s1", None, 1), zaak(2, "s2", None, 0)]);
        walk.holders(
            &[rol(1, 1, "cr-01", false), rol(2, 2, "cr-02", true)],
            ROLTYPE,
        );
        walk.deelzaken(&[deelzaak(10, 1, "r1", "2026-12-14")]);
        assert_eq!(walk.finish(&HashSet::new()), vec![url(2)]);
    }

    #[test]
    fn a_request_changed_or_decided_is_stale() {
        let mut walk = Walk::new(stored(), since(), false);
        assert_eq!(
            walk.deelzaken(&[deelzaak(10, 1, "r1", "2026-12-28")]),
            vec![url(1)],
            "a moved term"
        );
        let mut walk = Walk::new(stored(), since(), false);
        walk.cases(&[zaak(1, "s1", None, 1), zaak(2, "s2", None, 0)]);
        walk.holders(
            &[rol(1, 1, "cr-01", false), rol(2, 2, "cr-02", false)],
            ROLTYPE,
        );
        // The decided deelzaak is no longer among the open ones.
        walk.deelzaken(&[]);
        assert_eq!(walk.finish(&HashSet::new()), vec![url(1)]);
    }

    #[test]
    fn a_zaak_closed_or_out_of_sight_is_read_again_once_and_then_followed_as_closed() {
        let mut walk = Walk::new(stored(), since(), false);
        walk.cases(&[zaak(1, "s1", None, 1)]);
        walk.holders(&[rol(1, 1, "cr-01", false)], ROLTYPE);
        walk.deelzaken(&[deelzaak(10, 1, "r1", "2026-12-14")]);
        assert_eq!(
            walk.finish(&HashSet::new()),
            vec![url(2)],
            "2 is in no list"
        );

        // Read again, 2 is closed: listed among the recently closed, its
        // holder still there; nothing more.
        let mut projection = stored();
        let closed = zaak(2, "s6", Some("2026-11-20"), 0);
        projection.insert(url(2), Facts::of_read(&closed, &["cr-02".into()], &[]));
        let mut walk = Walk::new(projection.clone(), since(), false);
        assert!(walk.cases(&[zaak(1, "s1", None, 1), closed]).is_empty());
        walk.holders(
            &[rol(1, 1, "cr-01", false), rol(2, 2, "cr-02", false)],
            ROLTYPE,
        );
        walk.deelzaken(&[deelzaak(10, 1, "r1", "2026-12-14")]);
        assert!(walk.finish(&HashSet::new()).is_empty());

        // Closed before the followed window: not expected in any list, and
        // its rollen are passed over.
        let mut walk = Walk::new(projection, day("2026-11-20"), false);
        walk.cases(&[zaak(1, "s1", None, 1)]);
        assert!(
            walk.holders(&[rol(2, 2, "cr-08", false)], ROLTYPE)
                .is_empty()
        );
        walk.holders(&[rol(1, 1, "cr-01", false)], ROLTYPE);
        walk.deelzaken(&[deelzaak(10, 1, "r1", "2026-12-14")]);
        assert!(walk.finish(&HashSet::new()).is_empty());
    }

    #[test]
    fn a_new_zaak_is_stale_and_its_rollen_wait_for_it() {
        let mut walk = Walk::new(stored(), since(), false);
        assert!(
            walk.holders(&[rol(7, 3, "cr-03", false)], ROLTYPE)
                .is_empty()
        );
        assert_eq!(walk.cases(&[zaak(3, "s1", None, 0)]), vec![url(3)]);
    }

    #[test]
    fn a_full_walk_reads_every_followed_zaak_once() {
        let mut walk = Walk::new(stored(), since(), true);
        assert_eq!(walk.cases(&[zaak(1, "s1", None, 1)]), vec![url(1)]);
        assert!(
            walk.holders(&[rol(1, 1, "cr-05", false)], ROLTYPE)
                .is_empty()
        );
        // 2 is not listed (closed, out of sight): read again all the same.
        assert_eq!(walk.finish(&HashSet::new()), vec![url(2)]);
    }

    #[test]
    fn zaken_in_turn_follow_the_changed_ones_in_list_order() {
        let mut walk = Walk::new(stored(), since(), false);
        walk.cases(&[zaak(2, "s2", None, 0), zaak(1, "s9", None, 1)]);
        walk.holders(
            &[rol(1, 1, "cr-01", false), rol(2, 2, "cr-02", false)],
            ROLTYPE,
        );
        walk.deelzaken(&[deelzaak(10, 1, "r1", "2026-12-14")]);
        assert_eq!(walk.listed(), &[url(2), url(1)]);
        let in_turn = HashSet::from([url(1), url(2), url(55)]);
        assert_eq!(
            walk.finish(&in_turn),
            vec![url(2)],
            "1 was read already; 55 is not listed"
        );
    }

    fn newest(n: u32, at: &str) -> Newest {
        Newest {
            url: format!("http://oz/zaken/api/v1/statussen/{n}"),
            zaak: url(n),
            kind: "http://oz/st/toegewezen".into(),
            at: at.parse().unwrap(),
        }
    }

    #[test]
    fn the_first_look_at_a_head_takes_note_and_later_ones_give_what_is_new() {
        let mut head = Head::default();
        let first = vec![
            newest(3, "2026-12-01T10:03:00Z"),
            newest(2, "2026-12-01T10:02:00Z"),
        ];
        assert!(!head.all_new(&first));
        assert!(head.look(first).is_empty());
        let second = vec![
            newest(5, "2026-12-01T10:05:00Z"),
            newest(4, "2026-12-01T10:04:00Z"),
            newest(3, "2026-12-01T10:03:00Z"),
        ];
        assert!(!head.all_new(&second));
        let fresh: Vec<String> = head.look(second).into_iter().map(|n| n.zaak).collect();
        assert_eq!(fresh, vec![url(5), url(4)]);
        // Nothing happened; an older one moved up after a deletion.
        let third = vec![
            newest(5, "2026-12-01T10:05:00Z"),
            newest(4, "2026-12-01T10:04:00Z"),
            newest(1, "2026-12-01T10:01:00Z"),
        ];
        assert!(head.look(third).is_empty());
    }

    #[test]
    fn a_head_wholly_new_asks_for_the_next_page() {
        let mut head = Head::default();
        head.look(vec![newest(1, "2026-12-01T10:01:00Z")]);
        assert!(head.all_new(&[
            newest(3, "2026-12-01T10:03:00Z"),
            newest(2, "2026-12-01T10:02:00Z")
        ]));
        assert!(!head.all_new(&[
            newest(2, "2026-12-01T10:02:00Z"),
            newest(1, "2026-12-01T10:01:00Z")
        ]));
        assert!(!head.all_new(&[]));
        // An empty look keeps what the last one saw.
        assert!(head.look(Vec::new()).is_empty());
        assert_eq!(head.look(vec![newest(2, "2026-12-01T10:02:00Z")]).len(), 1);
    }
}
