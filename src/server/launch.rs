//! Starting a server: the demo municipality in-process (for `regiedesk
//! demo`, the screenshots and the end-to-end tests) and the seeding that
//! `serve --demo` shares with it.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};

use super::simulator::Simulator;
use super::store::{self, Contents, Seed, Store};
use super::{AppState, audit, demo};
use crate::clock::Clock;
use crate::domain::model::{Person, Role};
use crate::domain::norms::Norms;

/// Seeds the demo municipality, `scale` times its size (see
/// [`demo::build_scaled`]), into `store`, which must be empty or hold demo
/// data. A demo that was written to since it was seeded is reset only when
/// `reset` says so; a store with real data is always refused. With
/// `progress`, a progress bar on the terminal (stderr) shows how far it got.
pub async fn seed_demo(
    store: &Arc<dyn Store>,
    url: &str,
    clock: Clock,
    norms: &Norms,
    scale: u32,
    progress: bool,
    reset: bool,
) -> anyhow::Result<Seed> {
    match store.contents().await? {
        Contents::Production => {
            bail!("{url} holds real data; the demo seeds only an empty or demo database")
        }
        Contents::Demo if !reset && store.written_since_seed().await? => bail!(
            "{url} holds the demo plus changes made through the API since it was seeded; \
             reseeding would wipe them. `regiedesk serve --demo --reset` wipes them and seeds \
             afresh; `regiedesk serve --demo --keep` serves the demo as it is"
        ),
        Contents::Demo => store.reset().await?,
        Contents::Empty => {}
    }
    let bar = if progress {
        ProgressBar::new_spinner()
    } else {
        ProgressBar::hidden()
    };
    bar.set_message(format!("building a municipality {scale}x the demo"));
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let now = clock.now();
    let build_norms = norms.clone();
    let seed = tokio::task::spawn_blocking(move || demo::build_scaled(now, &build_norms, scale))
        .await
        .context("building the demo municipality")?;
    let rows = seed.households.len() + seed.cases.len() + seed.requests.len() + seed.events.len();
    bar.set_style(
        ProgressStyle::with_template(
            "{msg} {wide_bar} {human_pos}/{human_len} rows, {elapsed}, ~{eta} left",
        )
        .expect("a valid template"),
    );
    bar.set_length(rows as u64);
    bar.set_message(format!(
        "seeding {} households, {} cases, {} requests",
        seed.households.len(),
        seed.cases.len(),
        seed.requests.len()
    ));
    let seeder = Person {
        login: "admin".into(),
        display_name: "demo".into(),
        role: Role::Administratief,
        organisation: "gemeente".into(),
        specialism: None,
        capacity: None,
        active: true,
    };
    let audit = audit::AuditDraft::ok(&seeder, clock.now(), "demo.seed");
    let counter = bar.clone();
    store
        .seed_reporting(&seed, audit, &move |n| counter.inc(n))
        .await?;
    bar.finish_and_clear();
    Ok(seed)
}

/// The demo running in this process: a throw-away SQLite database, the
/// seeded municipality, the API on a loopback port and, if asked, the
/// simulator. Everything stops when this is dropped.
pub struct Demo {
    pub base: String,
    pub store: Arc<dyn Store>,
    pub households: usize,
    pub cases: usize,
    pub requests: usize,
    server: tokio::task::JoinHandle<()>,
    simulator: Option<tokio::task::JoinHandle<()>>,
    _scratch: tempfile::TempDir,
}

impl Demo {
    /// The demo, with the simulator when `simulate`.
    pub async fn start(
        bind: SocketAddr,
        clock: Clock,
        norms: Norms,
        simulate: bool,
    ) -> anyhow::Result<Demo> {
        Self::launch(bind, clock, norms, simulate.then_some(None), 1).await
    }

    /// The demo with the simulator, for a desk logged in as `desk_login`:
    /// the simulator never acts as that login.
    pub async fn start_for(
        bind: SocketAddr,
        clock: Clock,
        norms: Norms,
        desk_login: &str,
    ) -> anyhow::Result<Demo> {
        Self::launch(bind, clock, norms, Some(Some(desk_login)), 1).await
    }

    /// [`Demo::start_for`] on a municipality `scale` times the demo's size,
    /// with a progress bar while it is seeded when `scale` is above 1.
    pub async fn start_scaled_for(
        bind: SocketAddr,
        clock: Clock,
        norms: Norms,
        desk_login: &str,
        scale: u32,
    ) -> anyhow::Result<Demo> {
        Self::launch(bind, clock, norms, Some(Some(desk_login)), scale).await
    }

    /// `simulate`: `None` for no simulator, `Some(desk_login)` for one
    /// that leaves `desk_login` (when known) alone.
    async fn launch(
        bind: SocketAddr,
        clock: Clock,
        norms: Norms,
        simulate: Option<Option<&str>>,
        scale: u32,
    ) -> anyhow::Result<Demo> {
        if !bind.ip().is_loopback() {
            bail!("de demo heeft bekende tokens en luistert alleen op loopback, niet op {bind}");
        }
        let scratch = tempfile::tempdir()?;
        let url = format!("sqlite://{}", scratch.path().join("demo.db").display());
        let store = store::connect(&url).await?;
        let seed = seed_demo(&store, &url, clock, &norms, scale, scale > 1, false).await?;
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .with_context(|| format!("kan niet luisteren op {bind}"))?;
        let base = format!("http://{}", listener.local_addr()?);
        let calendar = norms.calendar.clone();
        let state = AppState::new(store.clone(), clock, norms);
        let server = tokio::spawn(async move {
            let app = super::router(state);
            let forever = std::future::pending();
            if let Err(error) =
                super::listen::serve(listener, app, Default::default(), None, forever).await
            {
                tracing::error!(%error, "demo server stopped");
            }
        });
        let simulator = simulate.map(|desk_login| {
            let households = seed.households.iter().map(|h| h.id).collect();
            let simulator = Simulator::new(&base, clock, calendar, households, 7);
            match desk_login {
                Some(login) => simulator.leaving_alone(login),
                None => simulator,
            }
            .spawn()
        });
        Ok(Demo {
            base,
            store,
            households: seed.households.len(),
            cases: seed.cases.len(),
            requests: seed.requests.len(),
            server,
            simulator,
            _scratch: scratch,
        })
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        self.server.abort();
        if let Some(simulator) = &self.simulator {
            simulator.abort();
        }
    }
}
