//! One example per kind of bad input under `examples/errors/<kind>/`, each
//! snapshotted whole: message, file:line:column, caret and help. The CLI
//! test checks that each also exits with code 2.

use chainrule::diagnostics::{render_plain, Sources};
use chainrule::query::{eval_model, load, EvalRequest};

/// The first error of loading and evaluating the model the way
/// `chainrule eval FILE` does, rendered without colour.
fn first_error(path: &std::path::Path) -> String {
    let src = std::fs::read_to_string(path).expect("readable example");
    let name = format!(
        "examples/errors/{}",
        path.strip_prefix(errors_dir()).expect("under errors").display()
    );
    let err = match load(&src, &[]) {
        Err(e) => e,
        Ok(model) => match eval_model(
            &model,
            &EvalRequest {
                digits: 40,
                ..Default::default()
            },
        ) {
            Err(e) => e,
            Ok(_) => panic!("{name} should fail, but evaluated"),
        },
    };
    render_plain(
        &err,
        &Sources {
            file_name: &name,
            model: &src,
            query: None,
            wrt: None,
        },
    )
}

fn errors_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/errors")
}

#[test]
fn every_error_kind_is_located() {
    insta::glob!("../examples/errors", "**/*.chain", |path| {
        let rendered = first_error(path);
        insta::assert_snapshot!(rendered);
    });
}
