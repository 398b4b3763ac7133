//! The Elman derive report in a real browser: headless chromium renders
//! the page, and the screenshot must not be blank; the SVG on the page
//! must carry the two paths from w1 to L(y[2]), each in its own colour.
//! Skipped, with a message, where no chromium is installed (CI installs
//! Debian's).

use std::path::PathBuf;
use std::process::Command;

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"].into_iter().find(|b| {
        Command::new(b)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// The page `derive --format html` writes, with the graph laid out by
/// `layout` (`auto`: Graphviz where installed, else the built-in layout).
fn page(dir: &std::path::Path, layout: &str) -> (PathBuf, String) {
    let html = dir.join(format!("elman-{layout}.html"));
    let out = Command::new(env!("CARGO_BIN_EXE_chainrule"))
        .args([
            "derive",
            "examples/elman.chain",
            "--of",
            "L(y[2])",
            "--wrt",
            "w1",
            "--format",
            "html",
            "--layout",
            layout,
            "-o",
        ])
        .arg(&html)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&html).unwrap();
    (html, text)
}

/// The classes of the coloured strokes on the page's SVG: `path-1`, `path-2`, ….
fn routes_in(svg: &str) -> std::collections::BTreeSet<String> {
    // Graphviz writes `-` in attributes as `&#45;`.
    let svg = svg.replace("&#45;", "-");
    svg.split("class=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .flat_map(|classes| classes.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .filter(|c| c.starts_with("path-"))
        .collect()
}

#[test]
fn the_page_has_the_two_highlighted_paths() {
    let dir = tempfile::tempdir().unwrap();
    for layout in ["builtin", "auto"] {
        let (_, html) = page(dir.path(), layout);
        two_paths(&html);
    }
}

fn two_paths(html: &str) {
    let at = html.find("<svg").expect("an SVG on the page");
    let svg = &html[at..at + html[at..].find("</svg>").expect("the SVG ends")];
    let routes = routes_in(svg);
    assert_eq!(
        routes.into_iter().collect::<Vec<_>>(),
        ["path-1", "path-2"],
        "Elman has exactly 2 paths from w1 to L(y[2])"
    );
    // Each route in its own colour, and the edge they share in both.
    let lower = svg.to_ascii_lowercase();
    assert!(lower.contains("#0072b2") && lower.contains("#d55e00"), "{svg}");
    assert!(!html.contains("<script") && !html.contains("<link"), "self-contained");
}

#[test]
fn chromium_renders_the_elman_report() {
    let Some(browser) = chromium() else {
        println!("skipped: no chromium installed (apt-get install chromium)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (html, _) = page(dir.path(), "auto");
    let shot = dir.path().join("elman.png");
    let run = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=900,1800",
        ])
        .arg(format!("--user-data-dir={}", dir.path().join("profile").display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("chromium runs");
    assert!(shot.exists(), "no screenshot: {}", String::from_utf8_lossy(&run.stderr));
    // Keep a copy to look at.
    let keep = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("elman-report.png");
    let _ = std::fs::copy(&shot, &keep);

    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("one frame");
    assert_eq!((info.width, info.height), (900, 1800));
    let channels = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
    let ink = pixels.iter().filter(|p| p[..3].iter().any(|&c| c < 128)).count();
    // The route colours, drawn as the SVG's strokes: blue #0072B2 and vermilion #D55E00.
    let near = |p: &[u8], c: [u8; 3]| p[..3].iter().zip(c).all(|(&a, b)| a.abs_diff(b) < 40);
    let blue = pixels.iter().filter(|p| near(p, [0x00, 0x72, 0xB2])).count();
    let vermilion = pixels.iter().filter(|p| near(p, [0xD5, 0x5E, 0x00])).count();
    assert!(
        ink > 5_000,
        "the page looks blank: {ink} dark pixels (see {})",
        keep.display()
    );
    assert!(
        blue > 100 && vermilion > 100,
        "the two routes are not drawn: {blue} blue and {vermilion} vermilion pixels (see {})",
        keep.display()
    );
}
