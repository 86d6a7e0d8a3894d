//! What a key does: the board's keys (what is offered, and why not when
//! a key does nothing), and the keys of each overlay.

use super::*;

impl App {
    pub(super) fn on_key(&mut self, key: KeyEvent) -> Vec<Command> {
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.quit = true;
            return Vec::new();
        }
        if let KeyCode::Char(c) = key.code
            && key.modifiers == KeyModifiers::ALT
        {
            // A terminal sends Esc quickly followed by a key as Alt+key;
            // the user meant Esc, then the key. No binding uses Alt.
            let mut commands = self.on_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
            commands.extend(self.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
            return commands;
        }
        if self.relogin.is_some() {
            return self.on_relogin_key(key);
        }
        if self.asks_relogin(&key) {
            return self.start_relogin();
        }
        if let Some(overlay) = self.overlay.take() {
            return self.on_overlay_key(overlay, key);
        }
        match keymap::action_for(&key) {
            Some(action) if self.offers(action) => self.perform(action, key),
            Some(action) if action.changes_a_case() && self.read_only() => {
                self.say(
                    self.lang()
                        .pick(
                            "Alleen lezen: de procesmanager volgt de cijfers en handelt niet op zaken.",
                            "Read only: the procesmanager follows the figures and does not act on cases.",
                        )
                        .to_string(),
                    StatusKind::Notice,
                );
                Vec::new()
            }
            Some(action) => {
                // A key that does nothing here says why, never nothing.
                if let Some(why) = self.why_not(action) {
                    self.say(why, StatusKind::Notice);
                }
                Vec::new()
            }
            None => Vec::new(),
        }
    }

    /// Why a key that means something does nothing on this row, when the
    /// reason is not obvious from the screen.
    pub(super) fn why_not(&self, action: Action) -> Option<String> {
        let lang = self.lang();
        if self.has_marks() {
            match action {
                Action::Reassign => return self.bulk_why_not(BulkAction::Reassign),
                Action::Escalate => return self.bulk_why_not(BulkAction::Escalate),
                other if other.changes_a_case() => {
                    let marked = self.table().map_or(0, |t| t.marked_count());
                    return Some(match lang {
                        Language::Nl => format!(
                            "{} gemarkeerd: t, e en x werken op de markering; deze actie geldt voor één zaak. Esc heft de markering op.",
                            if marked == 1 {
                                "Er is 1 rij".to_string()
                            } else {
                                format!("Er zijn {marked} rijen")
                            }
                        ),
                        Language::En => format!(
                            "{marked} marked: t, e and x act on the marked rows; this action is for one case. Esc lifts the marks."
                        ),
                    });
                }
                _ => {}
            }
        }
        match action {
            // A case action this role may not take here: the domain's own
            // words for why (as the server would refuse it).
            Action::Reassign
            | Action::Escalate
            | Action::TakeOver
            | Action::Deescalate
            | Action::FollowUp
            | Action::Postpone => {
                let case = self.selected_case()?;
                // Escalation and taking over are for a case in progress; a
                // closed one (or in waakvlam) says so rather than nothing.
                if matches!(
                    action,
                    Action::Escalate | Action::TakeOver | Action::Deescalate
                ) && !case.is_open()
                {
                    return Some(match lang {
                        Language::Nl => format!(
                            "{} is gesloten{}; dit kan alleen op een open zaak.",
                            case.number,
                            if case.status == crate::domain::model::CaseStatus::Waakvlam {
                                " (waakvlam)"
                            } else {
                                ""
                            }
                        ),
                        Language::En => {
                            format!("{} is closed; this is for an open case only.", case.number)
                        }
                    });
                }
                if action == Action::TakeOver
                    && case.casusregisseur.as_deref() == Some(self.me.person.login.as_str())
                {
                    return Some(match lang {
                        Language::Nl => format!("{} is al in uw handen.", case.number),
                        Language::En => format!("{} is already yours.", case.number),
                    });
                }
                if action == Action::Escalate && case.escalated {
                    return Some(match lang {
                        Language::Nl => format!("{} is al opgeschaald.", case.number),
                        Language::En => format!("{} is already escalated.", case.number),
                    });
                }
                let what = match action {
                    Action::Reassign
                        if case.status == crate::domain::model::CaseStatus::Waakvlam =>
                    {
                        CaseAction::AssignFollowUp
                    }
                    Action::Reassign => CaseAction::Assign,
                    Action::Escalate => CaseAction::Escalate,
                    Action::TakeOver => CaseAction::TakeOver,
                    Action::Deescalate => CaseAction::Deescalate,
                    Action::FollowUp => CaseAction::RecordFollowUp,
                    _ => CaseAction::PostponeFollowUp,
                };
                permissions::may_act_on_case(&self.me.person, what, case)
                    .err()
                    .map(|denied| format!("{}: {}", case.number, denied.0))
            }
            Action::Absence if self.board == Board::Caseload => Some(
                lang.pick(
                    "A geldt voor een casusregisseur: kies zijn of haar rij (procesregisseurs).",
                    "A is for a casusregisseur: choose their row (procesregisseurs).",
                )
                .to_string(),
            ),
            Action::Plan | Action::Evaluate => {
                let case = self.selected_case()?;
                let may = permissions::may_act_on_case(&self.me.person, CaseAction::RecordPlan, case);
                let why = if let Err(denied) = may {
                    denied.0
                } else if !case.is_open() {
                    lang.pick("de zaak is gesloten", "the case is closed").into()
                } else if action == Action::Plan && case.first_contact_at.is_none() {
                    lang.pick("eerst het eerste contact", "first contact comes first").into()
                } else if action == Action::Plan {
                    lang.pick(
                        "het plan is er al; E evalueert de doelen",
                        "the plan is there; E evaluates its goals",
                    )
                    .into()
                } else if case.goals.is_empty() {
                    lang.pick(
                        "nog geen plan met doelen; P legt het vast",
                        "no plan with goals yet; P records it",
                    )
                    .into()
                } else {
                    lang.pick(
                        "geen doel loopt nog: alle behaald of vervallen",
                        "no goal is running: all reached or lapsed",
                    )
                    .into()
                };
                Some(format!("{}: {why}.", case.number))
            }
            Action::Bucket if self.board == Board::Doorstroom && self.sees_stats() => Some(
                lang.pick(
                    "Een week of maand staat per dag; per week of maand kiest u bij een langere periode (p).",
                    "A week or a month is shown per day; by week or month is for a longer period (p).",
                )
                .to_string(),
            ),
            Action::SortReverse if self.table().is_some() => Some(
                lang.pick(
                    "De volgorde van het bord draait niet om; kies eerst een kolom met s.",
                    "The board's own order does not reverse; choose a column with s first.",
                )
                .to_string(),
            ),
            _ => None,
        }
    }

    /// Shows a line in the footer for a few seconds.
    pub(super) fn say(&mut self, text: String, kind: StatusKind) {
        let ticks = if kind == StatusKind::Error {
            ERROR_TICKS
        } else {
            STATUS_TICKS
        };
        self.status = Some(Status { text, kind, ticks });
    }

    /// Whether the user may look but never change anything.
    pub fn read_only(&self) -> bool {
        self.me.person.role == crate::domain::model::Role::Procesmanager
    }

    /// Whether an action is offered here and now: the footer, the help and
    /// the keys all ask this, so a user is never offered what they may not do.
    pub fn offers(&self, action: Action) -> bool {
        let case = self.selected_case();
        let may = |what: CaseAction| {
            case.is_some_and(|c| {
                c.is_open() && permissions::may_act_on_case(&self.me.person, what, c).is_ok()
            })
        };
        if self.has_marks() {
            // With rows marked, t and e act on all of them.
            match action {
                Action::Reassign => return self.offers_bulk(BulkAction::Reassign),
                Action::Escalate => return self.offers_bulk(BulkAction::Escalate),
                Action::Back => return true,
                // The other changes are for one case: with rows marked
                // they would land on the cursor's row, which the user may
                // not mean; Esc lifts the marks first.
                other if other.changes_a_case() => return false,
                _ => {}
            }
        }
        match action {
            Action::Open => self.selected_key().is_some(),
            Action::Back => {
                self.drill.is_some() || self.table().is_some_and(|t| !t.filter.is_empty())
            }
            Action::Filter | Action::Sort => self.table().is_some(),
            Action::SortReverse => self.table().is_some_and(|t| t.sort.is_some()),
            Action::NextMatch | Action::PrevMatch => {
                self.table().is_some_and(|t| !t.filter.is_empty())
            }
            Action::Copy => self.selected_key().is_some_and(|k| k.case_id().is_some()),
            Action::Results => self.board == Board::Stagnatie,
            Action::Period | Action::CustomPeriod | Action::FiguresTable => {
                self.board == Board::Doorstroom && self.sees_stats()
            }
            // A week or a month is shown per day; weeks or months are a
            // choice for longer periods.
            Action::Bucket => {
                self.board == Board::Doorstroom
                    && self.sees_stats()
                    && self.doorstroom.bucket() != Bucket::Day
            }
            Action::Approve | Action::Reject => {
                self.board == Board::Mandaat
                    && matches!(self.selected_key(), Some(RowKey::Request { .. }))
            }
            Action::Suspend | Action::Resume | Action::Extend | Action::DefaultNotice => {
                self.offers_term_action(action)
            }
            Action::Reassign if self.board == Board::Waakvlam => {
                self.may_on_waakvlam(CaseAction::AssignFollowUp)
            }
            Action::Reassign => {
                (self.board == Board::Stagnatie || self.view() == Some(View::CasesOf))
                    && may(CaseAction::Assign)
            }
            Action::FollowUp => {
                self.board == Board::Waakvlam && self.may_on_waakvlam(CaseAction::RecordFollowUp)
            }
            Action::Postpone => {
                self.board == Board::Waakvlam && self.may_on_waakvlam(CaseAction::PostponeFollowUp)
            }
            Action::Escalate => may(CaseAction::Escalate) && case.is_some_and(|c| !c.escalated),
            Action::TakeOver => {
                self.board == Board::Doorzettingsmacht
                    && may(CaseAction::TakeOver)
                    && case
                        .is_some_and(|c| c.casusregisseur.as_deref() != Some(&self.me.person.login))
            }
            Action::Deescalate => {
                self.board == Board::Doorzettingsmacht
                    && may(CaseAction::Deescalate)
                    && case.is_some_and(|c| c.escalated)
            }
            Action::Login => self.sso,
            Action::Absence => self.absence_target().is_some(),
            // Rows that are cases or requests; a person is no case.
            Action::Mark | Action::MarkRange => {
                self.selected_key().is_some_and(|k| k.case_id().is_some())
                    || (action == Action::MarkRange && self.has_marks())
            }
            Action::Export => self.table().is_some_and(|t| !t.visible.is_empty()),
            Action::Note => self.offers_note(),
            Action::Evaluate => self.offers_evaluation(),
            Action::Plan => self.offers_plan(),
            _ => true,
        }
    }

    /// Whether the selected case is in waakvlam and the user may do `what`.
    pub(super) fn may_on_waakvlam(&self, what: CaseAction) -> bool {
        self.selected_case().is_some_and(|c| {
            c.status == crate::domain::model::CaseStatus::Waakvlam
                && permissions::may_act_on_case(&self.me.person, what, c).is_ok()
        })
    }

    pub(super) fn perform(&mut self, action: Action, key: KeyEvent) -> Vec<Command> {
        let page = self.page();
        match action {
            Action::Quit => self.quit = true,
            Action::Absence => return self.open_absence(),
            Action::Mark => self.toggle_mark(),
            Action::Note => self.open_note(),
            Action::Evaluate => self.open_evaluation(),
            Action::Plan => self.open_plan(),
            Action::MarkRange => self.toggle_range(),
            Action::Export => return self.export(),
            Action::Reassign if self.has_marks() => self.open_bulk(BulkAction::Reassign),
            Action::Escalate if self.has_marks() => self.open_bulk(BulkAction::Escalate),
            Action::GoBoard => {
                if let KeyCode::Char(c) = key.code
                    && let Some(digit) = c.to_digit(10)
                    && let Some(&board) = self.settings.tabs.get(digit as usize - 1)
                {
                    return self.go(board);
                }
            }
            Action::NextBoard | Action::PrevBoard => {
                let tabs = &self.settings.tabs;
                let at = tabs.iter().position(|&b| b == self.board).unwrap_or(0);
                let next = if action == Action::NextBoard {
                    (at + 1) % tabs.len()
                } else {
                    (at + tabs.len() - 1) % tabs.len()
                };
                return self.go(tabs[next]);
            }
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.move_by(-(page as isize)),
            Action::PageDown => self.move_by(page as isize),
            Action::HalfPageUp => self.move_by(-((page / 2).max(1) as isize)),
            Action::HalfPageDown => self.move_by((page / 2).max(1) as isize),
            Action::NextMatch | Action::PrevMatch => {
                // Every row shown matches the filter: step through them,
                // round the end.
                if let Some(table) = self.table_mut() {
                    let count = table.visible.len();
                    if count > 0 {
                        table.selected = if action == Action::NextMatch {
                            (table.selected + 1) % count
                        } else {
                            (table.selected + count - 1) % count
                        };
                        table.scroll_to_selection(page);
                    }
                }
            }
            Action::Copy => return self.copy_number(),
            Action::Top => self.move_by(isize::MIN / 2),
            Action::Bottom => self.move_by(isize::MAX / 2),
            Action::Open => return self.open(),
            Action::Back => {
                if self.clear_marks() {
                    self.say(
                        self.lang()
                            .pick("Markering opgeheven.", "Marks cleared.")
                            .into(),
                        StatusKind::Notice,
                    );
                } else if let Some(table) = self.table_mut()
                    && !table.filter.is_empty()
                {
                    table.filter.clear();
                    table.refilter();
                } else {
                    self.leave_drill();
                }
            }
            Action::Filter => {
                let current = self.table().map(|t| t.filter.clone()).unwrap_or_default();
                self.overlay = Some(Overlay::Filter(Input::new(current)));
            }
            Action::Sort => {
                let columns = self.columns();
                let shown: Vec<usize> = (0..columns.len())
                    .filter(|&i| !self.hidden(&columns[i]))
                    .collect();
                if let Some(table) = self.table_mut() {
                    let next = match table.sort {
                        None => shown.first(),
                        Some(sort) => shown.iter().find(|&&i| i > sort.column),
                    };
                    table.sort = next.map(|&column| Sort {
                        column,
                        descending: table.numeric(column),
                    });
                    table.refilter();
                    table.top_when_it_fits(page);
                    table.scroll_to_selection(page);
                }
            }
            Action::SortReverse => {
                if let Some(table) = self.table_mut()
                    && let Some(sort) = table.sort.as_mut()
                {
                    sort.descending = !sort.descending;
                    table.refilter();
                    table.top_when_it_fits(page);
                    table.scroll_to_selection(page);
                }
            }
            Action::Palette => {
                self.overlay = Some(Overlay::Palette(Palette {
                    entries: self.palette_entries(""),
                    ..Palette::default()
                }));
            }
            Action::Help => self.overlay = Some(Overlay::Help(HelpScroll::Top(0))),
            // `asks_relogin` takes these keys before the key map.
            Action::Login => return self.start_relogin(),
            Action::Refresh => {
                let mut commands = vec![Command::SyncNow];
                if self.board == Board::Doorstroom {
                    commands.extend(self.load_stats());
                }
                return commands;
            }
            Action::FiguresTable => self.doorstroom.table = !self.doorstroom.table,
            Action::Results => {
                self.results = !self.results;
                let page = self.page();
                if self.results {
                    // Kept only while shown: made now, as it stands.
                    self.refresh_results();
                } else if let Some(table) = self.table_mut() {
                    table.scroll_to_selection(page);
                }
            }
            Action::Period => {
                self.doorstroom.preset = self.doorstroom.preset.next();
                return self.load_stats();
            }
            Action::Bucket => {
                self.doorstroom.by = match self.doorstroom.by {
                    Bucket::Week => Bucket::Month,
                    Bucket::Month | Bucket::Day => Bucket::Week,
                };
                return self.load_stats();
            }
            Action::CustomPeriod => {
                let current = self.doorstroom.preset.period(local_date(self.now));
                self.overlay = Some(Overlay::Period(
                    // In the form the prompt asks for, as every dialog does.
                    Input::new(format!(
                        "{} {}",
                        current.from.format("%d-%m-%Y"),
                        current.to.format("%d-%m-%Y")
                    )),
                    None,
                ));
            }
            Action::Suspend | Action::Resume | Action::Extend | Action::DefaultNotice => {
                if let Some(RowKey::Request { request_id, .. }) = self.selected_key().cloned() {
                    let kind = match action {
                        Action::Suspend => DialogKind::Suspend { request_id },
                        Action::Resume => DialogKind::Resume { request_id },
                        Action::Extend => DialogKind::Extend { request_id },
                        _ => DialogKind::DefaultNotice { request_id },
                    };
                    self.open_dialog(kind, None);
                }
            }
            Action::Approve | Action::Reject => {
                if let Some(RowKey::Request { request_id, .. }) = self.selected_key().cloned() {
                    let kind = if action == Action::Approve {
                        DialogKind::Approve { request_id }
                    } else {
                        DialogKind::Reject { request_id }
                    };
                    self.open_dialog(kind, None);
                }
            }
            Action::FollowUp | Action::Postpone => {
                if let Some(case) = self.selected_case() {
                    let case_id = case.id;
                    // The postponement starts from four weeks after the
                    // date it has: the user edits what needs changing.
                    let suggestion = case.waakvlam_until.map(|until| {
                        (until + chrono::Days::new(28))
                            .format("%d-%m-%Y")
                            .to_string()
                    });
                    if action == Action::FollowUp {
                        self.open_dialog(
                            DialogKind::FollowUp {
                                case_id,
                                concern: false,
                            },
                            None,
                        );
                    } else {
                        self.open_dialog(DialogKind::Postpone { case_id }, None);
                        if let (Some(Overlay::Dialog(dialog)), Some(text)) =
                            (&mut self.overlay, suggestion)
                        {
                            // The date is suggested in its field (Tab to
                            // change it); typing starts with the reason.
                            dialog.amount = Input::new(text);
                            dialog.on_amount = false;
                        }
                    }
                }
            }
            Action::Reassign | Action::Escalate | Action::TakeOver | Action::Deescalate => {
                if let Some(case) = self.selected_case() {
                    let case_id = case.id;
                    let (kind, picker) = match action {
                        Action::Reassign => {
                            let kind = if self.board == Board::Waakvlam {
                                DialogKind::FollowUpHolder { case_id }
                            } else {
                                DialogKind::Reassign { case_id }
                            };
                            let listed = self.listing(&kind, &[]);
                            let order = listed.iter().map(|c| c.login.clone()).collect();
                            (
                                kind,
                                Some(Picker {
                                    order,
                                    listed,
                                    ..Picker::default()
                                }),
                            )
                        }
                        Action::Escalate => (DialogKind::Escalate { case_id }, None),
                        Action::TakeOver => (DialogKind::TakeOver { case_id }, None),
                        _ => (DialogKind::Deescalate { case_id }, None),
                    };
                    self.open_dialog(kind, picker);
                }
            }
        }
        Vec::new()
    }

    /// The number of the request or case a row points at.
    pub(super) fn number_of(&self, key: &RowKey) -> Option<String> {
        match key {
            RowKey::Request { request_id, .. } => self
                .snapshot
                .requests
                .get(request_id)
                .map(|r| r.number.clone()),
            key => key
                .case_id()
                .and_then(|id| self.snapshot.cases.get(&id))
                .map(|c| c.number.clone()),
        }
    }

    /// Copies the selected request's or case's number to the clipboard.
    pub(super) fn copy_number(&mut self) -> Vec<Command> {
        let Some(number) = self.selected_key().and_then(|k| self.number_of(k)) else {
            return Vec::new();
        };
        self.say(
            format!("{number} {}", self.lang().pick("gekopieerd", "copied")),
            StatusKind::Done,
        );
        vec![Command::Copy(number)]
    }

    /// The reassign picker for `case_id`, as `t` opens it.
    pub(super) fn open_picker(&mut self, case_id: i64) {
        let kind = DialogKind::Reassign { case_id };
        let listed = self.listing(&kind, &[]);
        let order = listed.iter().map(|c| c.login.clone()).collect();
        self.open_dialog(
            kind,
            Some(Picker {
                order,
                listed,
                ..Picker::default()
            }),
        );
    }

    pub(super) fn open_dialog(&mut self, kind: DialogKind, picker: Option<Picker>) {
        let Ok(seen) = kind.target(&self.snapshot) else {
            return;
        };
        self.status = None;
        let today = crate::domain::calendar::local_date(self.now);
        self.overlay = Some(Overlay::Dialog(Dialog {
            kind,
            amount: Input::new(kind.amount_default(today)),
            on_amount: kind.starts_on_amount(),
            hand_back: false,
            reason: Input::default(),
            flight: Flight::Editing,
            ticket: 0,
            picker,
            seen,
        }));
    }

    /// Back from one casusregisseur's cases to the board (the drill-down's
    /// rows and table go with it).
    pub(super) fn leave_drill(&mut self) {
        if self.drill.take().is_some() {
            self.live.drill(&self.snapshot, &self.index, None);
            self.tables.remove(&View::CasesOf);
        }
    }

    pub(super) fn go(&mut self, board: Board) -> Vec<Command> {
        if self.board != board {
            self.board = board;
            self.leave_drill();
        }
        let stale = self.doorstroom.figures.is_none() || self.doorstroom.age >= REFRESH_AFTER;
        if board == Board::Doorstroom && stale && !self.doorstroom.loading {
            return self.load_stats();
        }
        Vec::new()
    }

    pub(super) fn move_by(&mut self, delta: isize) {
        let page = self.page();
        if let Some(table) = self.table_mut() {
            table.move_by(delta, page);
        }
    }

    pub(super) fn open(&mut self) -> Vec<Command> {
        match self.selected_key().cloned() {
            Some(RowKey::Person(login)) => {
                self.live
                    .drill(&self.snapshot, &self.index, Some(login.as_deref()));
                self.drill = Some(login);
                let rows = columns::cases_of(
                    &self.live.cases_of(&self.snapshot),
                    &self.index,
                    self.settings.norms.counting,
                    self.lang(),
                );
                let mut table = TableView::default();
                table.set_rows(rows);
                table.scroll_to_selection(self.page());
                self.tables.insert(View::CasesOf, table);
                Vec::new()
            }
            Some(key) => match key.case_id() {
                Some(case_id) => self.open_detail(case_id),
                None => Vec::new(),
            },
            None => Vec::new(),
        }
    }

    /// Opens a case's detail and history: an audited read on the server.
    pub(super) fn open_detail(&mut self, case_id: i64) -> Vec<Command> {
        self.overlay = Some(Overlay::Detail(Detail {
            case_id,
            state: DetailState::Loading,
            scroll: 0,
        }));
        vec![Command::LoadDetail(case_id)]
    }

    pub(super) fn on_overlay_key(&mut self, overlay: Overlay, key: KeyEvent) -> Vec<Command> {
        match overlay {
            Overlay::Absence(form) => self.on_absence_key(form, key),
            Overlay::Redistribution(plan) => self.on_redistribution_key(plan, key),
            Overlay::Bulk(bulk) => self.on_bulk_key(bulk, key),
            Overlay::Note(form) => self.on_note_key(form, key),
            Overlay::Evaluation(form) => self.on_evaluation_key(form, key),
            Overlay::Plan(form) => self.on_plan_key(form, key),
            Overlay::Help(scroll) => {
                // j/k, the arrows and the page keys scroll a help taller
                // than the terminal; Esc, ? or q close it.
                let scroll = match key.code {
                    KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') => return Vec::new(),
                    KeyCode::Down | KeyCode::Char('j') => scroll.step(1),
                    KeyCode::Up | KeyCode::Char('k') => scroll.step(-1),
                    KeyCode::PageDown => scroll.step(10),
                    KeyCode::PageUp => scroll.step(-10),
                    KeyCode::Char('g') | KeyCode::Home => HelpScroll::Top(0),
                    KeyCode::Char('G') | KeyCode::End => HelpScroll::End(0),
                    _ => scroll,
                };
                self.overlay = Some(Overlay::Help(scroll));
                Vec::new()
            }
            Overlay::Filter(mut input) => {
                match key.code {
                    KeyCode::Esc => {
                        if let Some(table) = self.table_mut() {
                            table.filter.clear();
                            table.refilter();
                        }
                        return Vec::new();
                    }
                    KeyCode::Enter => return Vec::new(),
                    KeyCode::Up | KeyCode::Down => {
                        self.move_by(if key.code == KeyCode::Up { -1 } else { 1 });
                    }
                    _ => {
                        input.handle_event(&Event::Key(key));
                        let page = self.page();
                        if let Some(table) = self.table_mut() {
                            table.filter = input.value().to_string();
                            // The selected row stays selected while it
                            // matches; otherwise the first match is.
                            if !table.refilter() {
                                table.selected = 0;
                            }
                            table.scroll_to_selection(page);
                        }
                    }
                }
                self.overlay = Some(Overlay::Filter(input));
                Vec::new()
            }
            Overlay::Palette(mut palette) => {
                match key.code {
                    KeyCode::Esc => return Vec::new(),
                    KeyCode::Enter => {
                        return match palette.entries.into_iter().nth(palette.selected) {
                            Some((_, command)) => self.run_palette(command),
                            None => Vec::new(),
                        };
                    }
                    KeyCode::Up => palette.selected = palette.selected.saturating_sub(1),
                    KeyCode::Down => {
                        palette.selected =
                            (palette.selected + 1).min(palette.entries.len().saturating_sub(1));
                    }
                    _ => {
                        palette.input.handle_event(&Event::Key(key));
                        palette.selected = 0;
                        palette.entries = self.palette_entries(palette.input.value());
                    }
                }
                self.overlay = Some(Overlay::Palette(palette));
                Vec::new()
            }
            Overlay::Detail(mut detail) => {
                match key.code {
                    KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => return Vec::new(),
                    KeyCode::Down | KeyCode::Char('j') => {
                        detail.scroll = detail.scroll.saturating_add(1)
                    }
                    KeyCode::Up | KeyCode::Char('k') => {
                        detail.scroll = detail.scroll.saturating_sub(1)
                    }
                    KeyCode::PageDown => detail.scroll = detail.scroll.saturating_add(10),
                    KeyCode::PageUp => detail.scroll = detail.scroll.saturating_sub(10),
                    _ => {}
                }
                self.overlay = Some(Overlay::Detail(detail));
                Vec::new()
            }
            Overlay::Dialog(dialog) => self.on_dialog_key(dialog, key),
            Overlay::Period(mut input, _) => match key.code {
                KeyCode::Esc => Vec::new(),
                KeyCode::Enter => match parse_period(input.value(), self.lang()) {
                    Ok(period) => {
                        self.doorstroom.preset = Preset::Custom(period);
                        self.load_stats()
                    }
                    Err(error) => {
                        self.overlay = Some(Overlay::Period(input, Some(error)));
                        Vec::new()
                    }
                },
                _ => {
                    input.handle_event(&Event::Key(key));
                    self.overlay = Some(Overlay::Period(input, None));
                    Vec::new()
                }
            },
        }
    }
}
