//! Progress for long runs: a spinner on standard error (indicatif) that
//! names the current stage (unroll, evaluate, derive paths, check).
//!
//! The command-line shell starts it with [`Progress::start`]; the library
//! only announces stages with [`step`], which does nothing unless a
//! spinner is running, so library users and tests see no output. The
//! spinner appears only after [`DELAY`] (short runs never show it), only
//! when [`wanted`] says so: standard error and standard output are both
//! terminals and `CI` is not set. It is cleared when the handle is dropped.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a run goes before the spinner is drawn.
pub const DELAY: Duration = Duration::from_secs(1);

/// Should a run show progress? Only on a terminal (standard error, where it
/// is drawn, and standard output, so that `| less` or `> file` runs stay
/// quiet), and never under CI.
pub fn wanted(stderr_is_terminal: bool, stdout_is_terminal: bool, ci_set: bool) -> bool {
    stderr_is_terminal && stdout_is_terminal && !ci_set
}

/// [`wanted`] for this process.
pub fn wanted_here() -> bool {
    use std::io::IsTerminal;
    wanted(
        std::io::stderr().is_terminal(),
        std::io::stdout().is_terminal(),
        std::env::var_os("CI").is_some(),
    )
}

/// The running spinner, if any: `done` guards drawing against `finish`.
struct Shared {
    bar: ProgressBar,
    done: Mutex<bool>,
}

static ACTIVE: Mutex<Option<Arc<Shared>>> = Mutex::new(None);

/// Names the current stage of a long run; a no-op without a spinner.
pub fn step(stage: &'static str) {
    if let Some(s) = ACTIVE.lock().ok().and_then(|a| a.clone()) {
        s.bar.set_message(stage);
    }
}

/// How often [`count`] looks at the spinner: every this many items.
pub const COUNT_EVERY: usize = 1 << 16;

/// Shows how far a long stage has got (`unroll: 3,276,800 nodes`); cheap
/// enough for inner loops, since it does anything only once every
/// [`COUNT_EVERY`] items. A no-op without a spinner.
pub fn count(stage: &'static str, done: usize, unit: &'static str) {
    if done % COUNT_EVERY != 0 || done == 0 {
        return;
    }
    if let Some(s) = ACTIVE.lock().ok().and_then(|a| a.clone()) {
        s.bar.set_message(format!("{stage}: {} {unit}", grouped(done)));
    }
}

/// `3276800` → `3,276,800`.
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The handle the shell holds for one run; dropping it clears the spinner.
pub struct Progress {
    shared: Option<Arc<Shared>>,
}

impl Progress {
    /// Whether this process wants a spinner: standard error and standard
    /// output are terminals, and `CI` is unset (see [`wanted`]).
    pub fn wanted_here() -> bool {
        wanted_here()
    }

    /// A handle that shows nothing.
    pub fn disabled() -> Progress {
        Progress { shared: None }
    }

    /// Starts a spinner if `enabled`, drawn on standard error from [`DELAY`] on.
    pub fn start(enabled: bool) -> Progress {
        if !enabled {
            return Progress::disabled();
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {elapsed} {msg}") {
            bar.set_style(style);
        }
        bar.set_message("starting");
        let shared = Arc::new(Shared {
            bar,
            done: Mutex::new(false),
        });
        if let Ok(mut a) = ACTIVE.lock() {
            *a = Some(shared.clone());
        }
        let later = shared.clone();
        std::thread::spawn(move || {
            std::thread::sleep(DELAY);
            if let Ok(done) = later.done.lock() {
                if !*done {
                    later.bar.set_draw_target(ProgressDrawTarget::stderr());
                    later.bar.enable_steady_tick(Duration::from_millis(120));
                }
            }
        });
        Progress { shared: Some(shared) }
    }

    /// Is a spinner running (drawn or still waiting for [`DELAY`])?
    pub fn is_enabled(&self) -> bool {
        self.shared.is_some()
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        let Some(s) = self.shared.take() else {
            return;
        };
        if let Ok(mut a) = ACTIVE.lock() {
            *a = None;
        }
        let mut done = s.done.lock().unwrap_or_else(|e| e.into_inner());
        *done = true;
        s.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_on_a_terminal_and_never_under_ci() {
        assert!(wanted(true, true, false));
        // Piped or redirected standard output, or standard error.
        assert!(!wanted(true, false, false));
        assert!(!wanted(false, true, false));
        assert!(!wanted(false, false, false));
        // CI set, even on a terminal.
        assert!(!wanted(true, true, true));
    }

    #[test]
    fn a_disabled_handle_and_steps_without_one_do_nothing() {
        let p = Progress::start(false);
        assert!(!p.is_enabled());
        step("unroll");
        drop(p);
    }

    #[test]
    fn counts_read_with_thousands_separators() {
        assert_eq!(grouped(3_276_800), "3,276,800");
        assert_eq!(grouped(65_536), "65,536");
        assert_eq!(grouped(7), "7");
        // Without a spinner, counting does nothing.
        count("unroll", COUNT_EVERY, "nodes");
    }

    #[test]
    fn an_enabled_handle_is_cleared_on_drop() {
        let p = Progress::start(true);
        assert!(p.is_enabled());
        step("evaluate");
        drop(p);
        assert!(ACTIVE.lock().unwrap().is_none());
        step("check");
    }
}
