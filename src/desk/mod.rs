//! The desk: a terminal UI in The Elm Architecture. [`app`] holds the
//! state and `update`, [`view`] draws it, and this module is the runtime:
//! it reads the terminal, runs the sync task and the API calls in tokio
//! tasks, and feeds everything back into `update` as messages.

pub mod app;
pub mod charts;
pub mod columns;
pub mod doorstroom;
pub mod export;
pub mod keymap;
pub mod labels;
pub mod login;
pub mod notify;
pub mod screens;
pub mod shown_text;
pub mod svg;
pub mod sync;
pub mod view;

use std::time::Duration;

use crossterm::event::{Event, EventStream, KeyEventKind};
use futures_util::StreamExt;
use tokio::sync::mpsc;

use crate::api::client::ApiClient;
use crate::clock::Clock;
use app::{ActionCall, App, Changed, Command, Msg, Settings};

/// How the desk is started.
pub struct Launch {
    pub client: ApiClient,
    pub clock: Clock,
    pub settings: Settings,
    pub poll_interval: Duration,
    /// Where the desk's files go: saved views, exports.
    pub files: Files,
}

/// The files the desk writes besides the screen.
#[derive(Debug, Clone)]
pub struct Files {
    /// The configuration file saved views are written into.
    pub config: Option<std::path::PathBuf>,
    /// Where `x` writes its CSV files.
    pub exports: std::path::PathBuf,
}

impl Files {
    /// `--config` or the default configuration path; the configured
    /// export directory, else the user's downloads, else home.
    pub fn new(config: Option<std::path::PathBuf>, export_dir: Option<std::path::PathBuf>) -> Self {
        let exports = export_dir
            .or_else(|| {
                directories::UserDirs::new()
                    .map(|d| d.download_dir().unwrap_or(d.home_dir()).to_path_buf())
            })
            .unwrap_or_else(|| std::path::PathBuf::from("."));
        Files {
            config: config.or_else(crate::config::default_path),
            exports,
        }
    }
}

/// Runs the desk until the user quits (or SIGTERM/SIGHUP). The terminal is
/// restored on every way out: normal exit, error, panic (ratatui's hook) and
/// signals.
pub async fn run(launch: Launch) -> anyhow::Result<()> {
    let mouse = launch.settings.mouse;
    let mut terminal = ratatui::init();
    if mouse {
        crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture)?;
    }
    let result = match connect(&mut terminal, &launch).await {
        Ok(Some(me)) => event_loop(&mut terminal, launch, me).await,
        Ok(None) => Ok(()),
        Err(error) => Err(error),
    };
    if mouse {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
    }
    ratatui::restore();
    result
}

/// Asks the server who the user is, and keeps asking (1 s, 2 s, 4 s … up
/// to a minute) while it cannot be reached or refuses, with a screen that
/// says so: the desk opens whether or not the server is up. `None`: the
/// user quit while waiting.
async fn connect(
    terminal: &mut ratatui::DefaultTerminal,
    launch: &Launch,
) -> anyhow::Result<Option<crate::api::wire::Me>> {
    let mut events = EventStream::new();
    let mut wait = Duration::from_secs(1);
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    loop {
        let failure = match launch.client.me().await {
            Ok(me) => return Ok(Some(me)),
            Err(failure) => failure,
        };
        let waiting = view::Connecting {
            lang: launch.settings.lang,
            mono: launch.settings.mono,
            server: launch.client.base().to_string(),
            denied: failure.is_denied(),
            sso: launch.client.session().is_some(),
            error: failure.reason(),
            retry_at: launch.clock.now() + chrono::TimeDelta::from_std(wait).unwrap_or_default(),
        };
        let retry = tokio::time::sleep(wait);
        tokio::pin!(retry);
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            let now = launch.clock.now();
            terminal.draw(|frame| view::draw_connecting(frame, &waiting, now))?;
            tokio::select! {
                _ = &mut retry => break,
                _ = tick.tick() => {}
                _ = term.recv() => return Ok(None),
                event = events.next() => match event {
                    Some(Ok(Event::Key(key))) if key.kind != KeyEventKind::Release => {
                        use crossterm::event::{KeyCode, KeyModifiers};
                        match key.code {
                            KeyCode::Char('q') => return Ok(None),
                            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                                return Ok(None);
                            }
                            // Ctrl-R: try now.
                            KeyCode::Char('r') if key.modifiers.contains(KeyModifiers::CONTROL) => break,
                            _ => {}
                        }
                    }
                    Some(Err(error)) => return Err(error.into()),
                    None => return Ok(None),
                    _ => {}
                },
            }
        }
        wait = (wait * 2).min(Duration::from_secs(60));
    }
}

/// A device login for the running desk: the code on screen, then the
/// new session handed to every clone of the client.
async fn relogin(client: &ApiClient, tx: &mpsc::UnboundedSender<Msg>) -> app::ReloginMsg {
    use app::ReloginMsg;
    let Some(session) = client.session() else {
        return ReloginMsg::Failed("deze desk gebruikt een vast token".into());
    };
    let device = match crate::api::sso::start_device_login(client.base()).await {
        Ok(device) => device,
        Err(error) => return ReloginMsg::Failed(error.to_string()),
    };
    let _ = tx.send(Msg::Relogin(ReloginMsg::Prompt {
        verification_uri: device.verification_uri.clone(),
        verification_uri_complete: device.verification_uri_complete.clone(),
        user_code: device.user_code.clone(),
        expires_at: device.expires_at,
    }));
    match device.finish().await {
        Ok(new) => {
            session.replace(new).await;
            ReloginMsg::Done
        }
        Err(error) => ReloginMsg::Failed(error.to_string()),
    }
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    launch: Launch,
    me: crate::api::wire::Me,
) -> anyhow::Result<()> {
    let Launch {
        client,
        clock,
        settings,
        poll_interval,
        files,
    } = launch;
    let size = terminal.size()?;
    let notifications = settings.notifications;
    let mut app = App::new(me, settings, clock.now(), (size.width, size.height));
    app.sso = client.session().is_some();
    let first = app.start();
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let mut runtime = Runtime {
        poller: sync::spawn(client.clone(), clock, poll_interval, tx.clone()),
        client,
        tx,
        notifications,
        login: None,
        files,
    };
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    for command in first {
        runtime.execute(command);
    }
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
    loop {
        terminal.draw(|frame| view::draw(frame, &app))?;
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) if key.kind != KeyEventKind::Release => Msg::Key(key),
                Some(Ok(Event::Resize(w, h))) => Msg::Resize(w, h),
                Some(Ok(Event::Mouse(mouse))) => Msg::Mouse(mouse),
                Some(Ok(_)) => continue,
                Some(Err(error)) => return Err(error.into()),
                None => Msg::Quit,
            },
            Some(msg) = rx.recv() => msg,
            _ = tick.tick() => Msg::Tick(clock.now()),
            _ = term.recv() => Msg::Quit,
            _ = hangup.recv() => Msg::Quit,
        };
        for command in app.update(msg) {
            runtime.execute(command);
        }
        if app.quit {
            return Ok(());
        }
    }
}

/// What the runtime works with to carry out the commands `update` returns.
struct Runtime {
    client: ApiClient,
    poller: sync::Poller,
    tx: mpsc::UnboundedSender<Msg>,
    notifications: bool,
    /// A login under way (`L`).
    login: Option<tokio::task::JoinHandle<()>>,
    files: Files,
}

impl Runtime {
    fn execute(&mut self, command: Command) {
        let Runtime {
            client,
            poller,
            tx,
            notifications,
            login,
            files,
        } = self;
        match command {
            Command::Export {
                file_name,
                contents,
                rows,
            } => {
                let result = write_export(&files.exports, &file_name, contents.as_bytes());
                let _ = tx.send(Msg::Exported { rows, result });
            }
            Command::SaveView { name, view } => {
                let result = match &files.config {
                    Some(path) => crate::config::save_view(path, &name, &view)
                        .map(|()| path.display().to_string()),
                    None => Err("geen map voor de configuratie".into()),
                };
                let _ = tx.send(Msg::ViewSaved { name, result });
            }
            Command::SyncNow => poller.wake(),
            Command::Login => {
                if let Some(previous) = login.take() {
                    previous.abort();
                }
                let client = client.clone();
                let tx = tx.clone();
                *login = Some(tokio::spawn(async move {
                    let msg = relogin(&client, &tx).await;
                    let _ = tx.send(Msg::Relogin(msg));
                }));
            }
            Command::CancelLogin => {
                if let Some(previous) = login.take() {
                    previous.abort();
                }
            }
            Command::LoadDetail(case_id) => {
                let client = client.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    let result = client.case_detail(case_id).await.map(Box::new);
                    let _ = tx.send(Msg::DetailLoaded { case_id, result });
                });
            }
            Command::Act { ticket, call } => {
                let client = client.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    let result = act(&client, call).await;
                    let _ = tx.send(Msg::ActionDone { ticket, result });
                });
            }
            Command::LoadStats { period, by } => {
                let client = client.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    let result = client.throughput(period, by).await.map(Box::new);
                    let _ = tx.send(Msg::StatsLoaded { period, by, result });
                });
            }
            Command::Copy(number) => {
                use crossterm::clipboard::CopyToClipboard;
                // Numbers only: nothing that identifies a person.
                let _ = crossterm::execute!(
                    std::io::stdout(),
                    CopyToClipboard::to_clipboard_from(number)
                );
            }
            Command::Notify { summary, body } => {
                if *notifications {
                    tokio::spawn(notify::send_desktop(summary, body));
                }
            }
        }
    }
}

/// Writes an export as `name`, or `name-2`, `name-3`... when a file of
/// that name is there (two exports in one second): never over another.
/// Says where it went, or why not in words a user reads.
fn write_export(dir: &std::path::Path, name: &str, contents: &[u8]) -> Result<String, String> {
    let (stem, extension) = name.rsplit_once('.').unwrap_or((name, ""));
    for n in 1..100 {
        let candidate = if n == 1 {
            name.to_string()
        } else {
            format!("{stem}-{n}.{extension}")
        };
        let path = dir.join(candidate);
        match write_private(&path, contents) {
            Ok(()) => return Ok(path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                let why = match e.kind() {
                    std::io::ErrorKind::PermissionDenied => "geen schrijfrechten".to_string(),
                    std::io::ErrorKind::NotFound => "map bestaat niet".to_string(),
                    _ => e.to_string(),
                };
                return Err(format!("{}: {why}", path.display()));
            }
        }
    }
    Err(format!("{}: te veel exports met deze naam", dir.display()))
}

/// Writes a file only the user can read (an export holds case numbers
/// and pseudonyms), replacing none: an existing file is an error.
fn write_private(path: &std::path::Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents)
}

/// Sends one change to the API.
pub async fn act(
    client: &ApiClient,
    call: ActionCall,
) -> Result<Changed, crate::api::client::ApiFailure> {
    match call {
        ActionCall::Case {
            case_id,
            action,
            body,
            version,
        } => client
            .case_action(case_id, action, &body, version)
            .await
            .map(|case| Changed::Case(Box::new(case))),
        ActionCall::Decide {
            request_id,
            body,
            version,
        } => client
            .decide(request_id, &body, version)
            .await
            .map(|request| Changed::Request(Box::new(request))),
        ActionCall::Request {
            request_id,
            action,
            body,
            version,
        } => client
            .request_action(request_id, action, &body, version)
            .await
            .map(|request| Changed::Request(Box::new(request))),
        ActionCall::Absence { login, body } => client
            .add_absence(&login, &body)
            .await
            .map(|absence| Changed::Absence(Box::new(absence))),
        ActionCall::AbsenceWithdraw { login, id } => client
            .withdraw_absence(&login, id)
            .await
            .map(|()| Changed::AbsenceGone(login, id)),
        ActionCall::NoteAdd { case_id, body } => client
            .add_note(case_id, &body)
            .await
            .map(|note| Changed::Note(Box::new(note))),
        ActionCall::NoteDone { case_id, note_id } => client
            .finish_note(case_id, note_id)
            .await
            .map(|note| Changed::Note(Box::new(note))),
        ActionCall::AbsenceChange { login, id, body } => client
            .change_absence(&login, id, &body)
            .await
            .map(|absence| Changed::Absence(Box::new(absence))),
    }
}
