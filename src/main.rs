//! regiedesk: one binary, several faces. Wiring only; the work is in the
//! library.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Parser;
use rand::Rng;
use tracing_subscriber::EnvFilter;

use regiedesk::api::client::{ApiClient, ApiFailure, Bearer};
use regiedesk::api::credentials::Credentials;
use regiedesk::clock::Clock;
use regiedesk::config::{Config, Language, Theme};
use regiedesk::desk::app::Settings;
use regiedesk::desk::export;
use regiedesk::desk::{self, notify, screens};
use regiedesk::domain::model::Person;
use regiedesk::domain::norms::Norms;
use regiedesk::domain::stats::{Bucket, Period};
use regiedesk::server::launch::{self, Demo};
use regiedesk::server::simulator::Simulator;
use regiedesk::server::store;
use regiedesk::server::{AppState, audit, demo, http::token_hash, listen};
use regiedesk::zgw::source::Started;

mod cli;

/// Says the Dutch or the English text, as the operator reads.
macro_rules! say {
    ($lang:expr, $nl:literal, $en:literal $(, $arg:expr)* $(,)?) => {
        match $lang {
            Language::Nl => format!($nl $(, $arg)*),
            Language::En => format!($en $(, $arg)*),
        }
    };
}

use cli::{
    AuditCommand, CaseSource, Cli, Command, ConfigCommand, DeskArgs, ExportBucket, StaffCommand,
};
/// The moment screenshots are taken at unless REGIEDESK_NOW says otherwise:
/// a Tuesday afternoon, so every board has something to show.
const SCREENSHOT_NOW: &str = "2026-11-24T13:32:00Z";

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The desk owns the screen: its logs go to a file, never the terminal.
    let to_file = matches!(cli.command, None | Some(Command::Demo { .. }));
    if let Err(error) = init_logging(to_file) {
        eprintln!("regiedesk: {error:#}");
        return ExitCode::from(2);
    }
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("regiedesk: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn init_logging(to_file: bool) -> anyhow::Result<()> {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    if to_file {
        let path = match std::env::var_os("REGIEDESK_LOG") {
            Some(path) => PathBuf::from(path),
            None => {
                let dirs = directories::ProjectDirs::from("nl", "regiedesk", "regiedesk")
                    .context("geen thuismap voor het logbestand: zet REGIEDESK_LOG")?;
                dirs.data_local_dir().join("desk.log")
            }
        };
        // The log names cases and logins: the user's alone (0600 in 0700).
        let file = regiedesk::private::open_append(&path)
            .with_context(|| format!("kan het logbestand {} niet openen", path.display()))?;
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(false)
            .with_writer(std::sync::Mutex::new(file))
            .init();
    } else {
        // Colour codes only for a person at a terminal, never into a
        // journal or a file a beheerder greps.
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .with_writer(std::io::stderr)
            .init();
    }
    Ok(())
}

fn settings(config: &Config, lang: Option<Language>, place: String) -> Settings {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    Settings {
        lang: lang.unwrap_or(config.desk.language),
        mono: no_color || config.desk.theme == Theme::Mono,
        norms: config.norms.norms(),
        tabs: config.desk.boards.clone(),
        hidden: config.desk.hidden_columns.clone(),
        notifications: config.desk.notifications,
        mouse: config.desk.mouse,
        focus: config.desk.focus(),
        place,
        views: config.desk.views.clone(),
    }
}

fn place_of(server: &str) -> String {
    server
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string()
}

/// A static API token: `REGIEDESK_TOKEN`, else `token` in `[desk]`.
fn static_token(config: &Config) -> Option<String> {
    std::env::var("REGIEDESK_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .or(config.desk.token.clone())
}

/// What `login` and `logout` work with: the desk's options (given after
/// the subcommand or before it), its server, language and credentials.
fn login_options(
    options: DeskArgs,
    before: &DeskArgs,
    config: &Config,
) -> anyhow::Result<(DeskArgs, String, Language, Credentials)> {
    let options = options.or(before);
    let server = options.server.clone().unwrap_or(config.desk.server.clone());
    let lang = options.lang.unwrap_or(config.desk.language);
    let credentials = Credentials::new(config.desk.credential_store).map_err(anyhow::Error::msg)?;
    Ok((options, server, lang, credentials))
}

/// The desk's proof of identity at `server`: a static token, else the
/// session of `regiedesk login`.
async fn bearer(config: &Config, server: &str, lang: Language) -> anyhow::Result<Bearer> {
    let credentials = Credentials::new(config.desk.credential_store).map_err(anyhow::Error::msg)?;
    desk::login::bearer(server, static_token(config), &credentials, lang).await
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = Config::load_or_default(cli.config.as_deref())?;
    let norms = config.norms.norms();
    let poll_interval = Duration::from_secs(config.desk.poll_interval_seconds.into());
    let before = cli.desk;
    match cli.command {
        None => {
            let server = before.server.clone().unwrap_or(config.desk.server.clone());
            let lang = before.lang.unwrap_or(config.desk.language);
            let bearer = bearer(&config, &server, lang).await?;
            let clock = Clock::from_env().map_err(anyhow::Error::msg)?;
            desk::run(desk::Launch {
                client: ApiClient::for_desk(&server, bearer, &before.transport())?,
                clock,
                settings: settings(&config, before.lang, place_of(&server)),
                poll_interval,
                files: desk::Files::new(cli.config.clone(), config.desk.export_dir.clone()),
            })
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Serve {
            lang,
            bind,
            database_url,
            demo,
            simulate,
            tls_cert,
            tls_key,
            reset,
            keep,
            max_connections,
            scale,
            source,
        }) => {
            before.refuse_for("serve", true)?;
            let lang = lang.or(before.lang).unwrap_or(config.desk.language);
            let zgw = match source {
                CaseSource::Store => None,
                CaseSource::Zgw => Some(config.zgw.clone().ok_or_else(|| {
                    anyhow::anyhow!(say!(
                        lang,
                        "--source zgw vraagt een sectie [zgw] in de configuratie (zie config/regiedesk.toml)",
                        "--source zgw needs a [zgw] section in the configuration (see config/regiedesk.toml)"
                    ))
                })?),
            };
            let tls = match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => Some(listen::tls_acceptor(&cert, &key)?),
                _ => None,
            };
            let limits = listen::Limits {
                max_connections,
                ..listen::Limits::default()
            };
            let demo = demo.then_some(DemoSeed {
                reset,
                keep,
                scale,
                simulate,
            });
            let auth = regiedesk::server::auth::Authenticator::from_config(&config.auth).await?;
            serve(Serving {
                lang,
                bind,
                database_url,
                demo,
                norms,
                limits,
                tls,
                zgw,
                auth,
            })
            .await
        }
        Some(Command::Demo {
            login,
            bind,
            lang,
            scale,
        }) => {
            before.refuse_for("demo", true)?;
            let lang = lang.or(before.lang);
            let clock = Clock::from_env().map_err(anyhow::Error::msg)?;
            let demo = Demo::start_scaled_for(bind, clock, norms, &login, scale).await?;
            tracing::info!(base = %demo.base, "demo server");
            desk::run(desk::Launch {
                client: ApiClient::new(&demo.base, &demo::demo_token(&login))?,
                clock,
                // The demo API's address in the header: to try the API
                // beside the desk (curl with a demo token).
                settings: settings(&config, lang, format!("demo {}", demo.base)),
                poll_interval,
                files: desk::Files::new(cli.config.clone(), config.desk.export_dir.clone()),
            })
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Export {
            board,
            format,
            now,
            from,
            to,
            by,
            desk: options,
        }) => {
            let options = options.or(&before);
            let server = options.server.clone().unwrap_or(config.desk.server.clone());
            let period = match (from, to) {
                (Some(from), Some(to)) => Some(Period::new(from, to).map_err(anyhow::Error::msg)?),
                _ => None,
            };
            let figures = export::Figures {
                period,
                by: match by {
                    ExportBucket::Day => Bucket::Day,
                    ExportBucket::Week => Bucket::Week,
                    ExportBucket::Month => Bucket::Month,
                },
            };
            let lang = options.lang.unwrap_or(config.desk.language);
            let board = export::board(&board, lang)?;
            let now = match now {
                Some(text) => Clock::parse_frozen(&text).map_err(anyhow::Error::msg)?,
                None => Clock::from_env().map_err(anyhow::Error::msg)?,
            }
            .now();
            let bearer = bearer(&config, &server, lang).await?;
            let client = ApiClient::for_desk(&server, bearer, &options.transport())?;
            let text = export::export(
                &client,
                board,
                format,
                now,
                &norms,
                lang,
                figures,
                &config.desk.focus(),
            )
            .await
            .map_err(|error| match error.downcast_ref::<ApiFailure>() {
                // Which server it tried, so a missing `--server` shows.
                Some(ApiFailure::Offline(why)) => anyhow::anyhow!(say!(
                    lang,
                    "geen verbinding met {} ({why}); geef een andere met --server",
                    "no connection with {} ({why}); name another with --server",
                    server
                )),
                _ => error,
            })?;
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Screenshots { out, lang }) => {
            before.refuse_for("screenshots", true)?;
            let lang = lang.or(before.lang);
            let clock = match Clock::from_env().map_err(anyhow::Error::msg)? {
                Clock::System => Clock::parse_frozen(SCREENSHOT_NOW).map_err(anyhow::Error::msg)?,
                frozen => frozen,
            };
            let mut settings = settings(&config, lang, "Krimpen a/d IJssel (demo)".into());
            settings.mono = false;
            for path in screens::screenshots(&out, clock, settings).await? {
                println!("{path}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::NotifyCheck { lang }) => {
            before.refuse_for("notify-check", true)?;
            let news = notify::News {
                stagnation: ["KST-2026-0001".to_string()].into(),
                ..notify::News::default()
            };
            let lang = lang.or(before.lang).unwrap_or(config.desk.language);
            let (summary, body) = notify::message(lang, &news).expect("news");
            notify::show(&format!("{summary} (test)"), &body).context(say!(
                lang,
                "er kwam geen melding op het bureaublad aan",
                "no notification reached the desktop"
            ))?;
            println!("{}", say!(lang, "melding verstuurd", "notification sent"));
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Audit {
            lang,
            command: AuditCommand::Verify { database_url },
        }) => {
            before.refuse_for("audit", true)?;
            let lang = lang.or(before.lang).unwrap_or(config.desk.language);
            let store = store::connect(&database_url).await?;
            let (entries, appended) = store.audit_chain().await?;
            let verdict = audit::verify(&entries, appended);
            // The check itself is on record, with what it found.
            let found = match &verdict {
                Ok(n) => format!("intact: {n} regels"),
                Err(broken) => format!("gebroken: {}", broken.dutch()),
            };
            beheer_act(store.as_ref(), "audit.verify", &found).await?;
            match verdict {
                Ok(n) => {
                    println!(
                        "{}",
                        say!(
                            lang,
                            "auditlog intact: {n} regels",
                            "audit log intact: {n} entries"
                        )
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(broken) => {
                    let dutch = broken.dutch();
                    println!(
                        "{}",
                        say!(
                            lang,
                            "auditlog GEBROKEN: {dutch}",
                            "audit log BROKEN: {broken}"
                        )
                    );
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Some(Command::Staff { lang, command }) => {
            before.refuse_for("staff", true)?;
            staff(
                command,
                lang.or(before.lang).unwrap_or(config.desk.language),
            )
            .await
        }
        Some(Command::Login {
            no_browser,
            desk: options,
        }) => {
            let (options, server, lang, credentials) = login_options(options, &before, &config)?;
            desk::login::login(
                &server,
                &options.transport(),
                &credentials,
                !no_browser,
                lang,
            )
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Logout { desk: options }) => {
            let (_, server, lang, credentials) = login_options(options, &before, &config)?;
            desk::login::logout(&server, &credentials, lang).await?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Config {
            command: ConfigCommand::Schema,
        }) => {
            before.refuse_for("config", false)?;
            println!("{}", regiedesk::config::schema());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Completions { shell }) => {
            before.refuse_for("completions", false)?;
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "regiedesk", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Man) => {
            before.refuse_for("man", false)?;
            let command = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(command).render(&mut std::io::stdout())?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::RestoreMark { lang, database_url }) => {
            before.refuse_for("restore-mark", true)?;
            let lang = lang.or(before.lang).unwrap_or(config.desk.language);
            let store = store::connect(&database_url).await?;
            let epoch = hex::encode(rand::rng().random::<[u8; 6]>());
            store.new_epoch(&epoch).await?;
            beheer_act(
                store.as_ref(),
                "store.restore-mark",
                &format!("nieuw tijdperk {epoch}: cursors van vóór het herstel vervallen"),
            )
            .await?;
            println!(
                "{}",
                say!(
                    lang,
                    "{database_url} gemarkeerd als hersteld (tijdperk {epoch}); desks halen alles opnieuw op",
                    "{database_url} marked as restored (epoch {epoch}); desks sync afresh"
                )
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::ResetDemo { lang, database_url }) => {
            before.refuse_for("reset-demo", true)?;
            let lang = lang.or(before.lang).unwrap_or(config.desk.language);
            let store = store::connect(&database_url).await?;
            match store.contents().await? {
                store::Contents::Production => {
                    bail!(say!(
                        lang,
                        "{database_url} bevat echte gegevens; reset-demo maakt alleen een demodatabase leeg",
                        "{database_url} holds real data; reset-demo only empties a demo database"
                    ))
                }
                store::Contents::Empty => println!(
                    "{}",
                    say!(
                        lang,
                        "{database_url} is al leeg",
                        "{database_url} is already empty"
                    )
                ),
                store::Contents::Demo => {
                    store.reset().await?;
                    // The emptied log starts with who emptied it.
                    beheer_act(store.as_ref(), "demo.reset", "demogemeente leeggemaakt").await?;
                    println!(
                        "{}",
                        say!(
                            lang,
                            "{database_url} leeggemaakt: de demogemeente en haar tokens zijn weg",
                            "{database_url} emptied: the demo municipality and its tokens are gone"
                        )
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn default_database_url(lang: Language) -> anyhow::Result<String> {
    let dirs = directories::ProjectDirs::from("nl", "regiedesk", "regiedesk").context(say!(
        lang,
        "geen thuismap om de database in te bewaren; geef --database-url",
        "no home directory to keep the database in; pass --database-url"
    ))?;
    std::fs::create_dir_all(dirs.data_dir())?;
    Ok(format!(
        "sqlite://{}",
        dirs.data_dir().join("regiedesk.db").display()
    ))
}

/// `serve --demo`: whether to wipe a demo that was written to, or to
/// serve it as it is.
#[derive(Clone, Copy)]
struct DemoSeed {
    reset: bool,
    keep: bool,
    scale: u32,
    simulate: bool,
}

/// What `serve` was asked for.
struct Serving {
    lang: Language,
    bind: SocketAddr,
    database_url: Option<String>,
    demo: Option<DemoSeed>,
    norms: Norms,
    limits: listen::Limits,
    tls: Option<tokio_rustls::TlsAcceptor>,
    zgw: Option<regiedesk::zgw::config::ZgwConfig>,
    auth: regiedesk::server::auth::Authenticator,
}

async fn serve(serving: Serving) -> anyhow::Result<ExitCode> {
    let Serving {
        lang,
        bind,
        database_url,
        demo,
        norms,
        limits,
        tls,
        zgw,
        auth,
    } = serving;
    let clock = Clock::from_env().map_err(anyhow::Error::msg)?;
    // Keeps the throw-away demo database alive until the server stops.
    let mut scratch: Option<tempfile::TempDir> = None;
    let url = match (database_url, demo) {
        (Some(url), _) => url,
        (None, Some(_)) => {
            let dir = tempfile::tempdir()?;
            let url = format!("sqlite://{}", dir.path().join("demo.db").display());
            scratch = Some(dir);
            url
        }
        (None, None) => default_database_url(lang)?,
    };
    if demo.is_some() && !bind.ip().is_loopback() {
        bail!(say!(
            lang,
            "de demo heeft bekende tokens en luistert alleen op loopback, niet op {bind}",
            "the demo has well-known tokens and only listens on loopback, not {bind}"
        ));
    }
    let store = store::connect(&url).await?;
    let mut households = Vec::new();
    let holds_demo = store.contents().await? == store::Contents::Demo;
    if demo.is_none() && holds_demo {
        // The demo's tokens are public: they must never open a real server.
        bail!(say!(
            lang,
            "{url} bevat de demogemeente, waarvan iedereen de tokens (demo-pm, ...) kent; \
             gebruik `regiedesk serve --demo`, of maak hem leeg voor echt gebruik met \
             `regiedesk reset-demo --database-url {url}`",
            "{url} holds the demo municipality, whose tokens (demo-pm, ...) anyone can use; \
             serve it with `regiedesk serve --demo`, or empty it for real use with \
             `regiedesk reset-demo --database-url {url}`"
        ));
    }
    if let Some(DemoSeed { keep: true, .. }) = demo {
        if !holds_demo {
            bail!(say!(
                lang,
                "{url} bevat geen demo om te bewaren; `regiedesk serve --demo` zaait er een",
                "{url} holds no demo to keep; `regiedesk serve --demo` seeds one"
            ));
        }
        households = store.household_ids().await?;
        println!(
            "{}",
            say!(
                lang,
                "de demo in {url}, bewaard zoals hij is (token = demo-LOGIN)",
                "the demo in {url}, kept as it is (tokens = demo-LOGIN)"
            )
        );
    } else if let Some(DemoSeed { reset, scale, .. }) = demo {
        let started = std::time::Instant::now();
        let seed = launch::seed_demo(&store, &url, clock, &norms, scale, true, reset).await?;
        let (households_n, cases_n, requests_n, seconds) = (
            seed.households.len(),
            seed.cases.len(),
            seed.requests.len(),
            started.elapsed().as_secs_f64(),
        );
        println!(
            "{}",
            say!(
                lang,
                "demogemeente: {households_n} huishoudens, {cases_n} zaken, {requests_n} aanvragen (gezaaid in {seconds:.1} s)",
                "demo municipality: {households_n} households, {cases_n} cases, {requests_n} requests (seeded in {seconds:.1} s)"
            )
        );
        println!(
            "{}",
            say!(
                lang,
                "demologins (token = demo-LOGIN):",
                "demo logins (token = demo-LOGIN):"
            )
        );
        let (colleagues, desk): (Vec<_>, Vec<_>) = seed
            .people
            .iter()
            .partition(|p| demo::COLLEAGUES.contains(&p.login.as_str()));
        // At scale, the first district's casusregisseurs stand for all.
        let first_district = |p: &Person| {
            p.login
                .strip_prefix("cr-")
                .and_then(|n| n.parse::<usize>().ok())
                .is_none_or(|n| n <= 25)
        };
        let shown: Vec<&Person> = desk.iter().copied().filter(|p| first_district(p)).collect();
        let others = desk.len() - shown.len();
        for person in shown {
            println!(
                "  {:<10} {:<34} {}",
                person.login,
                person.role.as_str(),
                demo::demo_token(&person.login)
            );
        }
        if others > 0 {
            println!(
                "{}",
                say!(
                    lang,
                    "  en nog {others} casusregisseurs, cr-26 en verder (token = demo-LOGIN)",
                    "  and {others} more casusregisseurs, cr-26 and on (token = demo-LOGIN)"
                )
            );
        }
        let colleagues: Vec<&str> = colleagues.iter().map(|p| p.login.as_str()).collect();
        let colleagues = colleagues.join(", ");
        println!(
            "{}",
            say!(
                lang,
                "collega's, gespeeld door --simulate (token = demo-LOGIN): {colleagues}",
                "colleagues, played by --simulate (token = demo-LOGIN): {colleagues}"
            )
        );
        households = seed.households.iter().map(|h| h.id).collect();
    }
    let calendar = norms.calendar.clone();
    if let Some(oidc) = &auth.oidc {
        let (issuer, audience) = (&oidc.config().issuer, &oidc.config().audience);
        let tokens = format!("{:?}", auth.static_tokens).to_lowercase();
        println!(
            "{}",
            say!(
                lang,
                "mensen loggen in via {issuer} (audience {audience}); vaste tokens: {tokens}",
                "people log in through {issuer} (audience {audience}); static tokens: {tokens}"
            )
        );
    }
    let mut state = AppState::new(store.clone(), clock, norms).with_auth(auth);
    let mut background = Vec::new();
    // A source's own routes (the ZGW notification callback), composed
    // here: the server knows only the CaseSystem it writes to.
    let mut source_routes = axum::Router::new();
    if let Some(zgw) = zgw {
        let source =
            regiedesk::zgw::source::ZgwSource::connect(zgw, store, state.norms.clone(), clock)
                .await?;
        let (started, tasks) = source.start().await?;
        match started {
            Started::First { report, took } => {
                let (listed, projected, failed, seconds) = (
                    report.listed,
                    report.reread - report.failed,
                    report.failed,
                    took.as_secs_f64(),
                );
                println!(
                    "{}",
                    say!(
                        lang,
                        "ZGW-zaaksysteem gelezen: {listed} zaken, {projected} geprojecteerd, {failed} mislukt ({seconds:.1} s)",
                        "ZGW case system read: {listed} case zaken, {projected} projected, {failed} failed ({seconds:.1} s)"
                    )
                )
            }
            Started::Restart { projected } => println!(
                "{}",
                say!(
                    lang,
                    "ZGW-zaaksysteem: {projected} geprojecteerde zaken worden geserveerd; alles wordt op de achtergrond opnieuw gelezen",
                    "ZGW case system: serving {projected} projected zaken; reading them all again in the background"
                )
            ),
        }
        background = tasks;
        source_routes = regiedesk::zgw::notify::routes(source.clone());
        state = state.with_source(source);
    }
    let listener = tokio::net::TcpListener::bind(bind).await.with_context(|| {
        say!(
            lang,
            "kan niet luisteren op {bind}",
            "cannot listen on {bind}"
        )
    })?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let base = format!("{scheme}://{}", listener.local_addr()?);
    println!(
        "{}",
        say!(
            lang,
            "regiedesk-zaak-API op {base}",
            "regiedesk case API on {base}"
        )
    );
    tracing::info!(%bind, "serving");
    let simulate = demo.is_some_and(|d| d.simulate);
    let simulator = simulate.then(|| Simulator::new(&base, clock, calendar, households, 7).spawn());
    listen::serve(
        listener,
        regiedesk::server::router_with(state, source_routes),
        limits,
        tls,
        shutdown_signal(),
    )
    .await?;
    if let Some(simulator) = simulator {
        simulator.abort();
    }
    for task in background {
        task.abort();
    }
    drop(scratch);
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("SIGTERM handler");
    tokio::select! {
        _ = ctrl_c => {}
        _ = term.recv() => {}
    }
}

/// Puts what the functioneel beheerder just did on the command line into
/// the audit log (see `AuditDraft::by_beheerder`).
async fn beheer_act(store: &dyn store::Store, action: &str, reason: &str) -> anyhow::Result<()> {
    let draft = audit::AuditDraft::by_beheerder(chrono::Utc::now(), action, reason);
    store.append_audit_entry(draft).await?;
    Ok(())
}

/// Opens a database for `staff`: never one that holds the demo, whose
/// tokens are public; a real member of staff does not belong there.
async fn staff_store(
    url: &str,
    lang: Language,
) -> anyhow::Result<std::sync::Arc<dyn store::Store>> {
    let store = store::connect(url).await?;
    if store.contents().await? == store::Contents::Demo {
        bail!(say!(
            lang,
            "{url} bevat de demogemeente, waarvan iedereen de tokens (demo-pm, ...) kent; \
             maak hem eerst leeg met `regiedesk reset-demo --database-url {url}`",
            "{url} holds the demo municipality, whose tokens (demo-pm, ...) anyone can use; \
             empty it first with `regiedesk reset-demo --database-url {url}`"
        ));
    }
    Ok(store)
}

async fn staff(command: StaffCommand, lang: Language) -> anyhow::Result<ExitCode> {
    match command {
        StaffCommand::Put {
            database_url,
            login,
            name,
            role,
            organisation,
            specialism,
            capacity,
            inactive,
        } => {
            let store = staff_store(&database_url, lang).await?;
            let person = Person {
                login,
                display_name: name,
                role,
                organisation,
                specialism,
                capacity,
                active: !inactive,
            };
            store.put_person(&person).await?;
            let (login, role) = (&person.login, person.role);
            let state = if person.active { "actief" } else { "inactief" };
            beheer_act(
                store.as_ref(),
                "staff.put",
                &format!("{login} als {role}, {state}"),
            )
            .await?;
            println!(
                "{}",
                say!(
                    lang,
                    "{login} bewaard als {role}",
                    "{login} saved as {role}"
                )
            );
        }
        StaffCommand::Token {
            database_url,
            login,
            service,
        } => {
            let store = staff_store(&database_url, lang).await?;
            if store.person(&login).await?.is_none() {
                bail!(say!(
                    lang,
                    "login {login:?} bestaat niet; voeg hem toe met `regiedesk staff put`",
                    "no such login {login:?}; add it with `regiedesk staff put`"
                ));
            }
            let token = hex::encode(rand::rng().random::<[u8; 32]>());
            store
                .add_token(&login, &token_hash(&token), service)
                .await?;
            let kind = if service {
                "serviceaccount"
            } else {
                "persoonlijk"
            };
            beheer_act(
                store.as_ref(),
                "staff.token",
                &format!("token ({kind}) voor {login}"),
            )
            .await?;
            println!("{token}");
        }
        StaffCommand::Revoke {
            database_url,
            login,
        } => {
            let store = store::connect(&database_url).await?;
            if store.person(&login).await?.is_none() {
                bail!(say!(
                    lang,
                    "login {login:?} bestaat niet",
                    "no such login {login:?}"
                ));
            }
            let revoked = store.revoke_tokens(&login, chrono::Utc::now()).await?;
            beheer_act(
                store.as_ref(),
                "staff.revoke",
                &format!("{revoked} token(s) van {login} ingetrokken"),
            )
            .await?;
            let within = regiedesk::server::watch::FRESH_FOR.as_secs().max(1);
            println!(
                "{}",
                say!(
                    lang,
                    "{revoked} token(s) van {login} ingetrokken; elke server weigert ze binnen {within} s",
                    "{revoked} token(s) of {login} revoked; every server refuses them within {within} s"
                )
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
