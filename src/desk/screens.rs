//! Rendering the desk off-screen: for snapshot tests and for the images in
//! `screenshots/`, which are drawn from the demo municipality through the
//! real API with a frozen clock, so they are the same on every run.

use std::path::Path;

use anyhow::Context;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use super::app::{App, Command, Msg, Settings};
use super::svg;
use crate::api::client::{ApiClient, SyncOutcome};
use crate::clock::Clock;
use crate::domain::boards::Board;
use crate::server::demo::demo_token;
use crate::server::launch::Demo;

/// The frame the desk would show on a terminal of this size.
pub fn render(app: &App, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test backend");
    terminal
        .draw(|frame| super::view::draw(frame, app))
        .expect("draw");
    terminal.backend().buffer().clone()
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn typed(text: &str) -> Vec<Msg> {
    text.chars().map(|c| key(KeyCode::Char(c))).collect()
}

/// A desk logged in as `login` on a running API, synced once.
pub async fn desk_on(
    base: &str,
    login: &str,
    settings: Settings,
    clock: Clock,
    size: (u16, u16),
) -> anyhow::Result<App> {
    let client = ApiClient::new(base, &demo_token(login))?;
    let me = client.me().await?;
    let mut app = App::new(me, settings, clock.now(), size);
    if let SyncOutcome::Changed { delta, .. } = client.sync(None, None).await? {
        app.update(Msg::Synced {
            delta,
            at: clock.now(),
        });
    }
    let commands = app.start();
    answer(&mut app, &client, commands).await;
    Ok(app)
}

/// Carries out the figures requests among `commands`, as the runtime would.
async fn answer(app: &mut App, client: &ApiClient, commands: Vec<Command>) {
    for command in commands {
        if let Command::LoadStats { period, by } = command {
            let result = client.throughput(period, by).await.map(Box::new);
            app.update(Msg::StatsLoaded { period, by, result });
        }
    }
}

/// One picture for the README: who is logged in, which keys lead there.
struct Shot {
    file: &'static str,
    login: &'static str,
    board: Board,
    keys: Vec<Msg>,
}

/// Renders every board (and a dialog and the help) of the demo into
/// `out` as SVG, and as PNG when `rsvg-convert` is installed.
pub async fn screenshots(
    out: &Path,
    clock: Clock,
    settings: Settings,
) -> anyhow::Result<Vec<String>> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let demo = Demo::start(
        "127.0.0.1:0".parse().expect("address"),
        clock,
        settings.norms.clone(),
        false,
    )
    .await?;
    let mut reject = vec![key(KeyCode::Char('r'))];
    reject.extend(typed("Past niet in het gezinsplan"));
    // The request nearest its deadline that still runs: the first row
    // with a countdown is found by moving down past the late ones.
    let mut suspend = vec![key(KeyCode::Char('/'))];
    suspend.extend(typed("nog "));
    suspend.extend([key(KeyCode::Enter), key(KeyCode::Char('u'))]);
    suspend.extend(typed("verslag van school en huisarts"));
    let shots = vec![
        Shot {
            file: "caseload",
            login: "pr-jeugd",
            board: Board::Caseload,
            keys: vec![],
        },
        Shot {
            file: "stagnatie",
            login: "pr-jeugd",
            board: Board::Stagnatie,
            keys: vec![],
        },
        Shot {
            file: "mandaat",
            login: "pr-jeugd",
            board: Board::Mandaat,
            keys: vec![],
        },
        Shot {
            file: "mandaat-afwijzen",
            login: "pr-jeugd",
            board: Board::Mandaat,
            keys: reject,
        },
        Shot {
            file: "doorzettingsmacht",
            login: "pr-dzm",
            board: Board::Doorzettingsmacht,
            keys: vec![],
        },
        Shot {
            file: "herverdelen",
            login: "pr-jeugd",
            board: Board::Stagnatie,
            keys: vec![key(KeyCode::Char('t'))],
        },
        Shot {
            file: "doorstroom",
            login: "pm",
            board: Board::Doorstroom,
            keys: vec![],
        },
        Shot {
            file: "mandaat-toekennen",
            login: "pr-jeugd",
            board: Board::Mandaat,
            keys: vec![key(KeyCode::Char('a'))],
        },
        Shot {
            file: "doorstroom-maand",
            login: "pm",
            board: Board::Doorstroom,
            // This week, then this month: per day.
            keys: vec![key(KeyCode::Char('p')), key(KeyCode::Char('p'))],
        },
        Shot {
            file: "waakvlam",
            login: "pr-jeugd",
            board: Board::Waakvlam,
            keys: vec![],
        },
        Shot {
            file: "mandaat-opschorten",
            login: "pr-jeugd",
            board: Board::Mandaat,
            keys: suspend,
        },
        Shot {
            file: "help",
            login: "pr-jeugd",
            board: Board::Stagnatie,
            keys: vec![key(KeyCode::Char('?'))],
        },
    ];
    let rsvg = which("rsvg-convert");
    let mut written = Vec::new();
    for shot in shots {
        let size = (160, 48);
        let mut app = desk_on(&demo.base, shot.login, settings.clone(), clock, size).await?;
        app.board = shot.board;
        let client = ApiClient::new(&demo.base, &demo_token(shot.login))?;
        for msg in shot.keys {
            let commands = app.update(msg);
            answer(&mut app, &client, commands).await;
        }
        let buffer = render(&app, size.0, size.1);
        let svg_path = out.join(format!("{}.svg", shot.file));
        std::fs::write(&svg_path, svg::render(&buffer))?;
        written.push(svg_path.display().to_string());
        if let Some(rsvg) = &rsvg {
            let png_path = out.join(format!("{}.png", shot.file));
            let status = std::process::Command::new(rsvg)
                .arg("-o")
                .arg(&png_path)
                .arg(&svg_path)
                .status()?;
            if status.success() {
                written.push(png_path.display().to_string());
            }
        }
    }
    Ok(written)
}

fn which(program: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
    })
}
