//! The Doorstroom board: the procesmanager's figures as charts, each with
//! its numbers beside it.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Bar, BarChart, BarGroup, Chart, Clear, Dataset, GraphType, Paragraph, Row, Table, Wrap,
};
use tui_input::Input;

use super::app::{App, board_title};
use super::columns::{Tone, load_tone};
use super::labels;
use super::view::{Theme, block};
use crate::config::Language;
use crate::domain::boards::Board;
use crate::domain::calendar::local_date;
use crate::domain::stats::{Bucket, Quantiles, SeriesPoint, Throughput};

/// The level the share of first contacts within the norm is held against:
/// the 80 % the access process steers on (seed 004's KPIs).
pub const FIRST_CONTACT_TARGET_PCT: f64 = 80.0;

fn decimal(lang: Language, x: f64) -> String {
    let text = format!("{x:.1}");
    match lang {
        Language::Nl => text.replace('.', ","),
        Language::En => text,
    }
}

/// Draws a titled box and returns the room inside it.
fn framed(frame: &mut Frame, title: &str, theme: Theme, area: Rect) -> Rect {
    let outer = block(title.to_string(), theme);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    inner
}

fn colour(theme: Theme, colour: Color) -> Style {
    if theme.mono {
        Style::default()
    } else {
        Style::default().fg(colour)
    }
}

/// How a series is told apart: by colour, or without colour by its own
/// marker. The legend shows the same symbol the chart draws.
#[derive(Debug, Clone, Copy)]
struct Series {
    colour: Color,
    /// The marker drawn without colour, and its symbol for the legend.
    mono: (Marker, &'static str),
}

const INFLOW: Series = Series {
    colour: Color::Cyan,
    mono: (Marker::Dot, "•"),
};
const OUTFLOW: Series = Series {
    colour: Color::Magenta,
    mono: (Marker::Block, "█"),
};
const SHARE: Series = Series {
    colour: Color::Green,
    mono: (Marker::Dot, "•"),
};
const TARGET: Series = Series {
    colour: Color::Yellow,
    mono: (Marker::Bar, "▄"),
};

impl Series {
    /// The legend's symbol for this series.
    fn symbol(self, theme: Theme) -> Span<'static> {
        if theme.mono {
            Span::raw(format!("{} ", self.mono.1))
        } else {
            Span::styled("━ ", colour(theme, self.colour))
        }
    }
}

/// One series of a chart, drawn as a line (as points without colour, so
/// two series never look alike).
fn line<'a>(theme: Theme, series: Series, data: &'a [(f64, f64)]) -> Dataset<'a> {
    let (marker, graph) = if theme.mono {
        (series.mono.0, GraphType::Scatter)
    } else {
        (Marker::Braille, GraphType::Line)
    };
    Dataset::default()
        .marker(marker)
        .graph_type(graph)
        .style(colour(theme, series.colour))
        .data(data)
}

/// Under the chart: the series' last bucket is still running (or the
/// first began before the period), so its counts are not a whole one. In
/// `width` columns: with short dates and words when the long form does
/// not fit (an 80-column screen), never cut in the middle of a word.
fn partial_note(
    lang: Language,
    series: &[SeriesPoint],
    today: chrono::NaiveDate,
    width: usize,
) -> Option<String> {
    let long = partial_note_in(lang, series, today, false)?;
    if long.chars().count() <= width {
        return Some(long);
    }
    partial_note_in(lang, series, today, true)
}

fn partial_note_in(
    lang: Language,
    series: &[SeriesPoint],
    today: chrono::NaiveDate,
    short: bool,
) -> Option<String> {
    // The first two are enough to say it (a custom period reaching into
    // the future has many).
    let cut: Vec<&SeriesPoint> = series.iter().filter(|p| p.partial).take(2).collect();
    if cut.is_empty() {
        return None;
    }
    Some(
        cut.iter()
            .map(|p| {
                let day = |d| {
                    if short {
                        labels::short_date(d)
                    } else {
                        labels::date(lang, d)
                    }
                };
                let days = if p.from == p.to {
                    day(p.from)
                } else {
                    format!("{} – {}", day(p.from), day(p.to))
                };
                // Still running, or a bucket the period cuts in the past.
                let why = match (p.to >= today, short) {
                    (true, false) => lang.pick("telt nog niet voluit", "is not complete yet"),
                    (true, true) => lang.pick("nog niet voluit", "not complete"),
                    (false, false) => lang.pick(
                        "valt deels buiten de periode",
                        "lies partly outside the period",
                    ),
                    (false, true) => lang.pick("deels buiten periode", "partly outside"),
                };
                format!("◔ {days} {why}")
            })
            .collect::<Vec<_>>()
            .join(" · "),
    )
}

pub fn draw(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let lang = app.lang();
    let doorstroom = &app.doorstroom;
    let period = doorstroom.preset.period(local_date(app.now));
    let mut title = format!(
        "{} · {} ({} – {}) · {}",
        board_title(lang, Board::Doorstroom),
        doorstroom.preset.label(lang),
        labels::date(lang, period.from),
        labels::date(lang, period.to),
        match doorstroom.bucket() {
            Bucket::Day => lang.pick("per dag", "by day"),
            Bucket::Week => lang.pick("per week", "by week"),
            Bucket::Month => lang.pick("per maand", "by month"),
        }
    );
    if doorstroom.loading {
        title.push_str(lang.pick(" · laden…", " · loading…"));
    }
    let inner = framed(frame, &title, theme, area);
    if !app.sees_stats() {
        frame.render_widget(
            Paragraph::new(lang.pick(
                "De doorstroomcijfers zijn voor de procesmanager en de procesregisseurs.",
                "The throughput figures are for the procesmanager and the procesregisseurs.",
            ))
            .alignment(Alignment::Center)
            .style(theme.tone(Tone::Dim)),
            inner,
        );
        return;
    }
    // A failed refresh says so above the last figures, which stay.
    let body = match &doorstroom.error {
        Some(error) => {
            let [message, body] =
                Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
            frame.render_widget(
                Paragraph::new(format!("⚠ {error}")).style(theme.tone(Tone::Late)),
                message,
            );
            body
        }
        None => inner,
    };
    let Some(figures) = &doorstroom.figures else {
        frame.render_widget(
            Paragraph::new(lang.pick("Cijfers laden…", "Loading figures…"))
                .alignment(Alignment::Center)
                .style(theme.tone(Tone::Dim)),
            body,
        );
        return;
    };
    let today = crate::domain::calendar::local_date(app.now);
    if doorstroom.table {
        draw_numbers(frame, (lang, today), theme, figures, body);
        return;
    }
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(body);
    let [flow, norm] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
    // From 120 columns the goals' results have a quadrant of their own;
    // narrower, one line under the charts says the two figures that matter.
    let wide = body.width >= 120;
    let (bottom, summary) = if wide {
        (bottom, None)
    } else {
        let [bottom, line] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(bottom);
        (bottom, Some(line))
    };
    let [lead, load, result] = if wide {
        Layout::horizontal([
            Constraint::Percentage(34),
            Constraint::Percentage(33),
            Constraint::Percentage(33),
        ])
        .areas(bottom)
    } else {
        let [lead, load] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(bottom);
        [lead, load, Rect::default()]
    };
    draw_flow(frame, (lang, today), theme, figures, flow);
    draw_first_contact(frame, lang, theme, figures, norm);
    draw_lead_times(frame, lang, theme, figures, lead);
    draw_load(frame, lang, theme, figures, app.unassigned_open(), load);
    let target = app.settings.norms.goals_reached_target_pct;
    match summary {
        None => draw_outcome(frame, lang, theme, figures, target, result),
        Some(line) => frame.render_widget(
            Paragraph::new(outcome_summary(lang, theme, figures, target)),
            line,
        ),
    }
}

/// The share of goals reached at closing against the aim, in its tone.
fn reached_span(lang: Language, theme: Theme, t: &Throughput, target: u32) -> Vec<Span<'static>> {
    let reached = t.outcome.at_closing.reached_pct;
    let tone = match reached {
        Some(p) if p < f64::from(target) => Tone::Late,
        Some(_) => Tone::InTime,
        None => Tone::Dim,
    };
    vec![
        Span::raw(lang.pick("bereikt bij afsluiten ", "reached at closing ")),
        Span::styled(percent(lang, reached), theme.tone(tone)),
        Span::raw(format!(" ({} {target} %)", lang.pick("streef", "aim"))),
    ]
}

fn percent(lang: Language, value: Option<f64>) -> String {
    value.map_or("—".to_string(), |v| format!("{} %", decimal(lang, v)))
}

/// One line for a narrow screen: `Doelen: bereikt bij afsluiten 59 %
/// (streef 70 %) · evaluaties op tijd 95 %`.
fn outcome_summary(lang: Language, theme: Theme, t: &Throughput, target: u32) -> Line<'static> {
    let mut spans = vec![Span::styled(
        lang.pick("Doelen: ", "Goals: "),
        theme.tone(Tone::Dim),
    )];
    spans.extend(reached_span(lang, theme, t, target));
    spans.push(Span::raw(format!(
        " · {} {}",
        lang.pick("evaluaties tijdig", "evaluations on time"),
        percent(lang, t.outcome.evaluations.on_time_pct)
    )));
    Line::from(spans)
}

/// What the help achieved: the share of goals reached at closing against
/// the municipality's aim, evaluations on time, and the median change in
/// ZRM score per life domain. Counts under 5 read "<5" (the server's
/// figures are already so).
fn draw_outcome(
    frame: &mut Frame,
    lang: Language,
    theme: Theme,
    t: &Throughput,
    target: u32,
    area: Rect,
) {
    let inner = framed(frame, lang.pick("Resultaat", "Results"), theme, area);
    let o = &t.outcome;
    let count = |c: Option<crate::domain::stats::small::Count>| {
        c.map_or("—".to_string(), |c| c.to_string())
    };
    let mut lines = vec![
        Line::from(reached_span(lang, theme, t, target)),
        Line::styled(
            format!(
                "  {} {}",
                lang.pick(
                    "van de doelen van gesloten zaken:",
                    "of the goals of closed cases:"
                ),
                count(o.at_closing.goals)
            ),
            theme.tone(Tone::Dim),
        ),
        Line::raw(format!(
            "{} {} · {} {}",
            lang.pick("evaluaties op tijd", "evaluations on time"),
            percent(lang, o.evaluations.on_time_pct),
            lang.pick("van", "of"),
            count(o.evaluations.due)
        )),
        Line::raw(""),
        Line::styled(
            format!(
                "{:<24} {:>7} {:>6}",
                lang.pick("ZRM per leefgebied", "ZRM per life domain"),
                lang.pick("mediaan", "median"),
                lang.pick("doelen", "goals")
            ),
            theme.tone(Tone::Dim),
        ),
    ];
    for group in &o.per_life_domain {
        let change = group.median_change.map_or("—".to_string(), |c| {
            let sign = if c > 0.0 { "+" } else { "" };
            format!("{sign}{}", decimal(lang, c))
        });
        lines.push(Line::raw(format!(
            "{:<24} {change:>7} {:>6}",
            group.name,
            group.goals.to_string()
        )));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// The series as numbers, a row per day, week or month and the period's
/// total below: what the charts draw, to read off or compare exactly.
fn draw_numbers(
    frame: &mut Frame,
    (lang, today): (Language, chrono::NaiveDate),
    theme: Theme,
    t: &Throughput,
    area: Rect,
) {
    let note = partial_note(lang, &t.series, today, usize::from(area.width));
    let [table_area, note_area] = Layout::vertical([
        Constraint::Min(0),
        Constraint::Length(u16::from(note.is_some())),
    ])
    .areas(area);
    if let Some(note) = note {
        frame.render_widget(Paragraph::new(note).style(theme.tone(Tone::Dim)), note_area);
    }
    let share = |within: u32, due: u32| {
        if due == 0 {
            "—".to_string()
        } else {
            format!("{} %", (f64::from(within) * 100.0 / f64::from(due)).round())
        }
    };
    let row = |period: String, p: (u32, u32, u32, u32), partial: bool| {
        let (inflow, outflow, due, within) = p;
        Row::new(vec![
            // The mark of the note below: this row is not a whole one.
            format!("{period}{}", if partial { " ◔" } else { "" }),
            inflow.to_string(),
            outflow.to_string(),
            due.to_string(),
            within.to_string(),
            share(within, due),
        ])
    };
    let mut rows: Vec<Row> = t
        .series
        .iter()
        .map(|p| {
            let period = match t.by {
                Bucket::Day => labels::date(lang, p.from),
                _ => format!(
                    "{} – {}",
                    p.from.format("%d-%m-%Y"),
                    p.to.format("%d-%m-%Y")
                ),
            };
            row(
                period,
                (
                    p.inflow,
                    p.outflow,
                    p.first_contact_due,
                    p.first_contact_within_norm,
                ),
                p.partial,
            )
        })
        .collect();
    let sum = |f: fn(&SeriesPoint) -> u32| t.series.iter().map(f).sum::<u32>();
    rows.push(
        row(
            lang.pick("Totaal", "Total").to_string(),
            (
                sum(|p| p.inflow),
                sum(|p| p.outflow),
                sum(|p| p.first_contact_due),
                sum(|p| p.first_contact_within_norm),
            ),
            false,
        )
        .style(Style::default().add_modifier(Modifier::BOLD)),
    );
    let header = Row::new(vec![
        lang.pick("Periode", "Period"),
        lang.pick("Nieuw", "New"),
        lang.pick("Gesloten", "Closed"),
        // First contacts whose norm fell due in the row's days, and of
        // those the ones made in time.
        lang.pick("Contactnorm", "Contact due"),
        lang.pick("gehaald", "met"),
        "%",
    ])
    .style(Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
    let widths = [
        Constraint::Length(26),
        Constraint::Length(7),
        Constraint::Length(9),
        Constraint::Length(12),
        Constraint::Length(8),
        Constraint::Length(6),
    ];
    frame.render_widget(Table::new(rows, widths).header(header), table_area);
}

/// The first, middle and last bucket's day under the time axis (ratatui
/// spreads the labels evenly, so the middle one is the middle bucket).
fn x_labels(lang: Language, series: &[SeriesPoint]) -> Vec<Span<'static>> {
    use chrono::Datelike;
    // Within one year the year goes (three labels must fit a quadrant).
    let one_year = series.first().map(|p| p.from.year()) == series.last().map(|p| p.from.year());
    let day = |p: &SeriesPoint| {
        let full = labels::date(lang, p.from);
        Span::raw(if one_year && series.len() > 2 {
            full.rsplit_once(' ')
                .map_or(full.clone(), |(day, _)| day.to_string())
        } else {
            full
        })
    };
    match series {
        [] => Vec::new(),
        [only] => vec![day(only)],
        [first, last] => vec![day(first), day(last)],
        _ => vec![
            day(&series[0]),
            day(&series[(series.len() - 1) / 2]),
            day(&series[series.len() - 1]),
        ],
    }
}

/// 0, the middle and the top of a count axis.
fn y_labels(top: u32) -> Vec<Span<'static>> {
    if top >= 2 && top.is_multiple_of(2) {
        vec![
            Span::raw("0"),
            Span::raw((top / 2).to_string()),
            Span::raw(top.to_string()),
        ]
    } else {
        vec![Span::raw("0"), Span::raw(top.to_string())]
    }
}

fn draw_flow(
    frame: &mut Frame,
    (lang, today): (Language, chrono::NaiveDate),
    theme: Theme,
    t: &Throughput,
    area: Rect,
) {
    let inner = framed(
        frame,
        lang.pick("Instroom en uitstroom", "Inflow and outflow"),
        theme,
        area,
    );
    let note = partial_note(lang, &t.series, today, usize::from(inner.width));
    let [numbers, chart_area, note_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(u16::from(note.is_some())),
    ])
    .areas(inner);
    if let Some(note) = note {
        frame.render_widget(Paragraph::new(note).style(theme.tone(Tone::Dim)), note_area);
    }
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            INFLOW.symbol(theme),
            Span::raw(format!("in {}  ", t.inflow.total)),
            OUTFLOW.symbol(theme),
            Span::raw({
                let out = format!(
                    "{} {}  waakvlam {}",
                    lang.pick("uit", "out"),
                    t.outflow.total,
                    t.outflow.waakvlam
                );
                // The follow-ups of the period, where the quadrant has room.
                let follow_up = format!(
                    "  {} {}/{} {}, {} {}",
                    lang.pick("nacontact", "follow-up"),
                    t.waakvlam.on_time,
                    t.waakvlam.due,
                    lang.pick("op tijd", "on time"),
                    t.waakvlam.new_case,
                    if t.waakvlam.new_case == 1 {
                        lang.pick("nieuwe zaak", "new case")
                    } else {
                        lang.pick("nieuwe zaken", "new cases")
                    },
                );
                let used = format!("in {}  ", t.inflow.total).len() + out.len() + 4;
                if used + follow_up.len() <= usize::from(numbers.width) {
                    out + &follow_up
                } else {
                    out
                }
            }),
        ])),
        numbers,
    );
    let inflow: Vec<(f64, f64)> = t
        .series
        .iter()
        .enumerate()
        .map(|(i, p)| (i as f64, f64::from(p.inflow)))
        .collect();
    let outflow: Vec<(f64, f64)> = t
        .series
        .iter()
        .enumerate()
        .map(|(i, p)| (i as f64, f64::from(p.outflow)))
        .collect();
    let top = t
        .series
        .iter()
        .map(|p| p.inflow.max(p.outflow))
        .max()
        .unwrap_or(0)
        .max(1);
    // Even, so the axis has a whole middle label.
    let top = top + top % 2;
    let chart = Chart::new(vec![
        line(theme, INFLOW, &inflow),
        line(theme, OUTFLOW, &outflow),
    ])
    .x_axis(
        Axis::default()
            .bounds([0.0, (t.series.len().max(2) - 1) as f64])
            .labels(x_labels(lang, &t.series)),
    )
    .y_axis(
        Axis::default()
            .bounds([0.0, f64::from(top)])
            .labels(y_labels(top)),
    );
    frame.render_widget(chart, chart_area);
}

fn draw_first_contact(frame: &mut Frame, lang: Language, theme: Theme, t: &Throughput, area: Rect) {
    let inner = framed(
        frame,
        lang.pick(
            "Eerste contact binnen de norm",
            "First contact within the norm",
        ),
        theme,
        area,
    );
    let [numbers, chart_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    let fc = &t.first_contact;
    let pct = fc.within_norm_pct;
    let tone = match pct {
        Some(p) if p >= FIRST_CONTACT_TARGET_PCT => Tone::InTime,
        Some(_) => Tone::Late,
        None => Tone::Dim,
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(
                format!(
                    "{}{} % ",
                    theme.marker(tone),
                    pct.map(|p| decimal(lang, p)).unwrap_or_else(|| "–".into())
                ),
                theme.tone(tone).add_modifier(Modifier::BOLD),
            ),
            Span::raw(format!(
                "{} {} {} {} · ",
                fc.within_norm,
                lang.pick("van", "of"),
                fc.due,
                lang.pick("op tijd", "in time"),
            )),
            SHARE.symbol(theme),
            Span::raw(format!("{}  ", lang.pick("aandeel", "share"))),
            TARGET.symbol(theme),
            Span::raw(format!(
                "{} {} %",
                lang.pick("streef", "target"),
                FIRST_CONTACT_TARGET_PCT
            )),
        ])),
        numbers,
    );
    let share: Vec<(f64, f64)> = t
        .series
        .iter()
        .enumerate()
        .filter(|(_, p)| p.first_contact_due > 0)
        .map(|(i, p)| {
            (
                i as f64,
                100.0 * f64::from(p.first_contact_within_norm) / f64::from(p.first_contact_due),
            )
        })
        .collect();
    let last = (t.series.len().max(2) - 1) as f64;
    // A point per bucket, so the line also shows as points without colour.
    let target: Vec<(f64, f64)> = (0..=last as usize)
        .map(|i| (i as f64, FIRST_CONTACT_TARGET_PCT))
        .collect();
    let chart = Chart::new(vec![
        line(theme, TARGET, &target),
        line(theme, SHARE, &share),
    ])
    .x_axis(
        Axis::default()
            .bounds([0.0, last])
            .labels(x_labels(lang, &t.series)),
    )
    .y_axis(Axis::default().bounds([0.0, 100.0]).labels(vec![
        Span::raw("0"),
        Span::raw("50"),
        Span::raw("100"),
    ]));
    frame.render_widget(chart, chart_area);
}

fn draw_lead_times(frame: &mut Frame, lang: Language, theme: Theme, t: &Throughput, area: Rect) {
    let inner = framed(
        frame,
        lang.pick("Doorlooptijden in dagen", "Lead times in days"),
        theme,
        area,
    );
    let lt = &t.lead_times_days;
    let steps: [(&str, &Quantiles); 4] = [
        (
            lang.pick("toewijzing", "assignment"),
            &lt.referral_to_assignment,
        ),
        (
            lang.pick("1e contact", "1st contact"),
            &lt.assignment_to_first_contact,
        ),
        (lang.pick("plan", "plan"), &lt.first_contact_to_plan),
        (lang.pick("besluit", "decision"), &lt.request_to_decision),
    ];
    let requests = &t.requests.all;
    // A line more when a dwangsom ran or was announced in the period.
    let dwangsom = t.dwangsom.requests > 0 || t.dwangsom.notices > 0;
    let text_height = (7 + u16::from(dwangsom)).min(inner.height);
    let [numbers, bars] =
        Layout::vertical([Constraint::Length(text_height), Constraint::Min(0)]).areas(inner);
    let figure = |x: Option<f64>| x.map(|m| decimal(lang, m)).unwrap_or_else(|| "–".into());
    let mut lines = vec![Line::styled(
        format!(
            "{:<11} {:>7} {:>6} {:>5}",
            lang.pick("stap", "step"),
            lang.pick("mediaan", "median"),
            "p90",
            "n"
        ),
        Style::default().add_modifier(Modifier::BOLD),
    )];
    lines.extend(steps.iter().map(|(name, q)| {
        Line::raw(format!(
            "{name:<11} {:>7} {:>6} {:>5}",
            figure(q.median),
            figure(q.p90),
            q.n
        ))
    }));
    lines.push(Line::from(vec![
        Span::raw(format!(
            "{}: {} {} · {} {} · {} {} · ",
            lang.pick("Aanvragen", "Requests"),
            requests.approved,
            lang.pick("toegekend", "approved"),
            requests.rejected,
            lang.pick("afgewezen", "rejected"),
            requests.pending,
            lang.pick("lopend", "pending"),
        )),
        Span::styled(
            format!(
                "{}{} {}",
                theme.marker(if requests.decided_late > 0 {
                    Tone::Late
                } else {
                    Tone::Plain
                }),
                requests.decided_late,
                lang.pick("na de termijn", "late")
            ),
            theme.tone(if requests.decided_late > 0 {
                Tone::Late
            } else {
                Tone::Plain
            }),
        ),
    ]));
    if dwangsom {
        lines.push(Line::styled(
            format!(
                "{}: €{} {} {} {} · {} {}",
                lang.pick("Dwangsom", "Dwangsom"),
                t.dwangsom.euros,
                lang.pick("over", "on"),
                t.dwangsom.requests,
                lang.pick("aanvragen", "requests"),
                t.dwangsom.notices,
                lang.pick("ingebrekestellingen", "notices of default"),
            ),
            theme.tone(if t.dwangsom.euros > 0 {
                Tone::Late
            } else {
                Tone::Plain
            }),
        ));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), numbers);
    if bars.height < 3 {
        return;
    }
    // Tenths of a day, so short steps still show a bar.
    let tenths = |x: Option<f64>| (x.unwrap_or(0.0) * 10.0).round().max(0.0) as u64;
    let groups: Vec<BarGroup> = steps
        .iter()
        .map(|(name, q)| {
            BarGroup::default()
                .label(Line::from(name.to_string()))
                .bars(&[
                    Bar::default()
                        .value(tenths(q.median))
                        .text_value(q.median.map(|m| decimal(lang, m)).unwrap_or_default())
                        .style(colour(theme, Color::Cyan)),
                    Bar::default()
                        .value(tenths(q.p90))
                        .text_value(q.p90.map(|m| decimal(lang, m)).unwrap_or_default())
                        .style(colour(theme, Color::Blue)),
                ])
        })
        .collect();
    let width = bars.width.saturating_sub(8) / 8;
    let mut chart = BarChart::default()
        .bar_width(width.clamp(1, 6))
        .bar_gap(0)
        .group_gap(2);
    for group in groups {
        chart = chart.data(group);
    }
    frame.render_widget(chart, bars);
}

fn draw_load(
    frame: &mut Frame,
    lang: Language,
    theme: Theme,
    t: &Throughput,
    unassigned: usize,
    area: Rect,
) {
    let inner = framed(
        frame,
        lang.pick(
            "Belasting per organisatie (nu)",
            "Load per organisation (now)",
        ),
        theme,
        area,
    );
    let rows = &t.load.per_organisation;
    let (open, capacity) = rows
        .iter()
        .fold((0, 0), |(o, c), r| (o + r.open, c + r.capacity));
    let mut constraints = vec![Constraint::Length(1); rows.len() + 1];
    constraints.push(Constraint::Min(0));
    let areas = Layout::vertical(constraints).split(inner);
    let long = format!(
        "{} {open} {} {capacity} · {unassigned} {}",
        lang.pick("bij casusregisseurs", "held"),
        lang.pick("van capaciteit", "of capacity"),
        lang.pick("nog niet toegewezen", "not yet assigned")
    );
    // Narrow: the same numbers in fewer words, never a number cut off.
    let heading = if long.chars().count() <= usize::from(inner.width) {
        long
    } else {
        format!(
            "{open}/{capacity} {} · {unassigned} {}",
            lang.pick("belast", "held"),
            lang.pick("niet toegewezen", "unassigned")
        )
    };
    frame.render_widget(Paragraph::new(heading), areas[0]);
    for (row, area) in rows.iter().zip(areas.iter().skip(1)) {
        let ratio = if row.capacity > 0 {
            f64::from(row.open) / f64::from(row.capacity)
        } else {
            0.0
        };
        let tone = load_tone(ratio);
        // A solid bar as wide as the room allows, full at capacity, so
        // 3/14 reads as nearly empty and 49/50 as nearly full.
        let label = format!(
            "{}{:<14} {:>3}/{:<3} ",
            theme.marker(tone),
            row.organisation,
            row.open,
            row.capacity
        );
        let bar = area.width.saturating_sub(label.chars().count() as u16);
        let filled = ((ratio.min(1.0) * f64::from(bar)).round() as u16).min(bar);
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(label, theme.tone(tone)),
                Span::styled("█".repeat(filled.into()), theme.tone(tone)),
                Span::styled(
                    "░".repeat((bar - filled).into()),
                    Style::default().add_modifier(Modifier::DIM),
                ),
            ])),
            *area,
        );
    }
}

/// The overlay for typing a period of one's own.
pub fn draw_period(frame: &mut Frame, app: &App, theme: Theme, input: &Input, error: Option<&str>) {
    let lang = app.lang();
    let area = frame.area();
    let width = 60.min(area.width);
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + area.height.saturating_sub(7) / 2,
        width,
        height: 7.min(area.height),
    };
    frame.render_widget(Clear, rect);
    let inner = framed(
        frame,
        lang.pick("Eigen periode", "Custom period"),
        theme,
        rect,
    );
    let lines = vec![
        Line::raw(lang.pick(
            "Van en tot en met (dd-mm-jjjj dd-mm-jjjj):",
            "From and to (dd-mm-yyyy dd-mm-yyyy):",
        )),
        Line::styled(
            format!("> {}", input.value()),
            Style::default().add_modifier(Modifier::BOLD),
        ),
        match error {
            Some(error) => Line::styled(format!("⚠ {error}"), theme.tone(Tone::Late)),
            None => Line::raw(""),
        },
        Line::styled(
            lang.pick("⏎ tonen · Esc annuleren", "⏎ show · Esc cancel"),
            theme.tone(Tone::Dim),
        ),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
    frame.set_cursor_position((inner.x + 2 + input.visual_cursor() as u16, inner.y + 1));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(from: &str, to: &str) -> SeriesPoint {
        SeriesPoint {
            from: from.parse().unwrap(),
            to: to.parse().unwrap(),
            inflow: 0,
            outflow: 0,
            first_contact_due: 0,
            first_contact_within_norm: 0,
            partial: true,
        }
    }

    #[test]
    fn a_cut_bucket_in_the_past_is_outside_the_period_not_unfinished() {
        let today = "2026-11-24".parse().unwrap();
        let running = partial_note(
            Language::Nl,
            &[point("2026-11-23", "2026-11-24")],
            today,
            80,
        );
        assert!(running.unwrap().contains("telt nog niet voluit"));
        let past = partial_note(
            Language::Nl,
            &[point("2026-09-28", "2026-09-30")],
            today,
            80,
        );
        assert!(past.unwrap().contains("valt deels buiten de periode"));
        // In a quadrant of an 80-column screen: short dates, whole words.
        let narrow = partial_note(
            Language::Nl,
            &[point("2026-11-01", "2026-11-24")],
            today,
            37,
        )
        .unwrap();
        assert_eq!(narrow, "◔ 01-11 – 24-11 nog niet voluit");
    }
}
