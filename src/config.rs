//! The TOML configuration file. Everything has a default; a bad file is
//! refused whole, with the file, line and what is wrong, so nothing starts
//! half-configured.

use crate::domain::dwangsom::DwangsomRates;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

use crate::domain::boards::{Board, Focus};
use crate::domain::calendar::{Calendar, DayCounting};
use crate::domain::model::CaseDomain;
use crate::domain::norms::{Norms, StagnationThresholds};

#[derive(Debug, Clone, Default, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub norms: NormsConfig,
    pub desk: DeskConfig,
    /// How the server authenticates: static tokens, the identity provider.
    pub auth: crate::server::auth::config::AuthConfig,
    /// Only for `serve --source zgw`: the municipality's case system.
    pub zgw: Option<crate::zgw::config::ZgwConfig>,
}

/// The `[desk]` section: how the desk connects, polls and looks.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DeskConfig {
    /// Base URL of the case API.
    pub server: String,
    /// A static API token; `REGIEDESK_TOKEN` wins over this. Without
    /// either, the desk uses the session of `regiedesk login`.
    pub token: Option<String>,
    /// Where `regiedesk login` keeps the tokens: `auto` (the operating
    /// system's keyring, else a file only the user can read), `keyring`,
    /// or `file`.
    pub credential_store: crate::api::credentials::CredentialStore,
    /// Seconds between polls when the server is reachable (1 to 300).
    #[serde(deserialize_with = "poll_seconds")]
    pub poll_interval_seconds: u32,
    pub language: Language,
    pub theme: Theme,
    /// Desktop notifications for work that newly needs the user.
    pub notifications: bool,
    /// The boards shown, in tab order.
    #[serde(deserialize_with = "boards")]
    #[schemars(with = "Vec<String>")]
    pub boards: Vec<Board>,
    /// Columns to hide, per board: `stagnatie = ["organisatie"]`.
    #[serde(deserialize_with = "hidden_columns")]
    #[schemars(with = "BTreeMap<String, Vec<String>>")]
    pub hidden_columns: BTreeMap<Board, Vec<String>>,
    /// The case domains on the boards (`["jeugd"]`); empty: all of them.
    pub domains: Vec<CaseDomain>,
    /// Click rows and tabs, scroll with the wheel. Off keeps the
    /// terminal's own text selection.
    pub mouse: bool,
    /// Where `x` writes the rows it exports (CSV); default: the user's
    /// download directory, else the home directory.
    pub export_dir: Option<PathBuf>,
    /// Saved views, by name: a board with its filter, sort and hidden
    /// columns (`:` "bewaar weergave NAAM" writes one, `:NAAM` opens it).
    #[serde(deserialize_with = "saved_views")]
    pub views: BTreeMap<String, SavedView>,
}

/// A board as a user left it: `[desk.views.koster]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SavedView {
    /// The board's name (`stagnatie`).
    pub board: String,
    /// The filter as typed after `/`.
    #[serde(default)]
    pub filter: String,
    /// The key of the column sorted by; none: the board's own order.
    #[serde(default)]
    pub sort: Option<String>,
    #[serde(default)]
    pub descending: bool,
    /// The columns hidden on the board while this view is open.
    #[serde(default)]
    pub hidden_columns: Vec<String>,
}

impl SavedView {
    /// The board, when the name is one (checked when the file is read).
    pub fn board(&self) -> Option<Board> {
        Board::from_name(&self.board)
    }
}

/// What a view's name may be: what a person types after `:` and a TOML
/// key holds without quotes.
pub fn valid_view_name(name: &str) -> bool {
    (1..=32).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

fn saved_views<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, SavedView>, D::Error> {
    let views = BTreeMap::<String, SavedView>::deserialize(d)?;
    for (name, view) in &views {
        if !valid_view_name(name) {
            return Err(serde::de::Error::custom(format!(
                "view {name:?}: a name is 1 to 32 letters, digits, - or _"
            )));
        }
        let board = view.board().ok_or_else(|| {
            serde::de::Error::custom(format!(
                "view {name}: unknown board {:?}; boards are {}",
                view.board,
                board_names()
            ))
        })?;
        if board == Board::Doorstroom {
            return Err(serde::de::Error::custom(format!(
                "view {name}: doorstroom has no table to keep a view of"
            )));
        }
        let known = crate::desk::columns::keys(board);
        for column in view.sort.iter().chain(&view.hidden_columns) {
            if !known.contains(&column.as_str()) {
                return Err(serde::de::Error::custom(format!(
                    "view {name}: board {} has no column {column:?}; its columns are {}",
                    view.board,
                    known.join(", ")
                )));
            }
        }
    }
    Ok(views)
}

impl DeskConfig {
    /// The case domains the boards show.
    pub fn focus(&self) -> Focus {
        Focus {
            domains: self.domains.clone(),
        }
    }
}

impl Default for DeskConfig {
    fn default() -> Self {
        Self {
            server: "http://127.0.0.1:7878".into(),
            token: None,
            credential_store: Default::default(),
            poll_interval_seconds: 5,
            language: Language::Nl,
            theme: Theme::Colour,
            notifications: true,
            boards: Board::ALL.to_vec(),
            hidden_columns: BTreeMap::new(),
            domains: Vec::new(),
            mouse: true,
            export_dir: None,
            views: BTreeMap::new(),
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    Nl,
    En,
}

impl Language {
    /// The Dutch or the English of a text, whichever the user reads.
    pub fn pick<'a>(self, nl: &'a str, en: &'a str) -> &'a str {
        match self {
            Language::Nl => nl,
            Language::En => en,
        }
    }
}

/// `colour` uses the terminal's own named colours, so it follows a dark or
/// light palette; `mono` says everything with symbols and bold (as does
/// `NO_COLOR`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    #[default]
    Colour,
    Mono,
}

fn poll_seconds<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    bounded(d, 1, 300, "seconds")
}

fn boards<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Board>, D::Error> {
    let names = Vec::<String>::deserialize(d)?;
    let mut boards = Vec::new();
    for name in names {
        let board = Board::from_name(&name).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown board {name:?}; boards are {}",
                board_names()
            ))
        })?;
        if boards.contains(&board) {
            return Err(serde::de::Error::custom(format!(
                "board {name:?} is listed twice"
            )));
        }
        boards.push(board);
    }
    if boards.is_empty() {
        return Err(serde::de::Error::custom("at least one board must be shown"));
    }
    Ok(boards)
}

fn board_names() -> String {
    Board::ALL.map(Board::name).join(", ")
}

fn hidden_columns<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<Board, Vec<String>>, D::Error> {
    let raw = BTreeMap::<String, Vec<String>>::deserialize(d)?;
    let mut hidden = BTreeMap::new();
    for (name, columns) in raw {
        let board = Board::from_name(&name).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown board {name:?}; boards are {}",
                board_names()
            ))
        })?;
        let known = crate::desk::columns::keys(board);
        for column in &columns {
            if !known.contains(&column.as_str()) {
                return Err(serde::de::Error::custom(format!(
                    "board {name} has no column {column:?}; its columns are {}",
                    known.join(", ")
                )));
            }
        }
        hidden.insert(board, columns);
    }
    Ok(hidden)
}

/// The `[norms]` section: how deadlines and stagnation are counted.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NormsConfig {
    /// First contact within this many days of assignment (1 to 30).
    #[serde(deserialize_with = "days")]
    pub first_contact_days: u32,
    /// `working_days` (weekends and public holidays skipped) or `calendar_days`.
    pub counting: DayCounting,
    /// Legal decision term for a Wmo maatwerkvoorziening, in weeks (1 to 52).
    #[serde(deserialize_with = "weeks")]
    pub decision_weeks_wmo: u32,
    /// Legal decision term for youth care, in weeks (1 to 52).
    #[serde(deserialize_with = "weeks")]
    pub decision_weeks_jeugd: u32,
    /// The municipality's own closing days, besides the public holidays:
    /// TOML dates (`2026-05-15`) or strings (`"2026-05-15"`).
    #[serde(deserialize_with = "dates")]
    pub extra_closing_days: Vec<NaiveDate>,
    pub stagnation: StagnationThresholds,
    /// The daily amounts and cap of the dwangsom (Awb 4:17), in euros.
    pub dwangsom: DwangsomRates,
    /// A waakvlam follow-up lies at most this many months ahead (1 to 60).
    #[serde(deserialize_with = "months")]
    pub waakvlam_max_months: u32,
    /// The Waakvlam board puts follow-ups due within this many working
    /// days right after the overdue ones (0 to 30).
    #[serde(deserialize_with = "due_soon_days")]
    pub waakvlam_due_soon_days: u32,
    /// The plan's goals are evaluated every this many months, counted from
    /// the plan and then from each evaluation (1 to 12), for youth ...
    #[serde(deserialize_with = "evaluation_months")]
    pub evaluation_months_jeugd: u32,
    /// ... and for adults.
    #[serde(deserialize_with = "evaluation_months")]
    pub evaluation_months_volwassenen: u32,
    /// The life domains a goal may lie in: the Zelfredzaamheid-Matrix's
    /// thirteen by default; a municipality may add its own (for example
    /// "opvoeding" for youth).
    #[serde(deserialize_with = "life_domains")]
    pub life_domains: Vec<String>,
    /// The share of goals reached at closing aimed for, in percent (1 to 100).
    #[serde(deserialize_with = "percent")]
    pub goals_reached_target_pct: u32,
}

impl Default for NormsConfig {
    fn default() -> Self {
        let norms = Norms::default();
        Self {
            first_contact_days: norms.first_contact_days,
            counting: norms.counting,
            decision_weeks_wmo: norms.decision_weeks_wmo,
            decision_weeks_jeugd: norms.decision_weeks_jeugd,
            extra_closing_days: Vec::new(),
            stagnation: norms.stagnation,
            dwangsom: norms.dwangsom,
            waakvlam_max_months: norms.waakvlam_max_months,
            waakvlam_due_soon_days: norms.waakvlam_due_soon_days,
            evaluation_months_jeugd: norms.evaluation_months_jeugd,
            evaluation_months_volwassenen: norms.evaluation_months_volwassenen,
            life_domains: norms.life_domains,
            goals_reached_target_pct: norms.goals_reached_target_pct,
        }
    }
}

fn bounded<'de, D: Deserializer<'de>>(
    d: D,
    min: u32,
    max: u32,
    unit: &str,
) -> Result<u32, D::Error> {
    let value = u32::deserialize(d)?;
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(serde::de::Error::custom(format!(
            "must be {min} to {max} {unit}, not {value}"
        )))
    }
}

fn days<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    bounded(d, 1, 30, "days")
}

fn weeks<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    bounded(d, 1, 52, "weeks")
}

fn months<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    bounded(d, 1, 60, "months")
}

fn due_soon_days<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    bounded(d, 0, 30, "days")
}

fn evaluation_months<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    bounded(d, 1, 12, "months")
}

fn percent<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    bounded(d, 1, 100, "percent")
}

fn life_domains<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let domains = Vec::<String>::deserialize(d)?;
    if domains.is_empty() {
        return Err(serde::de::Error::custom(
            "life_domains needs at least one life domain",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for domain in &domains {
        if domain.trim().is_empty() || domain.trim() != domain {
            return Err(serde::de::Error::custom(format!(
                "life domain {domain:?} is empty or has spaces around it"
            )));
        }
        if !seen.insert(domain) {
            return Err(serde::de::Error::custom(format!(
                "life domain {domain:?} is named twice"
            )));
        }
    }
    Ok(domains)
}

fn dates<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<NaiveDate>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum DateItem {
        Toml(toml::value::Datetime),
        Text(String),
    }
    Vec::<DateItem>::deserialize(d)?
        .into_iter()
        .map(|item| {
            let text = match item {
                DateItem::Toml(dt) if dt.time.is_none() && dt.offset.is_none() => dt.to_string(),
                DateItem::Toml(dt) => return Err(format!("{dt} is not a date (YYYY-MM-DD)")),
                DateItem::Text(text) => text,
            };
            text.parse::<NaiveDate>()
                .map_err(|_| format!("{text:?} is not a date (YYYY-MM-DD)"))
        })
        .collect::<Result<_, _>>()
        .map_err(serde::de::Error::custom)
}

impl NormsConfig {
    pub fn norms(&self) -> Norms {
        Norms {
            calendar: Calendar::with_extra_closing_days(self.extra_closing_days.iter().copied()),
            counting: self.counting,
            first_contact_days: self.first_contact_days,
            decision_weeks_wmo: self.decision_weeks_wmo,
            decision_weeks_jeugd: self.decision_weeks_jeugd,
            stagnation: self.stagnation,
            dwangsom: self.dwangsom,
            waakvlam_max_months: self.waakvlam_max_months,
            waakvlam_due_soon_days: self.waakvlam_due_soon_days,
            evaluation_months_jeugd: self.evaluation_months_jeugd,
            evaluation_months_volwassenen: self.evaluation_months_volwassenen,
            life_domains: self.life_domains.clone(),
            goals_reached_target_pct: self.goals_reached_target_pct,
        }
    }
}

/// A configuration file that could not be used. The cause is part of the
/// message, not an error source, so it is said once.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {cause}")]
    Read { path: String, cause: std::io::Error },
    #[error("{path}: {cause}")]
    Invalid {
        path: String,
        cause: toml::de::Error,
    },
}

/// The configuration file's JSON Schema, from its types (and their doc
/// comments), for editors. `config/regiedesk.schema.json` is this.
pub fn schema() -> String {
    let mut schema =
        serde_json::to_value(schemars::schema_for!(Config)).expect("a schema serialises");
    schema["title"] = "regiedesk configuration".into();
    serde_json::to_string_pretty(&schema).expect("a schema serialises")
}

impl Config {
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        toml::from_str(text).map_err(|cause| ConfigError::Invalid {
            path: path.display().to_string(),
            cause,
        })
    }

    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|cause| ConfigError::Read {
            path: path.display().to_string(),
            cause,
        })?;
        Self::parse(&text, path)
    }

    /// `--config PATH` when given; else `regiedesk.toml` in the user's
    /// config directory if it exists; else the defaults.
    pub fn load_or_default(explicit: Option<&Path>) -> Result<Self, ConfigError> {
        match explicit {
            Some(path) => Self::load(path),
            None => match default_path().filter(|p| p.exists()) {
                Some(path) => Self::load(&path),
                None => Ok(Self::default()),
            },
        }
    }
}

/// Writes a saved view into the configuration file as `[desk.views.NAME]`,
/// keeping everything else in it as it was (comments included). The new
/// text is read back as a configuration before it replaces the file, so a
/// view never leaves a file the desk would refuse at the next start.
pub fn save_view(path: &Path, name: &str, view: &SavedView) -> Result<(), String> {
    use toml_edit::{Array, DocumentMut, Item, Table, value};
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let desk = doc
        .entry("desk")
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_mut()
        .ok_or("[desk] is not a table")?;
    let views = desk
        .entry("views")
        .or_insert_with(|| {
            let mut table = Table::new();
            table.set_implicit(true);
            Item::Table(table)
        })
        .as_table_mut()
        .ok_or("[desk.views] is not a table")?;
    let mut table = Table::new();
    table["board"] = value(view.board.as_str());
    table["filter"] = value(view.filter.as_str());
    if let Some(sort) = &view.sort {
        table["sort"] = value(sort.as_str());
    }
    table["descending"] = value(view.descending);
    table["hidden_columns"] = value(view.hidden_columns.iter().collect::<Array>());
    views.insert(name, Item::Table(table));
    let new = doc.to_string();
    Config::parse(&new, path).map_err(|e| e.to_string())?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(|e| e.to_string())?;
    // The file may hold a token: it keeps its own permissions, and a new
    // one is the user's alone (NamedTempFile makes it 0600).
    if let Ok(meta) = std::fs::metadata(path) {
        file.as_file()
            .set_permissions(meta.permissions())
            .map_err(|e| e.to_string())?;
    }
    std::io::Write::write_all(&mut file, new.as_bytes()).map_err(|e| e.to_string())?;
    file.persist(path)
        .map_err(|e| format!("{}: {}", path.display(), e.error))?;
    Ok(())
}

/// `$XDG_CONFIG_HOME/regiedesk/regiedesk.toml` (or the platform's equivalent).
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("nl", "regiedesk", "regiedesk")
        .map(|d| d.config_dir().join("regiedesk.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(text, Path::new("regiedesk.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn an_empty_file_gives_the_default_norms() {
        assert_eq!(parse("").unwrap().norms.norms(), Norms::default());
    }

    #[test]
    fn the_example_configuration_is_valid_and_says_the_defaults() {
        let example = include_str!("../config/regiedesk.toml");
        assert_eq!(parse(example).unwrap(), Config::default());
    }

    #[test]
    fn the_examples_commented_identity_provider_reads_when_uncommented() {
        let example = include_str!("../config/regiedesk.toml");
        let start = example
            .find("# [auth.oidc]\n")
            .expect("the [auth.oidc] example");
        let end = example[start..]
            .find("\n\n")
            .map_or(example.len(), |e| start + e);
        let block: String = example[start..end]
            .lines()
            .filter(|l| !l.starts_with("# #"))
            .map(|l| l.strip_prefix("# ").unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n");
        let config = parse(&block).unwrap_or_else(|e| panic!("{e}\n{block}"));
        let oidc = config.auth.oidc.expect("[auth.oidc]");
        assert_eq!(oidc.issuer, "https://login.gemeente.nl/realms/gemeente");
        assert_eq!(oidc.require_mfa_for.len(), 3);
        assert_eq!(oidc.group_roles.len(), 2);
    }

    #[test]
    fn the_committed_schema_is_the_schema_of_the_types() {
        // config/regiedesk.toml points editors (taplo) at this file; a
        // change to the configuration's types must regenerate it:
        // `regiedesk config schema > config/regiedesk.schema.json`.
        let committed = include_str!("../config/regiedesk.schema.json");
        assert_eq!(committed.trim_end(), schema().trim_end());
        let schema: serde_json::Value = serde_json::from_str(committed).unwrap();
        for section in ["norms", "desk", "auth", "zgw"] {
            assert!(schema["properties"][section].is_object(), "{section}");
        }
        assert_eq!(
            schema["additionalProperties"], false,
            "unknown sections are errors"
        );
        let example = include_str!("../config/regiedesk.toml");
        assert!(example.starts_with("#:schema ./regiedesk.schema.json\n"));
    }

    #[test]
    fn a_saved_view_is_written_into_the_file_keeping_the_rest_and_read_back() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("regiedesk.toml");
        let original = "# my own note\n[desk]\n# polled often\npoll_interval_seconds = 2\n";
        std::fs::write(&path, original).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        let view = SavedView {
            board: "stagnatie".into(),
            filter: "koster \"x\"".into(),
            sort: Some("casusregisseur".into()),
            descending: true,
            hidden_columns: vec!["organisatie".into()],
        };
        save_view(&path, "koster", &view).unwrap();
        let written = std::fs::read_to_string(&path).unwrap();
        assert!(written.starts_with(original), "{written}");
        let config = Config::load(&path).unwrap();
        assert_eq!(config.desk.poll_interval_seconds, 2);
        assert_eq!(config.desk.views["koster"], view);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640, "the file keeps its own permissions");
        // Saved again under the same name: replaced, not doubled.
        let other = SavedView {
            filter: String::new(),
            sort: None,
            ..view.clone()
        };
        save_view(&path, "koster", &other).unwrap();
        assert_eq!(Config::load(&path).unwrap().desk.views["koster"], other);
        // No file yet: one is made, the user's alone.
        let fresh = dir.path().join("new/regiedesk.toml");
        save_view(&fresh, "a", &view).unwrap();
        assert_eq!(Config::load(&fresh).unwrap().desk.views.len(), 1);
        let mode = std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn a_view_that_would_break_the_file_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("regiedesk.toml");
        // Already broken: an unknown key. The view does not hide it.
        std::fs::write(&path, "[desk]\nbogus = 1\n").unwrap();
        let view = SavedView {
            board: "stagnatie".into(),
            filter: String::new(),
            sort: None,
            descending: false,
            hidden_columns: vec![],
        };
        assert!(save_view(&path, "a", &view).is_err());
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "[desk]\nbogus = 1\n"
        );
        // A view of a column the board lacks is refused when read.
        let err = parse("[desk.views.x]\nboard = \"stagnatie\"\nsort = \"nope\"\n").unwrap_err();
        assert!(err.contains("no column \"nope\""), "{err}");
        let err = parse("[desk.views.\"twee woorden\"]\nboard = \"stagnatie\"\n").unwrap_err();
        assert!(err.contains("a name is 1 to 32"), "{err}");
        let err = parse("[desk.views.d]\nboard = \"doorstroom\"\n").unwrap_err();
        assert!(err.contains("no table"), "{err}");
    }

    #[test]
    fn norms_are_read_from_the_file() {
        let config = parse(
            "[norms]\nfirst_contact_days = 3\ncounting = \"calendar_days\"\nextra_closing_days = [2026-05-15, \"2026-12-31\"]\n\
             [norms.stagnation]\nno_activity_days = 20\n",
        )
        .unwrap();
        let norms = config.norms.norms();
        assert_eq!(
            (norms.first_contact_days, norms.counting),
            (3, DayCounting::CalendarDays)
        );
        assert!(
            !norms
                .calendar
                .is_working_day(NaiveDate::from_ymd_opt(2026, 5, 15).unwrap())
        );
        assert!(
            !norms
                .calendar
                .is_working_day(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap())
        );
        let err = parse("[norms]\nextra_closing_days = [\"15-05-2026\"]\n").unwrap_err();
        assert!(
            err.contains("line 2") && err.contains("not a date"),
            "{err}"
        );
        assert_eq!(norms.stagnation.no_activity_days, 20);
        assert_eq!(
            norms.stagnation.no_plan_days,
            StagnationThresholds::default().no_plan_days
        );
    }

    #[test]
    fn the_desk_section_is_read_and_checked() {
        let config = parse(
            "[desk]\nserver = \"https://zaken.example.nl\"\npoll_interval_seconds = 10\nlanguage = \"en\"\n\
             boards = [\"mandaat\", \"caseload\"]\nnotifications = false\n\
             [desk.hidden_columns]\nstagnatie = [\"organisatie\"]\n",
        )
        .unwrap();
        assert_eq!(config.desk.server, "https://zaken.example.nl");
        assert_eq!(config.desk.poll_interval_seconds, 10);
        assert_eq!(config.desk.language, Language::En);
        assert_eq!(config.desk.boards, vec![Board::Mandaat, Board::Caseload]);
        assert!(!config.desk.notifications);
        assert_eq!(
            config.desk.hidden_columns[&Board::Stagnatie],
            vec!["organisatie".to_string()]
        );
        let err = parse("[desk]\nboards = [\"stagnation\"]\n").unwrap_err();
        assert!(
            err.contains("line 2") && err.contains("boards are caseload, stagnatie"),
            "{err}"
        );
        let err = parse("[desk]\nboards = []\n").unwrap_err();
        assert!(err.contains("at least one board"), "{err}");
        // The table is checked as a whole, so its header line is named.
        let err = parse("[desk.hidden_columns]\nmandaat = [\"naam\"]\n").unwrap_err();
        assert!(
            err.contains("line 1") && err.contains("no column \"naam\""),
            "{err}"
        );
        let err = parse("[desk]\npoll_interval_seconds = 0\n").unwrap_err();
        assert!(err.contains("must be 1 to 300 seconds"), "{err}");
        let err = parse("[desk]\ntheme = \"neon\"\n").unwrap_err();
        assert!(err.contains("neon"), "{err}");
    }

    #[test]
    fn a_bad_value_names_the_file_the_line_and_the_problem() {
        let err = parse("[norms]\n\nfirst_contact_days = 0\n").unwrap_err();
        assert!(err.starts_with("regiedesk.toml: "), "{err}");
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains("must be 1 to 30 days, not 0"), "{err}");
        let err = parse("[norms]\ncounting = \"werkdagen\"\n").unwrap_err();
        assert!(err.contains("line 2") && err.contains("werkdagen"), "{err}");
        let err = parse("[norms]\nfirst_contact_dayz = 2\n").unwrap_err();
        assert!(
            err.contains("line 2") && err.contains("first_contact_dayz"),
            "{err}"
        );
        let err = parse("[norms.stagnation]\nno_plan_days = -1\n").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
        let err = parse("[norms]\nwaakvlam_max_months = 0\n").unwrap_err();
        assert!(
            err.contains("line 2") && err.contains("must be 1 to 60 months, not 0"),
            "{err}"
        );
    }

    #[test]
    fn the_waakvlam_norms_are_read_from_the_file() {
        let norms = parse("[norms]\nwaakvlam_max_months = 12\nwaakvlam_due_soon_days = 10\n")
            .unwrap()
            .norms
            .norms();
        assert_eq!(
            (norms.waakvlam_max_months, norms.waakvlam_due_soon_days),
            (12, 10)
        );
        assert_eq!(Norms::default().waakvlam_max_months, 24);
    }
}
