//! regiedesk: one binary, several faces. Wiring only; the work is in the
//! library.

use std::net::SocketAddr;

use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use rand::Rng;
use tracing_subscriber::EnvFilter;

use regiedesk::clock::Clock;
use regiedesk::config::Config;
use regiedesk::domain::model::{Person, Role};
use regiedesk::domain::norms::Norms;
use regiedesk::server::store::{self, Contents};
use regiedesk::server::{AppState, audit, demo, http::token_hash};

#[derive(Parser)]
#[command(
    name = "regiedesk",
    version,
    about = "The procesregisseur's desk and its reference case API"
)]
struct Cli {
    /// Configuration file (default: regiedesk.toml in the user's config
    /// directory, if it exists). See config/regiedesk.toml.
    #[arg(long, global = true, env = "REGIEDESK_CONFIG")]
    config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
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
    },
    /// The desk on the demo municipality. Until the desk lands, this runs
    /// the demo server and says so.
    Demo {
        /// Log in as this demo login.
        #[arg(long = "as", default_value = "pr-jeugd")]
        login: String,
        #[arg(long, default_value = "127.0.0.1:7878")]
        bind: SocketAddr,
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
    /// Issue a new API token for a login and print it (shown only once).
    Token {
        #[arg(long, env = "REGIEDESK_DATABASE_URL")]
        database_url: String,
        login: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("regiedesk: {error:#}");
            ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = Config::load_or_default(cli.config.as_deref())?;
    let norms = config.norms.norms();
    match cli.command {
        Command::Serve {
            bind,
            database_url,
            demo,
        } => serve(bind, database_url, demo, norms).await,
        Command::Demo { login, bind } => {
            eprintln!(
                "regiedesk: the desk is not built yet; running the demo server instead.\n\
                 Log in as {login} with token {}.",
                demo::demo_token(&login)
            );
            serve(bind, None, true, norms).await
        }
        Command::Audit {
            command: AuditCommand::Verify { database_url },
        } => {
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
        Command::Staff { command } => staff(command).await,
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

async fn serve(
    bind: SocketAddr,
    database_url: Option<String>,
    demo: bool,
    norms: Norms,
) -> anyhow::Result<ExitCode> {
    let clock = Clock::from_env().map_err(anyhow::Error::msg)?;
    // Keeps the throw-away demo database alive until the server stops.
    let mut scratch: Option<tempfile::TempDir> = None;
    let url = match (database_url, demo) {
        (Some(url), _) => url,
        (None, true) => {
            let dir = tempfile::tempdir()?;
            let url = format!("sqlite://{}", dir.path().join("demo.db").display());
            scratch = Some(dir);
            url
        }
        (None, false) => default_database_url()?,
    };
    if demo && !bind.ip().is_loopback() {
        bail!("the demo has well-known tokens and only listens on loopback, not {bind}");
    }
    let store = store::connect(&url).await?;
    if demo {
        match store.contents().await? {
            Contents::Production => {
                bail!("{url} holds real data; the demo seeds only an empty or demo database")
            }
            Contents::Demo => store.reset().await?,
            Contents::Empty => {}
        }
        let seed = demo::build(clock.now(), &norms);
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
        store.seed(&seed, audit).await?;
        println!(
            "demo municipality: {} households, {} cases, {} requests",
            seed.households.len(),
            seed.cases.len(),
            seed.requests.len()
        );
        println!("demo logins (token = demo-LOGIN):");
        for person in &seed.people {
            println!(
                "  {:<10} {:<34} {}",
                person.login,
                person.role.as_str(),
                demo::demo_token(&person.login)
            );
        }
    }
    let state = AppState {
        store,
        clock,
        norms: norms.into(),
    };
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    println!("regiedesk case API on http://{}", listener.local_addr()?);
    tracing::info!(%bind, "serving");
    axum::serve(listener, regiedesk::server::router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
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
            let store = store::connect(&database_url).await?;
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
        } => {
            let store = store::connect(&database_url).await?;
            if store.person(&login).await?.is_none() {
                bail!("no such login {login:?}; add it with `regiedesk staff put`");
            }
            let token = hex::encode(rand::rng().random::<[u8; 32]>());
            store.add_token(&login, &token_hash(&token)).await?;
            println!("{token}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
