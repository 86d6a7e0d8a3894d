//! Refused access attempts go into the audit log (NEN 7513 asks for failed
//! attempts too), but a flood of them must not grow the log without bound.
//!
//! The choice: per caller (a login, including the former holder of a
//! revoked token, or for a caller without a valid token its source
//! address) and per minute, the first [`PER_MINUTE`] refusals are recorded
//! one by one; the last of those says that further ones are counted; the
//! next recorded refusal of that caller carries the count of those not
//! recorded singly. The log thus grows by at most `PER_MINUTE` entries per
//! caller per minute and server process. A count that no later refusal
//! carries is written by itself once its minute is over
//! (`AppState::report_counted_refusals`, every minute), so no attempt goes
//! uncounted. The gate lives in memory: several processes each apply it,
//! and a kill forgets counts not yet written (at most a minute's).

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

/// Refusals of one caller recorded singly per minute.
pub const PER_MINUTE: u32 = 20;

/// Callers tracked at most; beyond that the windows of earlier minutes are
/// forgotten, and if all are of this minute, further callers share one
/// window. A login is a member of staff, so only anonymous sources (one
/// per IPv4 address or IPv6 /64) come near it.
const MAX_CALLERS: usize = 10_000;

/// The window shared beyond [`MAX_CALLERS`].
const OVERFLOW: &str = "anoniem@elders";

/// The gate's key of a caller without a valid token: their source, so that
/// one source's flood hides no other's attempts. An IPv6 source counts by
/// its /64, which one host can fill with addresses.
pub fn anonymous_source(peer: std::net::IpAddr) -> String {
    match peer {
        std::net::IpAddr::V4(ip) => format!("anoniem@{ip}"),
        std::net::IpAddr::V6(ip) => match ip.to_ipv4_mapped() {
            Some(ip) => format!("anoniem@{ip}"),
            None => {
                let s = ip.segments();
                format!("anoniem@{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[derive(Debug, Default)]
pub struct RefusalGate {
    windows: Mutex<HashMap<String, Window>>,
}

#[derive(Debug, Clone)]
struct Window {
    minute: i64,
    recorded: u32,
    /// Refused but not recorded singly, not yet reported.
    unreported: u64,
    /// What those aimed at (`zaak 1235`), the first [`TARGETS_NAMED`],
    /// so that the report names what was probed.
    targets: Vec<String>,
}

/// Targets of counted refusals named in the report at most.
const TARGETS_NAMED: usize = 20;

/// Whether and how to record one refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    /// Record it; the text (if any) is appended to the entry's reason.
    Record(Option<String>),
    /// Count it, do not record it singly.
    Count,
}

impl RefusalGate {
    /// Whether to record a refusal of `caller` at `at`, aimed at `target`
    /// (`zaak 1235`, `aanvraag 100`) if at a case or request.
    pub fn admit(&self, caller: &str, at: DateTime<Utc>, target: Option<&str>) -> Admission {
        let minute = at.timestamp().div_euclid(60);
        let mut windows = self.windows.lock().expect("refusal gate lock");
        let mut caller = caller;
        if windows.len() >= MAX_CALLERS && !windows.contains_key(caller) {
            windows.retain(|_, w| w.minute == minute);
            if windows.len() >= MAX_CALLERS {
                // This many sources in one minute: the rest share a window.
                caller = OVERFLOW;
            }
        }
        let window = windows.entry(caller.to_string()).or_insert(Window {
            minute,
            recorded: 0,
            unreported: 0,
            targets: Vec::new(),
        });
        if window.minute != minute {
            window.minute = minute;
            window.recorded = 0;
        }
        if window.recorded >= PER_MINUTE {
            window.unreported += 1;
            if let Some(target) = target
                && window.targets.len() < TARGETS_NAMED
                && !window.targets.iter().any(|t| t == target)
            {
                window.targets.push(target.to_string());
            }
            return Admission::Count;
        }
        window.recorded += 1;
        let mut notes = Vec::new();
        if window.unreported > 0 {
            notes.push(format!("daarvoor {}", counted_text(window)));
            window.unreported = 0;
            window.targets.clear();
        }
        if window.recorded == PER_MINUTE {
            notes.push(format!(
                "grens van {PER_MINUTE} per minuut bereikt: verdere weigeringen deze minuut worden geteld"
            ));
        }
        Admission::Record((!notes.is_empty()).then(|| notes.join("; ")))
    }

    /// The counts of minutes that are over and that no later refusal of
    /// their caller reported: each caller's once, then forgotten.
    pub fn take_counted(&self, at: DateTime<Utc>) -> Vec<Counted> {
        let minute = at.timestamp().div_euclid(60);
        let mut windows = self.windows.lock().expect("refusal gate lock");
        let mut counted: Vec<Counted> = windows
            .iter_mut()
            .filter(|(_, w)| w.minute < minute && w.unreported > 0)
            .map(|(caller, w)| {
                let text = counted_text(w);
                w.unreported = 0;
                w.targets.clear();
                Counted {
                    caller: caller.clone(),
                    text,
                }
            })
            .collect();
        counted.sort_by(|a, b| a.caller.cmp(&b.caller));
        counted
    }
}

/// One caller's refusals counted and not yet written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    /// A login, or `anoniem@<source>`.
    pub caller: String,
    /// `35 weigering(en) geteld, …, gericht op o.a. zaak 1200`.
    pub text: String,
}

fn counted_text(window: &Window) -> String {
    let aimed = if window.targets.is_empty() {
        String::new()
    } else {
        format!(", gericht op o.a. {}", window.targets.join(", "))
    };
    format!(
        "{} weigering(en) geteld, niet afzonderlijk vastgelegd{aimed}",
        window.unreported
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    #[test]
    fn a_flood_is_recorded_up_to_the_limit_then_counted_and_reported() {
        let gate = RefusalGate::default();
        // 1_800_000_000 is a whole minute (30,000,000 × 60).
        for n in 1..PER_MINUTE {
            assert_eq!(
                gate.admit("cr-02", at(0), None),
                Admission::Record(None),
                "{n}"
            );
        }
        let Admission::Record(Some(last)) = gate.admit("cr-02", at(1), None) else {
            panic!("the last recorded refusal says the limit is reached");
        };
        assert!(last.contains("grens van 20"), "{last}");
        // Probes of other cases, hidden in the count but named in it.
        for n in 0..35 {
            let target = format!("zaak {}", 1200 + n % 3);
            assert_eq!(gate.admit("cr-02", at(59), Some(&target)), Admission::Count);
        }
        // Another caller has a window of its own.
        assert_eq!(gate.admit("anoniem", at(59), None), Admission::Record(None));
        // The next minute records again and reports what was counted.
        let Admission::Record(Some(report)) = gate.admit("cr-02", at(60), None) else {
            panic!("the count is reported");
        };
        assert!(report.contains("daarvoor 35 weigering(en)"), "{report}");
        assert!(
            report.contains("gericht op o.a. zaak 1200, zaak 1201, zaak 1202"),
            "{report}"
        );
        assert_eq!(gate.admit("cr-02", at(61), None), Admission::Record(None));
    }

    #[test]
    fn a_count_no_later_refusal_carries_is_taken_once_its_minute_is_over() {
        let gate = RefusalGate::default();
        for _ in 0..PER_MINUTE {
            gate.admit("anoniem@10.0.0.9", at(0), None);
        }
        for _ in 0..7 {
            gate.admit("anoniem@10.0.0.9", at(30), Some("zaak 12"));
        }
        assert!(
            gate.take_counted(at(59)).is_empty(),
            "the minute is not over"
        );
        let counted = gate.take_counted(at(60));
        assert_eq!(
            counted,
            [Counted {
                caller: "anoniem@10.0.0.9".into(),
                text:
                    "7 weigering(en) geteld, niet afzonderlijk vastgelegd, gericht op o.a. zaak 12"
                        .into(),
            }]
        );
        assert!(gate.take_counted(at(120)).is_empty(), "taken once");
    }
}
