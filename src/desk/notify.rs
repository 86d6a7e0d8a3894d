//! Desktop notifications for work that newly needs the user. What is new
//! is worked out here as plain data; sending goes through notify-rust.
//! A notification carries case and request numbers and counts only: never
//! a household pseudonym, never note text.

use std::collections::BTreeSet;

use super::columns::{RowKey, TableRow};
use crate::config::Language;
use crate::domain::boards::Snapshot;

/// The items on the user's boards that a notification is about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signals {
    /// Stagnant cases.
    stagnation: BTreeSet<i64>,
    /// Requests awaiting the user's mandate.
    mandate: BTreeSet<i64>,
    /// Escalated or high-risk cases on the doorzettingsmacht board.
    urgent: BTreeSet<i64>,
}

/// The boards a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Watched {
    Stagnation,
    Mandate,
    Urgent,
}

impl Watched {
    /// What identifies a row of this board: a case, or on Mandaat a request.
    pub fn id(self, key: &RowKey) -> Option<i64> {
        match (self, key) {
            (Watched::Mandate, RowKey::Request { request_id, .. }) => Some(*request_id),
            (Watched::Mandate, _) => None,
            (_, key) => key.case_id(),
        }
    }
}

impl Signals {
    pub fn of<'a>(
        stagnation: impl IntoIterator<Item = &'a TableRow>,
        mandate: impl IntoIterator<Item = &'a TableRow>,
        urgent: impl IntoIterator<Item = &'a TableRow>,
    ) -> Self {
        Signals {
            stagnation: ids(stagnation, Watched::Stagnation),
            mandate: ids(mandate, Watched::Mandate),
            urgent: ids(urgent, Watched::Urgent),
        }
    }

    fn set(&mut self, watched: Watched) -> &mut BTreeSet<i64> {
        match watched {
            Watched::Stagnation => &mut self.stagnation,
            Watched::Mandate => &mut self.mandate,
            Watched::Urgent => &mut self.urgent,
        }
    }

    fn contains(&self, watched: Watched, id: i64) -> bool {
        match watched {
            Watched::Stagnation => self.stagnation.contains(&id),
            Watched::Mandate => self.mandate.contains(&id),
            Watched::Urgent => self.urgent.contains(&id),
        }
    }

    fn put(&mut self, watched: Watched, id: i64, present: bool) {
        if present {
            self.set(watched).insert(id);
        } else {
            self.set(watched).remove(&id);
        }
    }
}

/// The ids of a board's rows.
fn ids<'a>(rows: impl IntoIterator<Item = &'a TableRow>, watched: Watched) -> BTreeSet<i64> {
    rows.into_iter()
        .filter_map(|r| watched.id(&r.key))
        .collect()
}

/// The items on the user's boards now and as of the last sync, kept up to
/// date row by row, so that telling what is new after a sync costs what
/// changed, not what the boards hold.
#[derive(Debug, Clone, Default)]
pub struct Watch {
    now: Signals,
    /// As of the last sync; `None` before the first.
    synced: Option<Signals>,
    /// What entered or left a board since the last sync.
    moved: Vec<(Watched, i64)>,
    /// The boards were rebuilt whole since the last sync.
    whole: bool,
}

impl Watch {
    /// The boards were derived anew: these are their items now.
    pub fn reset(&mut self, now: Signals) {
        self.now = now;
        self.moved.clear();
        self.whole = true;
    }

    /// A row left (`present` false) or entered a board.
    pub fn moved(&mut self, watched: Watched, key: &RowKey, present: bool) {
        if let Some(id) = watched.id(key) {
            self.now.put(watched, id, present);
            if !self.whole {
                self.moved.push((watched, id));
            }
        }
    }

    /// After a sync: what newly entered the boards since the last one
    /// (nothing on the first).
    pub fn settle(&mut self, snapshot: &Snapshot) -> News {
        let moved = std::mem::take(&mut self.moved);
        let whole = std::mem::take(&mut self.whole);
        let Some(synced) = &mut self.synced else {
            self.synced = Some(self.now.clone());
            return News::default();
        };
        if whole {
            let news = news(synced, &self.now, snapshot);
            *synced = self.now.clone();
            return news;
        }
        let mut entered = Signals::default();
        for (watched, id) in moved {
            let present = self.now.contains(watched, id);
            if present && !synced.contains(watched, id) {
                entered.set(watched).insert(id);
            }
            synced.put(watched, id, present);
        }
        news(&Signals::default(), &entered, snapshot)
    }
}

/// Numbers of what newly arrived, waiting to be announced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct News {
    pub stagnation: BTreeSet<String>,
    pub mandate: BTreeSet<String>,
    pub urgent: BTreeSet<String>,
}

impl News {
    pub fn is_empty(&self) -> bool {
        self.stagnation.is_empty() && self.mandate.is_empty() && self.urgent.is_empty()
    }

    pub fn merge(&mut self, other: News) {
        self.stagnation.extend(other.stagnation);
        self.mandate.extend(other.mandate);
        self.urgent.extend(other.urgent);
    }
}

/// What is in `after` and was not in `before`, as case and request numbers.
pub fn news(before: &Signals, after: &Signals, snapshot: &Snapshot) -> News {
    let case_number = |id: &i64| snapshot.cases.get(id).map(|c| c.number.clone());
    News {
        // A case counts once, whichever new way it stagnates.
        stagnation: after
            .stagnation
            .difference(&before.stagnation)
            .filter_map(case_number)
            .collect(),
        mandate: after
            .mandate
            .difference(&before.mandate)
            .filter_map(|id| snapshot.requests.get(id).map(|r| r.number.clone()))
            .collect(),
        urgent: after
            .urgent
            .difference(&before.urgent)
            .filter_map(case_number)
            .collect(),
    }
}

/// One notification for everything in `news`: a summary and a body.
pub fn message(lang: Language, news: &News) -> Option<(String, String)> {
    if news.is_empty() {
        return None;
    }
    let list = |numbers: &BTreeSet<String>| {
        let shown: Vec<&str> = numbers.iter().take(4).map(String::as_str).collect();
        let more = numbers.len().saturating_sub(shown.len());
        if more > 0 {
            format!("{} +{more}", shown.join(", "))
        } else {
            shown.join(", ")
        }
    };
    let mut lines = Vec::new();
    if !news.urgent.is_empty() {
        lines.push(format!(
            "{} {}: {}",
            news.urgent.len(),
            lang.pick("opgeschaald of hoog risico", "escalated or high risk"),
            list(&news.urgent)
        ));
    }
    if !news.mandate.is_empty() {
        lines.push(format!(
            "{} {}: {}",
            news.mandate.len(),
            lang.pick(
                "aanvraag wacht op uw besluit",
                "request awaits your decision"
            ),
            list(&news.mandate)
        ));
    }
    if !news.stagnation.is_empty() {
        lines.push(format!(
            "{} {}: {}",
            news.stagnation.len(),
            lang.pick("nieuw stagnerend", "newly stagnant"),
            list(&news.stagnation)
        ));
    }
    let total = news.urgent.len() + news.mandate.len() + news.stagnation.len();
    let summary = format!(
        "regiedesk: {total} {}",
        if total == 1 {
            lang.pick("nieuw signaal", "new signal")
        } else {
            lang.pick("nieuwe signalen", "new signals")
        }
    );
    Some((summary, lines.join("\n")))
}

/// Shows a notification on the desktop (blocking: it talks D-Bus).
pub fn show(summary: &str, body: &str) -> Result<(), notify_rust::error::Error> {
    notify_rust::Notification::new()
        .appname("regiedesk")
        .summary(summary)
        .body(body)
        .timeout(notify_rust::Timeout::Milliseconds(10_000))
        .show()
        .map(|_| ())
}

/// Sends a notification to the desktop. Errors (no notification daemon,
/// no session bus) are logged and otherwise ignored: a desk without
/// notifications is still a desk.
pub async fn send_desktop(summary: String, body: String) {
    let shown = tokio::task::spawn_blocking(move || show(&summary, &body)).await;
    match shown {
        Ok(Ok(())) => tracing::debug!("notification shown"),
        Ok(Err(error)) => tracing::debug!(%error, "no notification daemon; notification dropped"),
        Err(error) => tracing::debug!(%error, "notification task failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::Case;

    fn row(key: RowKey) -> TableRow {
        TableRow {
            key,
            weight: 0,
            cells: Vec::new(),
        }
    }

    fn snapshot(ids: &[i64]) -> Snapshot {
        let mut snapshot = Snapshot::default();
        for &id in ids {
            let household = crate::domain::model::Household {
                id,
                pseudonym: format!("H-{id}"),
                members: 2,
            };
            let mut case = Case::referral(
                id,
                format!("KST-2026-{id:04}"),
                &household,
                crate::domain::model::CaseDomain::Jeugd,
                crate::domain::model::Source::Huisarts,
                vec![],
                "2026-11-20T09:00:00Z".parse().unwrap(),
            );
            case.version = 1;
            snapshot.cases.insert(id, case);
        }
        snapshot
    }

    #[test]
    fn only_what_newly_enters_a_board_is_news() {
        let snap = snapshot(&[1, 2, 3]);
        let before = Signals::of(&[row(RowKey::Case(1))], &[], &[]);
        let after = Signals::of(
            // Case 1 may stagnate in another way now: it is not news.
            &[row(RowKey::Case(1)), row(RowKey::Case(2))],
            &[],
            &[row(RowKey::Case(3))],
        );
        let news = news(&before, &after, &snap);
        assert_eq!(
            news.stagnation.into_iter().collect::<Vec<_>>(),
            vec!["KST-2026-0002"]
        );
        assert_eq!(
            news.urgent.into_iter().collect::<Vec<_>>(),
            vec!["KST-2026-0003"]
        );
        assert!(news.mandate.is_empty());
    }

    #[test]
    fn a_burst_is_one_message_with_numbers_and_counts_only() {
        let mut news = News::default();
        for i in 1..=6 {
            news.stagnation.insert(format!("KST-2026-000{i}"));
        }
        news.mandate.insert("AV-2026-0091".into());
        let (summary, body) = message(Language::Nl, &news).unwrap();
        assert_eq!(summary, "regiedesk: 7 nieuwe signalen");
        assert_eq!(
            body,
            "1 aanvraag wacht op uw besluit: AV-2026-0091\n\
             6 nieuw stagnerend: KST-2026-0001, KST-2026-0002, KST-2026-0003, KST-2026-0004 +2"
        );
        assert!(!body.contains("H-"), "no household pseudonym");
        assert_eq!(message(Language::Nl, &News::default()), None);
    }
}
