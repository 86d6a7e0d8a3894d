//! A case: the pane beside a table and the full detail with its history.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::{Theme, block, centered};
use crate::api::wire::CaseDetailResponse;
use crate::desk::app::{App, DetailState, Overlay};
use crate::desk::columns::Tone;
use crate::desk::labels;
use crate::domain::boards::{self, Board, Signal};
use crate::domain::calendar::DayCounting;
use crate::domain::model::{
    Case, CaseEvent, CloseResult, Decision, EventKind, Request, RequestStatus, Source,
};
use crate::domain::norms::StagnationKind;

/// The detail pane beside a table: what the sync already brought about the
/// selected case (no audited read; `Enter` loads the history).
pub(super) fn draw_pane(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let lang = app.lang();
    let Some(case) = app.selected_case() else {
        frame.render_widget(block(String::new(), theme), area);
        return;
    };
    let mut lines = case_facts(app, case, theme);
    let requests: Vec<&Request> = app.snapshot.requests_of(case.id).collect();
    lines.extend(request_lines(
        app,
        &requests,
        theme,
        app.board == Board::Mandaat,
    ));
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        lang.pick(
            "⏎ volledige geschiedenis (wordt gelogd)",
            "⏎ full history (logged)",
        ),
        theme.tone(Tone::Dim),
    ));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(
                format!("{} · {}", case.number, case.pseudonym),
                theme,
            )),
        area,
    );
}

fn bold(text: &str) -> Line<'static> {
    Line::styled(
        text.to_string(),
        Style::default().add_modifier(Modifier::BOLD),
    )
}

/// What a case is, who holds it, why it stagnates and its path so far:
/// what the sync brought, no audited read.
/// A case's number when the desk holds it, else its id (a case outside
/// the user's sight, or not synced yet).
fn case_number(app: &App, id: i64) -> String {
    app.snapshot
        .cases
        .get(&id)
        .map_or_else(|| format!("#{id}"), |c| c.number.clone())
}

fn case_facts(app: &App, case: &Case, theme: Theme) -> Vec<Line<'static>> {
    let lang = app.lang();
    let day = |at: DateTime<Utc>| labels::day(lang, at, app.now);
    let mut lines = vec![Line::raw(format!(
        "{} · {}: {} · {}",
        labels::domain(lang, case.domain),
        lang.pick("bron", "source"),
        labels::source(lang, case.source),
        crate::desk::columns::status(lang, case.status)
    ))];
    for flag in &case.risk_flags {
        lines.push(Line::from(vec![
            Span::styled(format!("⚑ {}", flag.badge()), theme.tone(Tone::Risk)),
            Span::raw(format!(" {}", labels::risk_flag(lang, *flag))),
        ]));
    }
    let holder = case
        .casusregisseur
        .as_deref()
        .map(|l| {
            let organisation = app
                .snapshot
                .people
                .get(l)
                .map(|p| format!(" ({})", p.organisation))
                .unwrap_or_default();
            format!("{}{organisation}", app.snapshot.name_of(l))
        })
        .unwrap_or_else(|| lang.pick("niemand", "nobody").into());
    lines.push(Line::raw(format!("Casusregisseur: {holder}")));
    // A waakvlam follow-up's concern links two cases of one household:
    // each names the other.
    if let Some(old) = case.follows_case_id {
        lines.push(Line::styled(
            format!(
                "{} {} ({})",
                lang.pick("volgt op", "follows"),
                case_number(app, old),
                lang.pick(
                    "zorg bij het waakvlam-nacontact",
                    "concern at the waakvlam follow-up"
                )
            ),
            theme.tone(Tone::Soon),
        ));
    }
    if let Some(new) = case.follow_up_case_id {
        lines.push(Line::raw(format!(
            "{} {}",
            lang.pick(
                "nacontact: zorg → nieuwe zaak",
                "follow-up: concern → new case"
            ),
            case_number(app, new)
        )));
    }
    if case.taken_over {
        lines.push(Line::styled(
            lang.pick(
                "overgenomen door de doorzettingsmacht",
                "taken over by the doorzettingsmacht",
            ),
            theme.tone(Tone::Soon),
        ));
    }
    let signals = boards::signals(app.stagnation_of(case.id), case.is_high_risk());
    if !signals.is_empty() {
        lines.push(Line::raw(""));
        lines.push(bold(lang.pick("Signalen", "Signals")));
        for signal in &signals {
            lines.push(Line::styled(
                signal_line(app, case, signal),
                theme.tone(if signal.days_late > 0 {
                    Tone::Late
                } else {
                    Tone::Soon
                }),
            ));
        }
    }
    lines.push(Line::raw(""));
    let fact = |label: &str, value: String| Line::raw(format!("{label:<20}{value}"));
    lines.push(fact(
        lang.pick("aangemeld", "referred"),
        day(case.referred_at),
    ));
    // `assigned_at` moves with every hand-over: it says since when the
    // current casusregisseur holds the case.
    if let Some(at) = case.assigned_at {
        lines.push(fact(lang.pick("in handen sinds", "held since"), day(at)));
    }
    match (case.first_contact_at, case.first_contact_due_at) {
        (Some(at), _) => lines.push(fact(lang.pick("eerste contact", "first contact"), day(at))),
        (None, Some(due)) => lines.push(Line::styled(
            format!(
                "{:<20}{}",
                lang.pick("contact vóór", "contact by"),
                day(due)
            ),
            theme.tone(if due < app.now {
                Tone::Late
            } else {
                Tone::Soon
            }),
        )),
        _ => {}
    }
    if let Some(at) = case.plan_at {
        lines.push(fact(lang.pick("plan", "plan"), day(at)));
    }
    if let Some(melding) = case.melding_on {
        lines.push(fact(
            lang.pick("Wmo-melding", "Wmo report"),
            labels::date(lang, melding),
        ));
        let research = match case.onderzoek_done_on {
            Some(done) => format!(
                "{} {}",
                lang.pick("afgerond", "done"),
                labels::date(lang, done)
            ),
            None => format!(
                "{} {}",
                lang.pick("uiterlijk", "due by"),
                day(app.settings.norms.onderzoek_due(melding))
            ),
        };
        lines.push(fact(lang.pick("onderzoek", "research"), research));
    }
    lines.push(fact(
        lang.pick("laatste activiteit", "last activity"),
        day(case.last_activity_at),
    ));
    lines.extend(super::goals::goal_lines(app, case, theme));
    if case.escalated {
        lines.push(Line::styled(
            format!(
                "{:<20}{} {}",
                lang.pick("opgeschaald", "escalated"),
                case.escalated_at.map(day).unwrap_or_default(),
                case.escalated_by
                    .as_deref()
                    .map(|l| format!("{} {}", lang.pick("door", "by"), app.snapshot.name_of(l)))
                    .unwrap_or_default()
            ),
            theme.tone(Tone::Soon),
        ));
        if let Some(reason) = &case.escalation_reason {
            lines.push(Line::styled(format!("  “{reason}”"), theme.tone(Tone::Dim)));
        }
    }
    lines
}

/// One signal with its norm and since when: `geen plan · norm 10 wd na
/// eerste contact · sinds 12 aug · +72 wd`.
fn signal_line(app: &App, case: &Case, signal: &Signal) -> String {
    let lang = app.lang();
    let norms = &app.settings.norms;
    let working_days = norms.counting == DayCounting::WorkingDays;
    let unit = if working_days {
        "wd"
    } else {
        lang.pick("d", "d")
    };
    let t = &norms.stagnation;
    let norm = |days: u32, after: &str| Some(format!("norm {days} {unit} {after}"));
    let norm = match signal.kind {
        StagnationKind::Unassigned => norm(
            t.unassigned_days,
            lang.pick("na aanmelding", "after referral"),
        ),
        StagnationKind::FirstContactOverdue => norm(
            norms.first_contact_days,
            lang.pick("na toewijzing", "after assignment"),
        ),
        StagnationKind::NoActivity => norm(
            t.no_activity_days,
            lang.pick("zonder activiteit", "without activity"),
        ),
        StagnationKind::NoPlan => norm(
            t.no_plan_days,
            lang.pick("na eerste contact", "after first contact"),
        ),
        StagnationKind::Stuck => None,
        StagnationKind::EvaluationLate => Some(format!(
            "{} {} {}",
            lang.pick("evaluatie elke", "evaluation every"),
            norms.evaluation_months(case.domain),
            lang.pick("maanden", "months")
        )),
        StagnationKind::GoalOffTrack => {
            let today = crate::domain::calendar::local_date(app.now);
            let off: Vec<String> = case
                .goals
                .iter()
                .filter(|g| g.off_track(today).is_some())
                .map(|g| g.life_domain.clone())
                .collect();
            Some(off.join(", "))
        }
        // What it says is read in the history (m, or Enter: logged).
        StagnationKind::Reminder => Some(
            lang.pick(
                "uw notitie: ⏎ toont hem (gelogd)",
                "your note: ⏎ shows it (logged)",
            )
            .to_string(),
        ),
        StagnationKind::OnderzoekOverdue => case.melding_on.map(|melding| {
            format!(
                "{} {} · {}",
                lang.pick("melding", "reported"),
                melding.format("%d-%m-%Y"),
                lang.pick("onderzoek binnen 6 weken", "research within 6 weeks")
            )
        }),
        StagnationKind::WaakvlamOverdue => case.waakvlam_until.map(|until| {
            format!(
                "{} {}",
                lang.pick("nacontact op", "follow-up on"),
                until.format("%d-%m-%Y")
            )
        }),
        StagnationKind::RequestDeadline => signal
            .request_id
            .and_then(|id| app.snapshot.requests.get(&id))
            .map(|r| {
                format!(
                    "{} {}",
                    r.number,
                    lang.pick("wettelijke termijn", "legal term")
                )
            }),
    };
    let since = match signal.kind {
        StagnationKind::Stuck => format!(
            "{} {}",
            lang.pick("gemeld", "reported"),
            case.stuck_reported_at
                .map(|at| labels::day(lang, at, app.now))
                .unwrap_or_default()
        ),
        StagnationKind::RequestDeadline if signal.days_late <= 0 => format!(
            "{} {}",
            lang.pick("uiterlijk", "by"),
            labels::day(lang, signal.norm_at, app.now)
        ),
        _ => format!(
            "{} {}",
            lang.pick("sinds", "since"),
            labels::day(lang, signal.norm_at, app.now)
        ),
    };
    let mut parts = vec![labels::signal(lang, signal).to_string()];
    parts.extend(norm);
    parts.push(since);
    if signal.kind != StagnationKind::Stuck {
        parts.push(labels::lateness(lang, signal.days_late, working_days));
    }
    parts.join(" · ")
}

/// A case's requests with their deadlines; on the Mandaat board with the
/// motivation too.
fn request_lines(
    app: &App,
    requests: &[&Request],
    theme: Theme,
    motivation: bool,
) -> Vec<Line<'static>> {
    let lang = app.lang();
    if requests.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![Line::raw(""), bold(lang.pick("Aanvragen", "Requests"))];
    for r in requests {
        let state = match r.status {
            RequestStatus::Pending => {
                let left = app.working_days_until(r.decide_by);
                format!(
                    "{} {} ({})",
                    lang.pick("beslissen vóór", "decide by"),
                    labels::day(lang, r.decide_by, app.now),
                    labels::countdown(lang, left)
                )
            }
            status => {
                let by = r
                    .decided_by
                    .as_deref()
                    .map(|l| format!(" {} {}", lang.pick("door", "by"), app.snapshot.name_of(l)))
                    .unwrap_or_default();
                let when = r
                    .decided_at
                    .map(|at| format!(", {}", labels::day(lang, at, app.now)))
                    .unwrap_or_default();
                let reason = r
                    .reason
                    .as_deref()
                    .map(|why| format!(": {why}"))
                    .unwrap_or_default();
                format!("{}{by}{when}{reason}", labels::request_status(lang, status))
            }
        };
        let tone = match r.status {
            RequestStatus::Pending if r.decide_by < app.now => Tone::Late,
            _ => Tone::Plain,
        };
        lines.push(Line::styled(
            format!(
                "{} {} · {} · {state}",
                r.number,
                labels::request_kind(lang, r.kind),
                r.provision
            ),
            theme.tone(tone),
        ));
        if let Some(history) = term_history(app, r) {
            lines.push(Line::styled(format!("  {history}"), theme.tone(Tone::Dim)));
        }
        if motivation {
            lines.push(Line::styled(
                format!("  {}", r.motivation),
                theme.tone(Tone::Dim),
            ));
        }
    }
    lines
}

/// What moved a request's term, in order, when anything did: filed,
/// suspended from–to (days), extended by, in default since (dwangsom owed
/// today), and where the term stands now.
fn term_history(app: &App, r: &Request) -> Option<String> {
    let term = &r.term;
    if term.suspensions.is_empty() && term.extension.is_none() && term.default_notice.is_none() {
        return None;
    }
    let lang = app.lang();
    let date = |d: chrono::NaiveDate| labels::date(lang, d);
    let mut parts = vec![format!(
        "{} {}",
        lang.pick("ingediend", "filed"),
        date(crate::domain::calendar::local_date(r.filed_at))
    )];
    let today = crate::domain::calendar::local_date(app.now);
    for s in &term.suspensions {
        let end = match s.completed_on {
            Some(_) => date(s.ends_on()),
            None if s.is_running(today) => format!(
                "{} {}",
                lang.pick("uiterlijk", "at most"),
                date(s.complete_by)
            ),
            None => format!(
                "{} {}",
                date(s.complete_by),
                lang.pick("(verstreken)", "(lapsed)")
            ),
        };
        parts.push(format!(
            "{} {} → {end} ({} {})",
            lang.pick("opgeschort", "suspended"),
            date(s.asked_on),
            s.days(),
            lang.pick("d", "d")
        ));
    }
    if let Some(e) = &term.extension {
        parts.push(format!(
            "{} +{} {} ({}: {})",
            lang.pick("verdaagd", "extended"),
            e.weeks,
            lang.pick("wk", "wk"),
            date(e.notified_on),
            e.reason
        ));
    }
    if let Some(n) = &term.default_notice {
        let norms = &app.settings.norms;
        let day_one = crate::domain::term::dwangsom_day_one(n.received_on, &norms.calendar);
        let owed = crate::domain::term::dwangsom(r, today, &norms.calendar, &norms.dwangsom);
        parts.push(format!(
            "{} {} · {} {} · €{owed}",
            lang.pick("ingebreke gesteld", "notice of default"),
            date(n.received_on),
            lang.pick("dwangsom vanaf", "dwangsom from"),
            date(day_one)
        ));
    }
    parts.push(format!(
        "{} {}",
        lang.pick("termijn nu", "term now"),
        date(crate::domain::calendar::local_date(r.decide_by))
    ));
    Some(parts.join(" · "))
}

pub(super) fn draw_detail(frame: &mut Frame, app: &App, theme: Theme) {
    let Some(Overlay::Detail(detail)) = &app.overlay else {
        return;
    };
    let lang = app.lang();
    let area = frame.area();
    let rect = centered(
        area,
        area.width.saturating_sub(4).min(100),
        area.height.saturating_sub(2),
    );
    frame.render_widget(Clear, rect);
    let (title, lines): (String, Vec<Line>) = match &detail.state {
        DetailState::Loading => (
            lang.pick("Zaak laden…", "Loading case…").into(),
            vec![Line::raw(lang.pick("Bezig…", "Working…"))],
        ),
        DetailState::Failed(error) => (
            lang.pick("Zaak", "Case").into(),
            vec![Line::styled(format!("⚠ {error}"), theme.tone(Tone::Late))],
        ),
        DetailState::Loaded(loaded) => {
            let case = &loaded.case;
            let mut lines = case_facts(app, case, theme);
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                lang.pick("Geschiedenis", "History"),
                Style::default().add_modifier(Modifier::BOLD),
            ));
            for event in &loaded.events {
                let (story, note) = history_line(app, loaded, event);
                let mut spans = vec![
                    Span::styled(
                        format!(
                            "{:<14}",
                            format!(
                                "{} {}",
                                labels::day(lang, event.at, app.now),
                                labels::time(event.at)
                            )
                        ),
                        theme.tone(Tone::Dim),
                    ),
                    Span::raw(story),
                ];
                if let Some(note) = note {
                    spans.push(Span::styled(format!(" — {note}"), theme.tone(Tone::Dim)));
                }
                lines.push(Line::from(spans));
            }
            let requests: Vec<&Request> = loaded.requests.iter().collect();
            lines.extend(request_lines(app, &requests, theme, true));
            if !loaded.notes.is_empty() {
                lines.push(Line::raw(""));
                lines.push(Line::styled(
                    lang.pick(
                        "Uw notities (alleen u leest ze)",
                        "Your notes (only you read them)",
                    ),
                    Style::default().add_modifier(Modifier::BOLD),
                ));
                for note in &loaded.notes {
                    let reminder = match (note.remind_on, note.done) {
                        (Some(day), false) => format!(
                            " · {} {}",
                            lang.pick("herinnering", "reminder"),
                            labels::short_date(day)
                        ),
                        (Some(day), true) => format!(
                            " · {} {} {}",
                            lang.pick("herinnering", "reminder"),
                            labels::short_date(day),
                            lang.pick("afgehandeld", "done")
                        ),
                        _ => String::new(),
                    };
                    lines.push(Line::from(vec![
                        Span::styled(
                            format!(
                                "{:<14}",
                                format!(
                                    "{} {}",
                                    labels::day(lang, note.created_at, app.now),
                                    labels::time(note.created_at)
                                )
                            ),
                            theme.tone(Tone::Dim),
                        ),
                        Span::raw(note.text.replace('\n', " ↵ ")),
                        Span::styled(reminder, theme.tone(Tone::Dim)),
                    ]));
                }
            }
            (
                format!(
                    "{} · {} · {}",
                    case.number,
                    case.pseudonym,
                    lang.pick("inzage gelogd", "access logged")
                ),
                lines,
            )
        }
    };
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .wrap(Wrap { trim: false })
            .scroll((detail.scroll, 0))
            .block(block(title, theme).title_bottom(Line::styled(
                lang.pick(" j/k scrollen · Esc sluiten ", " j/k scroll · Esc close "),
                theme.tone(Tone::Dim),
            ))),
        rect,
    );
}

/// One event of the history as a sentence: who did what, to whom, from
/// whom; and the note or reason beside it.
fn history_line(
    app: &App,
    loaded: &CaseDetailResponse,
    event: &CaseEvent,
) -> (String, Option<String>) {
    let lang = app.lang();
    let name = |login: &str| app.snapshot.name_of(login);
    let who = name(&event.actor);
    let nobody = || lang.pick("niemand", "nobody").to_string();
    let to = event.to.as_deref().map(name).unwrap_or_else(nobody);
    let from = event.from.as_deref().map(name).unwrap_or_else(nobody);
    let request = event.request_id.and_then(|id| {
        loaded
            .requests
            .iter()
            .find(|r| r.id == id)
            .or_else(|| app.snapshot.requests.get(&id))
    });
    let number = request.map(|r| r.number.clone()).unwrap_or_default();
    // The referral's and the closure's notes are wire names (the source,
    // the result): said in the user's words.
    let note = match (event.kind, event.note.as_deref()) {
        (EventKind::Referred, Some(source)) => Some(source.parse::<Source>().map_or_else(
            |_| source.to_string(),
            |s| labels::source(lang, s).to_string(),
        )),
        (EventKind::Closed, Some(result)) => Some(result.parse::<CloseResult>().map_or_else(
            |_| result.to_string(),
            |r| labels::close_result(lang, r).to_string(),
        )),
        (_, note) => note.map(str::to_string),
    };
    let story = match event.kind {
        EventKind::Referred => format!("{} ({who})", lang.pick("aangemeld", "referred")),
        EventKind::Assigned => format!("{who} {} {to}", lang.pick("wees toe aan", "assigned to")),
        EventKind::Reassigned => format!(
            "{who} {} {from} {} {to}",
            lang.pick("herverdeelde van", "reassigned from"),
            lang.pick("naar", "to")
        ),
        EventKind::TakenOver => format!(
            "{who} {} {from}",
            lang.pick("nam de zaak over van", "took the case over from")
        ),
        EventKind::FirstContact => format!(
            "{} {who}",
            lang.pick("eerste contact door", "first contact by")
        ),
        EventKind::Plan => format!(
            "{} {who}",
            lang.pick("plan vastgelegd door", "plan recorded by")
        ),
        EventKind::Activity => format!("{} {who}", lang.pick("activiteit van", "activity by")),
        EventKind::Stuck => format!(
            "{} {who}",
            lang.pick("vastgelopen gemeld door", "reported stuck by")
        ),
        EventKind::RequestFiled => {
            let kind = request
                .map(|r| labels::request_kind(lang, r.kind))
                .unwrap_or_default();
            return (
                format!(
                    "{number} {kind} {} {who}",
                    lang.pick("aangevraagd door", "requested by")
                ),
                note,
            );
        }
        EventKind::RequestDecided => {
            // Older history lines carry no decision: the request says it.
            let status = match event.decision {
                Some(Decision::Approve) => RequestStatus::Approved,
                Some(Decision::Reject) => RequestStatus::Rejected,
                None => request.map_or(RequestStatus::Pending, |r| r.status),
            };
            format!(
                "{number} {} {} {who}",
                labels::request_status(lang, status),
                lang.pick("door", "by")
            )
        }
        EventKind::Escalated => format!("{} {who}", lang.pick("opgeschaald door", "escalated by")),
        EventKind::Deescalated => {
            format!("{} {who}", lang.pick("afgeschaald door", "de-escalated by"))
        }
        EventKind::Closed => format!("{} {who}", lang.pick("afgesloten door", "closed by")),
        EventKind::RequestSuspended => format!(
            "{number} {} {who}",
            lang.pick("opgeschort door", "suspended by")
        ),
        EventKind::RequestResumed => {
            format!("{number} {} {who}", lang.pick("hervat door", "resumed by"))
        }
        EventKind::RequestExtended => format!(
            "{number} {} {who}",
            lang.pick("verdaagd door", "extended by")
        ),
        EventKind::DefaultNoticeReceived => format!(
            "{number} {} {who}",
            lang.pick(
                "ingebrekestelling vastgelegd door",
                "notice of default recorded by"
            )
        ),
        EventKind::MeldingReceived => format!(
            "{} {who}",
            lang.pick("Wmo-melding vastgelegd door", "Wmo report recorded by")
        ),
        EventKind::OnderzoekDone => format!(
            "{} {who}",
            lang.pick("onderzoek afgerond door", "research done by")
        ),
        EventKind::PlanRevised => format!(
            "{} {who}",
            lang.pick("plan herzien door", "plan revised by")
        ),
        EventKind::Evaluated => format!(
            "{} {who}",
            lang.pick("doelen geëvalueerd door", "goals evaluated by")
        ),
        // A concern opened a case for the household: named here, so the
        // history leads to it.
        EventKind::WaakvlamFollowedUp => match loaded.case.follow_up_case_id {
            Some(new) => format!(
                "{} {who} · {} {}",
                lang.pick("waakvlam: nacontact door", "waakvlam: follow-up by"),
                lang.pick("zorg: nieuwe zaak", "concern: new case"),
                case_number(app, new)
            ),
            None => format!(
                "{} {who}",
                lang.pick("waakvlam: nacontact door", "waakvlam: follow-up by")
            ),
        },
        EventKind::WaakvlamPostponed => format!(
            "{} {who}",
            lang.pick("waakvlam uitgesteld door", "waakvlam postponed by")
        ),
        EventKind::WaakvlamReassigned => format!(
            "{who} {} {to}",
            lang.pick("gaf de waakvlam aan", "gave the waakvlam to")
        ),
    };
    (story, note)
}
