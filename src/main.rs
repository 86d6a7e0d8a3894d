//! regiedesk: one binary, several faces. Wiring only; the work is in the
//! library.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use rand::Rng;
use tracing_subscriber::EnvFilter;

use regiedesk::api::client::{ApiClient, Bearer, Transport};
use regiedesk::api::credentials::Credentials;
use regiedesk::clock::Clock;
use regiedesk::config::{Config, Language, Theme};
use regiedesk::desk::app::Settings;
use regiedesk::desk::export::{self, Format};
use regiedesk::desk::{self, notify, screens};
use regiedesk::domain::model::{Person, Role};
use regiedesk::domain::norms::Norms;
use regiedesk::domain::stats::{Bucket, Period};
use regiedesk::server::launch::{self, Demo};
use regiedesk::server::simulator::Simulator;
use regiedesk::server::store;
use regiedesk::server::{AppState, audit, demo, http::token_hash, listen};
use regiedesk::zgw::source::Started;

#[derive(Parser)]
#[command(
    name = "regiedesk",
    version,
    about = "The procesregisseur's desk and its reference case API",
    long_about = "The procesregisseur's desk and its reference case API.\n\n\
                  Without a subcommand, opens the desk on the case API named by --server\n\
                  (or the configuration), with the token in REGIEDESK_TOKEN."
)]
struct Cli {
    /// Configuration file (default: regiedesk.toml in the user's config
    /// directory, if it exists). See config/regiedesk.toml.
    #[arg(long, global = true, env = "REGIEDESK_CONFIG")]
    config: Option<PathBuf>,
    /// The desk's options. Not global: the server and the operator's
    /// commands do not take them (`serve --help` does not list them).
    #[command(flatten)]
    desk: DeskArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

/// Where the desk finds its case API, and in which language it speaks.
#[derive(clap::Args, Clone, Default)]
struct DeskArgs {
    /// Base URL of the case API (default: from the configuration).
    #[arg(long)]
    server: Option<String>,
    /// Language of the desk (default: from the configuration, else nl).
    #[arg(long, value_enum)]
    lang: Option<Language>,
    /// Allow an http:// server beyond this machine (the token then
    /// crosses the network unencrypted).
    #[arg(long)]
    insecure_http: bool,
    /// An extra root certificate (PEM) to trust, for the municipality's
    /// own certificate authority.
    #[arg(long, env = "REGIEDESK_CA_CERT")]
    ca_cert: Option<PathBuf>,
}

impl DeskArgs {
    fn transport(&self) -> Transport {
        Transport {
            insecure_http: self.insecure_http,
            ca_cert: self.ca_cert.clone(),
        }
    }

    /// These options given to a subcommand, else given before it
    /// (`regiedesk --lang en demo` keeps working).
    fn or(self, before: &DeskArgs) -> DeskArgs {
        DeskArgs {
            server: self.server.or_else(|| before.server.clone()),
            lang: self.lang.or(before.lang),
            insecure_http: self.insecure_http || before.insecure_http,
            ca_cert: self.ca_cert.or_else(|| before.ca_cert.clone()),
        }
    }

    /// Refuses the options, given before `command`, that it does not take:
    /// silently ignoring `--server` would point someone at the wrong place.
    fn refuse_for(&self, command: &str, takes_lang: bool) -> anyhow::Result<()> {
        if self.server.is_some() {
            bail!("--server hoort bij de desk; `regiedesk {command}` gebruikt het niet");
        }
        if self.insecure_http || self.ca_cert.is_some() {
            bail!(
                "--insecure-http en --ca-cert horen bij de desk; `regiedesk {command}` gebruikt ze niet"
            );
        }
        if self.lang.is_some() && !takes_lang {
            bail!("--lang hoort bij de desk; `regiedesk {command}` gebruikt het niet");
        }
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum CaseSource {
    Store,
    Zgw,
}

#[derive(Subcommand)]
enum Command {
    /// Run the reference case API server.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:7878")]
        bind: SocketAddr,
        /// sqlite://PATH or postgres://... (default: a SQLite file in the
        /// user's data directory; with --demo, a throw-away file).
        #[arg(long, env = "REGIEDESK_DATABASE_URL")]
        database_url: Option<String>,
        /// Seed the demo municipality (loopback only; tokens are demo-LOGIN).
        #[arg(long)]
        demo: bool,
        /// With --demo: keep the municipality busy (referrals, contacts,
        /// requests, escalations every few seconds).
        #[arg(long, requires = "demo")]
        simulate: bool,
        /// Terminate TLS here: the certificate chain (PEM). Without it the
        /// server speaks plain HTTP, for loopback or behind a TLS proxy.
        #[arg(long, requires = "tls_key", env = "REGIEDESK_TLS_CERT")]
        tls_cert: Option<PathBuf>,
        /// The private key (PEM) belonging to --tls-cert.
        #[arg(long, requires = "tls_cert", env = "REGIEDESK_TLS_KEY")]
        tls_key: Option<PathBuf>,
        /// With --demo: wipe a demo database that was written to since it
        /// was seeded (without it, the server refuses to seed over it).
        #[arg(long, requires = "demo", conflicts_with = "keep")]
        reset: bool,
        /// With --demo: serve a demo database as it is, with the changes
        /// made since it was seeded, instead of seeding it.
        #[arg(long, requires = "demo")]
        keep: bool,
        /// Connections served at once; more wait until one ends.
        #[arg(long, default_value_t = 1024)]
        max_connections: usize,
        /// With --demo: a municipality N times the demo's size (more
        /// households, cases and casusregisseurs; the same N gives the same
        /// data), with a progress bar while it is seeded.
        #[arg(long, requires = "demo", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100))]
        scale: u32,
        /// Where the cases come from: `store` (regiedesk's own database is
        /// the case system) or `zgw` (the municipality's ZGW case system,
        /// configured in the [zgw] section; the database holds the
        /// projection). See README "On your own ZGW case system".
        #[arg(long, value_enum, default_value = "store", conflicts_with = "demo")]
        source: CaseSource,
    },
    /// The desk on the demo municipality: an in-process demo server with a
    /// live simulator, and the desk logged in as a demo user.
    Demo {
        /// Log in as this demo login (pr-jeugd, pr-volw, pr-dzm, pm,
        /// consulent, cr-01 ... cr-25).
        #[arg(long = "as", default_value = "pr-jeugd")]
        login: String,
        /// Where the demo API listens (loopback only; default: a free port).
        #[arg(long, default_value = "127.0.0.1:0")]
        bind: SocketAddr,
        /// Language of the desk (default: from the configuration, else nl).
        #[arg(long, value_enum)]
        lang: Option<Language>,
        /// A municipality N times the demo's size (see `serve --scale`).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100))]
        scale: u32,
    },
    /// Write a board as CSV or JSON, derived as the desk derives it.
    Export {
        /// caseload, stagnatie, mandaat, doorzettingsmacht, doorstroom.
        board: String,
        #[arg(long, value_enum, default_value = "csv")]
        format: Format,
        /// The moment to derive the board for (RFC 3339; default: now, or
        /// REGIEDESK_NOW).
        #[arg(long)]
        now: Option<String>,
        /// doorstroom: first day of the period (default: 1 January).
        #[arg(long, requires = "to")]
        from: Option<NaiveDate>,
        /// doorstroom: last day of the period, included (default: today).
        #[arg(long, requires = "from")]
        to: Option<NaiveDate>,
        /// doorstroom: the series per week or month.
        #[arg(long, value_enum, default_value = "month")]
        by: ExportBucket,
        #[command(flatten)]
        desk: DeskArgs,
    },
    /// Render every board of the demo into images (SVG, PNG when
    /// rsvg-convert is installed), with a frozen clock.
    Screenshots {
        #[arg(long, default_value = "screenshots")]
        out: PathBuf,
        /// Language of the boards (default: from the configuration, else nl).
        #[arg(long, value_enum)]
        lang: Option<Language>,
    },
    /// Send a test notification, to see that they reach your desktop.
    NotifyCheck {
        /// Language of the notification (default: from the configuration, else nl).
        #[arg(long, value_enum)]
        lang: Option<Language>,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Staff and their tokens, for a real deployment.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
    /// Log in at the server's identity provider (OAuth 2.0 device flow):
    /// prints a URL and a code to approve in a browser, then keeps the
    /// tokens in the operating system's keyring (or a file only you can
    /// read). The desk then renews them by itself.
    Login {
        /// Do not try to open a browser; only print the URL and code.
        #[arg(long)]
        no_browser: bool,
        #[command(flatten)]
        desk: DeskArgs,
    },
    /// Forget the tokens of `regiedesk login` (and end the session at the
    /// identity provider where it allows that).
    Logout {
        #[command(flatten)]
        desk: DeskArgs,
    },
    /// Empty a database that holds the demo municipality (its well-known
    /// tokens included), so it can serve for real. Refuses real data.
    ResetDemo {
        #[arg(long, env = "REGIEDESK_DATABASE_URL")]
        database_url: String,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ExportBucket {
    Day,
    Week,
    Month,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain: exit 0 when intact, 1 naming the first bad entry.
    Verify {
        #[arg(long, env = "REGIEDESK_DATABASE_URL")]
        database_url: String,
    },
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Add or update a member of staff.
    Put {
        #[arg(long, env = "REGIEDESK_DATABASE_URL")]
        database_url: String,
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: String,
        /// casusregisseur, procesregisseur_jeugd, procesregisseur_volwassenen,
        /// procesregisseur_doorzettingsmacht, procesmanager, consulent, administratief
        #[arg(long)]
        role: Role,
        #[arg(long)]
        organisation: String,
        #[arg(long)]
        specialism: Option<String>,
        /// Maximum open cases.
        #[arg(long)]
        capacity: Option<u32>,
        /// Mark the person inactive (they keep their history, lose access).
        #[arg(long)]
        inactive: bool,
    },
    /// Issue a new static API token for a login and print it (shown only
    /// once). People log in with `regiedesk login` where the municipality
    /// has an identity provider; a static token is for the demo and for
    /// service accounts.
    Token {
        #[arg(long, env = "REGIEDESK_DATABASE_URL")]
        database_url: String,
        login: String,
        /// A service account's token (an export job): still accepted where
        /// `[auth] static_tokens = "service-only"`.
        #[arg(long)]
        service: bool,
    },
    /// End every token of a login at once, on every server process within
    /// about a second. Its desk is told the token was revoked.
    Revoke {
        #[arg(long, env = "REGIEDESK_DATABASE_URL")]
        database_url: String,
        login: String,
    },
}

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
                std::fs::create_dir_all(dirs.data_local_dir())?;
                dirs.data_local_dir().join("desk.log")
            }
        };
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("kan het logbestand {} niet openen", path.display()))?;
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(false)
            .with_writer(std::sync::Mutex::new(file))
            .init();
    } else {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
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
            })
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Serve {
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
            before.refuse_for("serve", false)?;
            let zgw = match source {
                CaseSource::Store => None,
                CaseSource::Zgw => Some(config.zgw.clone().ok_or_else(|| {
                    anyhow::anyhow!(
                        "--source zgw needs a [zgw] section in the configuration (see config/regiedesk.toml)"
                    )
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
                settings: settings(&config, lang, "demo".into()),
                poll_interval,
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
            let board = export::board(&board)?;
            let now = match now {
                Some(text) => Clock::parse_frozen(&text).map_err(anyhow::Error::msg)?,
                None => Clock::from_env().map_err(anyhow::Error::msg)?,
            }
            .now();
            let lang = options.lang.unwrap_or(config.desk.language);
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
            .await?;
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
            notify::show(&format!("{summary} (test)"), &body)
                .context("no notification reached the desktop")?;
            println!("notification sent");
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Audit {
            command: AuditCommand::Verify { database_url },
        }) => {
            before.refuse_for("audit", false)?;
            let store = store::connect(&database_url).await?;
            let (entries, appended) = store.audit_chain().await?;
            match audit::verify(&entries, appended) {
                Ok(n) => {
                    println!("audit log intact: {n} entries");
                    Ok(ExitCode::SUCCESS)
                }
                Err(broken) => {
                    println!("audit log BROKEN: {broken}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Some(Command::Staff { command }) => {
            before.refuse_for("staff", false)?;
            staff(command).await
        }
        Some(Command::Login {
            no_browser,
            desk: options,
        }) => {
            let options = options.or(&before);
            let server = options.server.clone().unwrap_or(config.desk.server.clone());
            let lang = options.lang.unwrap_or(config.desk.language);
            let credentials =
                Credentials::new(config.desk.credential_store).map_err(anyhow::Error::msg)?;
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
            let options = options.or(&before);
            let server = options.server.clone().unwrap_or(config.desk.server.clone());
            let lang = options.lang.unwrap_or(config.desk.language);
            let credentials =
                Credentials::new(config.desk.credential_store).map_err(anyhow::Error::msg)?;
            desk::login::logout(&server, &credentials, lang).await?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::ResetDemo { database_url }) => {
            before.refuse_for("reset-demo", false)?;
            let store = store::connect(&database_url).await?;
            match store.contents().await? {
                store::Contents::Production => {
                    bail!("{database_url} holds real data; reset-demo only empties a demo database")
                }
                store::Contents::Empty => println!("{database_url} is already empty"),
                store::Contents::Demo => {
                    store.reset().await?;
                    println!(
                        "{database_url} emptied: the demo municipality and its tokens are gone"
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn default_database_url() -> anyhow::Result<String> {
    let dirs = directories::ProjectDirs::from("nl", "regiedesk", "regiedesk")
        .context("no home directory to keep the database in; pass --database-url")?;
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
        (None, None) => default_database_url()?,
    };
    if demo.is_some() && !bind.ip().is_loopback() {
        bail!("the demo has well-known tokens and only listens on loopback, not {bind}");
    }
    let store = store::connect(&url).await?;
    let mut households = Vec::new();
    let holds_demo = store.contents().await? == store::Contents::Demo;
    if demo.is_none() && holds_demo {
        // The demo's tokens are public: they must never open a real server.
        bail!(
            "{url} holds the demo municipality, whose tokens (demo-pm, ...) anyone can use; \
             serve it with `regiedesk serve --demo`, or empty it for real use with \
             `regiedesk reset-demo --database-url {url}`"
        );
    }
    if let Some(DemoSeed { keep: true, .. }) = demo {
        if !holds_demo {
            bail!("{url} holds no demo to keep; `regiedesk serve --demo` seeds one");
        }
        households = store.household_ids().await?;
        println!("the demo in {url}, kept as it is (tokens = demo-LOGIN)");
    } else if let Some(DemoSeed { reset, scale, .. }) = demo {
        let started = std::time::Instant::now();
        let seed = launch::seed_demo(&store, &url, clock, &norms, scale, true, reset).await?;
        println!(
            "demo municipality: {} households, {} cases, {} requests (seeded in {:.1} s)",
            seed.households.len(),
            seed.cases.len(),
            seed.requests.len(),
            started.elapsed().as_secs_f64()
        );
        println!("demo logins (token = demo-LOGIN):");
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
            println!("  and {others} more casusregisseurs, cr-26 and on (token = demo-LOGIN)");
        }
        let colleagues: Vec<&str> = colleagues.iter().map(|p| p.login.as_str()).collect();
        println!(
            "colleagues, played by --simulate (token = demo-LOGIN): {}",
            colleagues.join(", ")
        );
        households = seed.households.iter().map(|h| h.id).collect();
    }
    let calendar = norms.calendar.clone();
    if let Some(oidc) = &auth.oidc {
        println!(
            "people log in through {} (audience {}); static tokens: {:?}",
            oidc.config().issuer,
            oidc.config().audience,
            auth.static_tokens
        );
    }
    let mut state = AppState::new(store.clone(), clock, norms).with_auth(auth);
    let mut background = Vec::new();
    if let Some(zgw) = zgw {
        let source =
            regiedesk::zgw::source::ZgwSource::connect(zgw, store, state.norms.clone(), clock)
                .await?;
        let (started, tasks) = source.start().await?;
        match started {
            Started::First { report, took } => println!(
                "ZGW case system read: {} case zaken, {} projected, {} failed ({:.1} s)",
                report.listed,
                report.reread - report.failed,
                report.failed,
                took.as_secs_f64()
            ),
            Started::Restart { projected } => println!(
                "ZGW case system: serving {projected} projected zaken; reading them all again in the background"
            ),
        }
        background = tasks;
        state = state.with_source(source);
    }
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let base = format!("{scheme}://{}", listener.local_addr()?);
    println!("regiedesk case API on {base}");
    tracing::info!(%bind, "serving");
    let simulate = demo.is_some_and(|d| d.simulate);
    let simulator = simulate.then(|| Simulator::new(&base, clock, calendar, households, 7).spawn());
    listen::serve(
        listener,
        regiedesk::server::router(state),
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

/// Opens a database for `staff`: never one that holds the demo, whose
/// tokens are public; a real member of staff does not belong there.
async fn staff_store(url: &str) -> anyhow::Result<std::sync::Arc<dyn store::Store>> {
    let store = store::connect(url).await?;
    if store.contents().await? == store::Contents::Demo {
        bail!(
            "{url} holds the demo municipality, whose tokens (demo-pm, ...) anyone can use; \
             empty it first with `regiedesk reset-demo --database-url {url}`"
        );
    }
    Ok(store)
}

async fn staff(command: StaffCommand) -> anyhow::Result<ExitCode> {
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
            let store = staff_store(&database_url).await?;
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
            println!("{} saved as {}", person.login, person.role);
        }
        StaffCommand::Token {
            database_url,
            login,
            service,
        } => {
            let store = staff_store(&database_url).await?;
            if store.person(&login).await?.is_none() {
                bail!("no such login {login:?}; add it with `regiedesk staff put`");
            }
            let token = hex::encode(rand::rng().random::<[u8; 32]>());
            store
                .add_token(&login, &token_hash(&token), service)
                .await?;
            println!("{token}");
        }
        StaffCommand::Revoke {
            database_url,
            login,
        } => {
            let store = store::connect(&database_url).await?;
            if store.person(&login).await?.is_none() {
                bail!("no such login {login:?}");
            }
            let revoked = store.revoke_tokens(&login, chrono::Utc::now()).await?;
            println!(
                "{revoked} token(s) of {login} revoked; every server refuses them within {} s",
                regiedesk::server::watch::FRESH_FOR.as_secs().max(1)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
