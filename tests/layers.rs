//! The layers of ARCHITECTURE.md, checked on the source: a lower layer
//! never names a higher one. The domain knows nothing of HTTP, SQL or
//! terminals; the server knows a case system only as its `CaseSystem`
//! trait, never the ZGW source (issue 20, 1.8); the ZGW source never the
//! desk.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// The lines of the layer `layer` that name one of `higher`, outside
/// comments: `file:line: text`.
fn crossings(layer: &str, higher: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    let path = root.join(layer);
    let files = if path.is_dir() {
        sources(&path)
    } else {
        vec![path]
    };
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for name in higher {
                if code.contains(&format!("crate::{name}")) {
                    let shown = file.strip_prefix(&root).unwrap().display();
                    found.push(format!("src/{shown}:{}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    found
}

#[test]
fn the_domain_names_no_other_layer() {
    let found = crossings("domain", &["api", "server", "zgw", "desk", "config", "cli"]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_wire_format_names_only_the_domain() {
    let found = crossings("api/wire.rs", &["server", "zgw", "desk"]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_server_does_not_name_the_zgw_source_or_the_desk() {
    let found = crossings("server", &["zgw", "desk"]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_zgw_source_does_not_name_the_desk() {
    let found = crossings("zgw", &["desk"]);
    assert!(found.is_empty(), "{found:#?}");
}
