//! The command line: every face of the one binary, as clap parses it.
//! `main.rs` wires these to the library.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::bail;
use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use regiedesk::api::client::Transport;
use regiedesk::config::Language;
use regiedesk::desk::export::Format;
use regiedesk::domain::model::Role;

#[derive(Parser)]
#[command(
    name = "regiedesk",
    version,
    about = "The procesregisseur's desk and its reference case API",
    long_about = "The procesregisseur's desk and its reference case API.\n\n\
                  Without a subcommand, opens the desk on the case API named by --server\n\
                  (or the configuration), with the token in REGIEDESK_TOKEN."
)]
pub struct Cli {
    /// Configuration file (default: regiedesk.toml in the user's config
    /// directory, if it exists). See config/regiedesk.toml.
    #[arg(long, global = true, env = "REGIEDESK_CONFIG")]
    pub config: Option<PathBuf>,
    /// The desk's options. Not global: the server and the operator's
    /// commands do not take them (`serve --help` does not list them).
    #[command(flatten)]
    pub desk: DeskArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Where the desk finds its case API, and in which language it speaks.
#[derive(clap::Args, Clone, Default)]
pub struct DeskArgs {
    /// Base URL of the case API (default: from the configuration).
    #[arg(long)]
    pub server: Option<String>,
    /// Language of the desk (default: from the configuration, else nl).
    #[arg(long, value_enum)]
    pub lang: Option<Language>,
    /// Allow an http:// server beyond this machine (the token then
    /// crosses the network unencrypted).
    #[arg(long)]
    pub insecure_http: bool,
    /// An extra root certificate (PEM) to trust, for the municipality's
    /// own certificate authority.
    #[arg(long, env = "REGIEDESK_CA_CERT")]
    pub ca_cert: Option<PathBuf>,
}

impl DeskArgs {
    pub fn transport(&self) -> Transport {
        Transport {
            insecure_http: self.insecure_http,
            ca_cert: self.ca_cert.clone(),
        }
    }

    /// These options given to a subcommand, else given before it
    /// (`regiedesk --lang en demo` keeps working).
    pub fn or(self, before: &DeskArgs) -> DeskArgs {
        DeskArgs {
            server: self.server.or_else(|| before.server.clone()),
            lang: self.lang.or(before.lang),
            insecure_http: self.insecure_http || before.insecure_http,
            ca_cert: self.ca_cert.or_else(|| before.ca_cert.clone()),
        }
    }

    /// Refuses the options, given before `command`, that it does not take:
    /// silently ignoring `--server` would point someone at the wrong place.
    pub fn refuse_for(&self, command: &str, takes_lang: bool) -> anyhow::Result<()> {
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
pub enum CaseSource {
    Store,
    Zgw,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the reference case API server.
    Serve {
        /// The language of what it says (default: from the configuration, else nl).
        #[arg(long, value_enum, global = true)]
        lang: Option<Language>,
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
        /// caseload, stagnatie, mandaat, doorzettingsmacht, doorstroom, waakvlam.
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
        /// The language of what it says (default: from the configuration, else nl).
        #[arg(long, value_enum, global = true)]
        lang: Option<Language>,
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Staff and their tokens, for a real deployment.
    Staff {
        /// The language of what it says (default: from the configuration, else nl).
        #[arg(long, value_enum, global = true)]
        lang: Option<Language>,
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
        /// The language of what it says (default: from the configuration, else nl).
        #[arg(long, value_enum, global = true)]
        lang: Option<Language>,
        #[arg(long, env = "REGIEDESK_DATABASE_URL")]
        database_url: String,
    },
    /// Mark a database as restored from a backup: it gets a new epoch, so
    /// every desk's sync cursor from before is answered 410 and the desk
    /// syncs afresh. Run it after restoring, before the servers start.
    RestoreMark {
        /// The language of what it says (default: from the configuration, else nl).
        #[arg(long, value_enum, global = true)]
        lang: Option<Language>,
        #[arg(long, env = "REGIEDESK_DATABASE_URL")]
        database_url: String,
    },
    /// The configuration file's JSON Schema (for an editor: taplo reads
    /// the `#:schema` line at the top of config/regiedesk.toml).
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Shell completions: `regiedesk completions bash > /etc/bash_completion.d/regiedesk`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// The manual page (roff): `regiedesk man > /usr/local/share/man/man1/regiedesk.1`.
    Man,
}

#[derive(Subcommand)]
pub enum ConfigCommand {
    /// Print the JSON Schema of the configuration file.
    Schema,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ExportBucket {
    Day,
    Week,
    Month,
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain: exit 0 when intact, 1 naming the first bad entry.
    Verify {
        #[arg(long, env = "REGIEDESK_DATABASE_URL")]
        database_url: String,
    },
}

#[derive(Subcommand)]
pub enum StaffCommand {
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
