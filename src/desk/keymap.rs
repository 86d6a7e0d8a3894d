//! Keys and what they do. The help overlay and the footer hints are drawn
//! from [`BINDINGS`], so they cannot drift from what the keys really do.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::config::Language;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    GoBoard,
    NextBoard,
    PrevBoard,
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    HalfPageUp,
    HalfPageDown,
    Open,
    Back,
    Filter,
    Sort,
    SortReverse,
    NextMatch,
    PrevMatch,
    Copy,
    Palette,
    Help,
    Refresh,
    Approve,
    Reject,
    Reassign,
    Escalate,
    TakeOver,
    Deescalate,
    Suspend,
    Resume,
    Extend,
    DefaultNotice,
    Period,
    Bucket,
    CustomPeriod,
    FiguresTable,
    Results,
    Evaluate,
    Plan,
    FollowUp,
    Postpone,
    Absence,
    Note,
    Mark,
    MarkRange,
    Export,
    Login,
}

impl Action {
    /// Actions that change a case or request on the server.
    pub fn changes_a_case(self) -> bool {
        matches!(
            self,
            Action::Approve
                | Action::Reject
                | Action::Reassign
                | Action::Escalate
                | Action::TakeOver
                | Action::Deescalate
                | Action::Suspend
                | Action::Resume
                | Action::Extend
                | Action::DefaultNotice
                | Action::FollowUp
                | Action::Postpone
                | Action::Absence
                | Action::Evaluate
                | Action::Plan
        )
    }
}

/// Where a binding applies, for grouping in the help overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Everywhere,
    Board,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

const fn key(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::NONE,
    }
}

const fn code(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::NONE,
    }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
    }
}

pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    pub scope: Scope,
    pub nl: &'static str,
    pub en: &'static str,
}

impl Binding {
    pub fn describe(&self, lang: Language) -> &'static str {
        lang.pick(self.nl, self.en)
    }

    /// The keys as the help shows them: `j ↓`, `1–5`.
    pub fn keys_label(&self) -> String {
        if self.action == Action::GoBoard {
            let first = self.keys.first().map(label).unwrap_or_default();
            let last = self.keys.last().map(label).unwrap_or_default();
            return format!("{first}–{last}");
        }
        self.keys.iter().map(label).collect::<Vec<_>>().join(" ")
    }
}

macro_rules! bind {
    ($action:ident, $scope:ident, [$($key:expr),+], $nl:literal, $en:literal) => {
        Binding {
            keys: &[$($key),+],
            action: Action::$action,
            scope: Scope::$scope,
            nl: $nl,
            en: $en,
        }
    };
}

pub const BINDINGS: &[Binding] = &[
    bind!(
        GoBoard,
        Everywhere,
        [key('1'), key('2'), key('3'), key('4'), key('5'), key('6')],
        "naar bord",
        "go to board"
    ),
    bind!(
        NextBoard,
        Everywhere,
        [code(KeyCode::Tab)],
        "volgend bord",
        "next board"
    ),
    bind!(
        PrevBoard,
        Everywhere,
        [code(KeyCode::BackTab)],
        "vorig bord",
        "previous board"
    ),
    bind!(
        Down,
        Everywhere,
        [key('j'), code(KeyCode::Down)],
        "omlaag",
        "down"
    ),
    bind!(
        Up,
        Everywhere,
        [key('k'), code(KeyCode::Up)],
        "omhoog",
        "up"
    ),
    bind!(
        Top,
        Everywhere,
        [key('g'), code(KeyCode::Home)],
        "bovenaan",
        "top"
    ),
    bind!(
        Bottom,
        Everywhere,
        [key('G'), code(KeyCode::End)],
        "onderaan",
        "bottom"
    ),
    bind!(
        PageDown,
        Everywhere,
        [code(KeyCode::PageDown)],
        "pagina omlaag",
        "page down"
    ),
    bind!(
        PageUp,
        Everywhere,
        [code(KeyCode::PageUp)],
        "pagina omhoog",
        "page up"
    ),
    bind!(
        HalfPageDown,
        Everywhere,
        [ctrl('d')],
        "halve pagina omlaag",
        "half page down"
    ),
    bind!(
        HalfPageUp,
        Everywhere,
        [ctrl('u')],
        "halve pagina omhoog",
        "half page up"
    ),
    bind!(
        Palette,
        Everywhere,
        [key(':')],
        "opdracht / ga naar zaak",
        "command / go to case"
    ),
    bind!(Help, Everywhere, [key('?')], "help", "help"),
    bind!(
        Refresh,
        Everywhere,
        [ctrl('r')],
        "nu verversen",
        "refresh now"
    ),
    bind!(
        Login,
        Everywhere,
        [key('L'), ctrl('l')],
        "opnieuw inloggen",
        "log in again"
    ),
    bind!(Quit, Everywhere, [key('q'), ctrl('c')], "stop", "quit"),
    bind!(
        Open,
        Board,
        [code(KeyCode::Enter)],
        "details / inzoomen",
        "details / drill down"
    ),
    bind!(
        Back,
        Board,
        [code(KeyCode::Esc)],
        "terug / sluiten",
        "back / close"
    ),
    bind!(Filter, Board, [key('/')], "filter", "filter"),
    bind!(Sort, Board, [key('s')], "sorteer", "sort"),
    bind!(
        SortReverse,
        Board,
        [key('S')],
        "sorteerrichting om",
        "reverse sort"
    ),
    bind!(
        NextMatch,
        Board,
        [key('n')],
        "volgende treffer",
        "next match"
    ),
    bind!(
        PrevMatch,
        Board,
        [key('N')],
        "vorige treffer",
        "previous match"
    ),
    bind!(Copy, Board, [key('y')], "kopieer nummer", "copy number"),
    bind!(Approve, Board, [key('a')], "toekennen", "approve"),
    bind!(Reject, Board, [key('r')], "afwijzen", "reject"),
    bind!(Reassign, Board, [key('t')], "herverdelen", "reassign"),
    bind!(Escalate, Board, [key('e')], "opschalen", "escalate"),
    bind!(TakeOver, Board, [key('o')], "overnemen", "take over"),
    bind!(Deescalate, Board, [key('d')], "afschalen", "de-escalate"),
    bind!(Suspend, Board, [key('u')], "opschorten", "suspend term"),
    bind!(Resume, Board, [key('h')], "hervatten", "resume term"),
    bind!(Extend, Board, [key('v')], "verdagen", "extend term"),
    bind!(
        DefaultNotice,
        Board,
        [key('i')],
        "ingebrekestelling",
        "notice of default"
    ),
    bind!(
        FollowUp,
        Board,
        [key('f')],
        "nacontact vastleggen",
        "record follow-up"
    ),
    bind!(
        Postpone,
        Board,
        [key('l')],
        "nacontact later",
        "postpone follow-up"
    ),
    bind!(
        Absence,
        Board,
        [key('A')],
        "afwezig / herverdelen",
        "absent / redistribute"
    ),
    bind!(Note, Board, [key('m')], "eigen notitie", "own note"),
    bind!(
        Mark,
        Board,
        [key(' ')],
        "markeer (meerdere)",
        "mark (several)"
    ),
    bind!(MarkRange, Board, [key('V')], "markeer reeks", "mark range"),
    bind!(Export, Board, [key('x')], "exporteer CSV", "export CSV"),
    bind!(Period, Board, [key('p')], "periode", "period"),
    bind!(
        Plan,
        Board,
        [key('P')],
        "plan met doelen",
        "plan with goals"
    ),
    bind!(
        Evaluate,
        Board,
        [key('E')],
        "doelen evalueren",
        "evaluate goals"
    ),
    bind!(
        Results,
        Board,
        [key('R')],
        "resultaat: evaluaties en doelen",
        "results: evaluations and goals"
    ),
    bind!(
        FiguresTable,
        Board,
        [key('T')],
        "cijfers als tabel / grafiek",
        "figures as table / chart"
    ),
    bind!(
        Bucket,
        Board,
        [key('b')],
        "per week / maand",
        "by week / month"
    ),
    bind!(
        CustomPeriod,
        Board,
        [key('c')],
        "eigen periode",
        "custom period"
    ),
];

/// The action a key stands for on a board (not inside a dialog).
pub fn action_for(event: &KeyEvent) -> Option<Action> {
    // Shift is part of the character for `G`, `?` and `:`; compare without it.
    let modifiers = event.modifiers - KeyModifiers::SHIFT;
    BINDINGS
        .iter()
        .find(|b| {
            b.keys
                .iter()
                .any(|k| k.code == event.code && k.modifiers == modifiers)
        })
        .map(|b| b.action)
}

pub fn binding(action: Action) -> &'static Binding {
    BINDINGS
        .iter()
        .find(|b| b.action == action)
        .expect("every action has a binding")
}

pub fn label(key: &Key) -> String {
    let base = match key.code {
        KeyCode::Char(' ') => "␣".into(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "⏎".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "Shift-Tab".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        other => format!("{other:?}"),
    };
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        format!("Ctrl-{}", base.to_uppercase())
    } else {
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn keys_map_to_their_actions() {
        let none = KeyModifiers::NONE;
        assert_eq!(
            action_for(&press(KeyCode::Char('q'), none)),
            Some(Action::Quit)
        );
        assert_eq!(
            action_for(&press(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        // Plain `c` is not Ctrl-C.
        assert_eq!(
            action_for(&press(KeyCode::Char('c'), none)),
            Some(Action::CustomPeriod)
        );
        assert_eq!(
            action_for(&press(KeyCode::Char('x'), none)),
            Some(Action::Export)
        );
        assert_eq!(action_for(&press(KeyCode::Char('z'), none)), None);
        assert_eq!(
            action_for(&press(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            action_for(&press(KeyCode::Char('3'), none)),
            Some(Action::GoBoard)
        );
        assert_eq!(
            action_for(&press(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Action::PrevBoard)
        );
        assert_eq!(action_for(&press(KeyCode::Down, none)), Some(Action::Down));
    }

    #[test]
    fn no_key_is_bound_twice() {
        let mut seen = Vec::new();
        for b in BINDINGS {
            for k in b.keys {
                assert!(!seen.contains(k), "{} is bound twice", label(k));
                seen.push(*k);
            }
        }
    }

    #[test]
    fn labels_read_as_the_help_shows_them() {
        assert_eq!(binding(Action::GoBoard).keys_label(), "1–6");
        assert_eq!(binding(Action::Down).keys_label(), "j ↓");
        assert_eq!(binding(Action::Quit).keys_label(), "q Ctrl-C");
    }
}
