//! Dependencies run one way (issue 15, ARCHITECTURE.md "Layers"): every
//! module imports only from layers below its own. This test reads the
//! sources: a `crate::module` path in code (not in a comment, not in a
//! `#[cfg(test)]` block) must name a lower layer.

use std::path::{Path, PathBuf};

/// The layers, lowest first. A module may use modules of lower layers only.
const LAYERS: &[&[&str]] = &[
    &["vocab", "progress", "mathml", "stepmap"],
    &["number"],
    &["syntax"],
    &["shape"],
    &["model"],
    &["graph"],
    &["simplify", "fold"],
    &["eval"],
    &["calculus"],
    &["general", "notation", "matrix"],
    &["matrix_general"],
    &["error"],
    &["query"],
    &["render", "check", "drawing"],
    &["doc", "html", "grading"],
    &["diagnostics"],
    &["api"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// Every `.rs` file of a module: `src/m.rs` or everything under `src/m/`.
fn files(root: &Path, module: &str) -> Vec<PathBuf> {
    let single = root.join(format!("{module}.rs"));
    if single.exists() {
        return vec![single];
    }
    let mut out = Vec::new();
    let mut stack = vec![root.join(module)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") && !p.ends_with("tests.rs") {
                // `tests.rs` files are `#[cfg(test)]` modules: tests may use
                // any layer.
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The modules a source text uses through `crate::`, outside comments and
/// test blocks.
fn used_modules(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("#[cfg(test)]") {
            break;
        }
        if code.starts_with("//") {
            continue;
        }
        let code = code.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push((i + 1, name));
            }
            rest = after;
        }
    }
    out
}

#[test]
fn modules_import_only_from_layers_below() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    let mut seen = 0;
    for (layer, modules) in LAYERS.iter().enumerate() {
        for module in *modules {
            for file in files(&root, module) {
                let text = std::fs::read_to_string(&file).unwrap();
                for (line, used) in used_modules(&text) {
                    if used == *module {
                        continue;
                    }
                    seen += 1;
                    match layer_of(&used) {
                        Some(l) if l < layer => {}
                        Some(l) => wrong.push(format!(
                            "{}:{line}: `{module}` (layer {layer}) uses `{used}` (layer {l})",
                            file.display()
                        )),
                        None => wrong.push(format!("{}:{line}: `{used}` is in no layer", file.display())),
                    }
                }
            }
        }
    }
    assert!(seen > 50, "the scan found only {seen} imports");
    assert!(wrong.is_empty(), "imports against the layers:\n{}", wrong.join("\n"));
}

#[test]
fn every_module_has_a_layer() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(root.join("lib.rs")).unwrap();
    for line in lib.lines() {
        let line = line.trim();
        let decl = line
            .strip_prefix("pub mod ")
            .or_else(|| line.strip_prefix("mod "))
            .and_then(|r| r.strip_suffix(';'));
        if let Some(name) = decl {
            assert!(
                layer_of(name).is_some(),
                "module `{name}` has no layer in tests/layers.rs"
            );
        }
    }
}
