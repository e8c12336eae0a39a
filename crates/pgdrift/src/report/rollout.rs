//! The HTML report of a staged rollout (`migrate apply --report FILE.html`): the audit
//! report's page shell and style (one self-contained file, no script, nothing fetched), a
//! header with the totals, a table of waves and a table of databases. Every text from the
//! data goes through [`escape`].

use super::audit::escape;
use crate::fleet::rollout::{Rollout, Status};
use crate::fleet::Target;
use std::fmt::Write as _;

const STYLE: &str = include_str!("audit/style.css");

/// What the report shows.
#[derive(Debug)]
pub struct RolloutReport<'r> {
    /// The migrations directory.
    pub dir: String,
    pub dry_run: bool,
    pub targets: &'r [Target],
    pub rollout: &'r Rollout,
}

/// The whole page.
pub fn render_html(report: &RolloutReport<'_>) -> String {
    let mut out = String::with_capacity(16 * 1024 + report.targets.len() * 512);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>pgdrift rollout</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n"
    );
    header(&mut out, report);
    out.push_str("<main>\n");
    waves(&mut out, report.rollout);
    databases(&mut out, report);
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn header(out: &mut String, report: &RolloutReport<'_>) {
    let r = report.rollout;
    let dry = if report.dry_run { " (dry run)" } else { "" };
    let _ = write!(
        out,
        "<header>\n<h1>Rollout of {}{dry}</h1>\n<p>{} databases in {:.1} s: {} applied, {} up to date, \
         {} failed, {} not attempted</p>\n",
        escape(&report.dir),
        r.outcomes.len(),
        r.seconds,
        r.count(Status::Applied),
        r.count(Status::UpToDate),
        r.count(Status::Failed),
        r.count(Status::NotAttempted),
    );
    if let Some(stop) = &r.stopped {
        let _ = writeln!(out, "<p class=\"sev-error\">{}</p>", escape(&stop.reason()));
    }
    out.push_str("</header>\n");
}

fn waves(out: &mut String, r: &Rollout) {
    out.push_str(
        "<section id=\"waves\">\n<h2>Waves</h2>\n<table class=\"grid\">\n<thead><tr><th>wave</th>\
         <th>databases</th><th>ok</th><th>failed</th><th>not attempted</th></tr></thead>\n<tbody>\n",
    );
    for w in &r.waves {
        let canary = if w.canary { " (canary)" } else { "" };
        let _ = writeln!(
            out,
            "<tr><td>{}{canary}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            w.wave, w.databases, w.ok, w.failed, w.not_attempted
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn databases(out: &mut String, report: &RolloutReport<'_>) {
    out.push_str(
        "<section id=\"databases\">\n<h2>Databases</h2>\n<table class=\"grid\">\n<thead><tr>\
         <th>database</th><th>server</th><th>wave</th><th>status</th><th>migrations</th>\
         <th>lock retries</th><th>seconds</th><th>error</th></tr></thead>\n<tbody>\n",
    );
    for (t, o) in report.targets.iter().zip(&report.rollout.outcomes) {
        let class = match o.status {
            Status::Applied | Status::UpToDate => "sev-ok",
            Status::Failed => "sev-error",
            Status::NotAttempted => "sev-warning",
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"{class}\">{}</td><td>{}</td>\
             <td>{}</td><td>{:.1}</td><td><pre>{}</pre></td></tr>",
            escape(&t.label),
            escape(&t.server()),
            o.wave,
            o.status.as_str().replace('_', " "),
            escape(&o.versions().join(", ")),
            o.retries,
            o.seconds,
            escape(o.error.as_deref().unwrap_or("")),
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::rollout::{DbOutcome, Stop, WaveSummary};
    use crate::pg::ConnInfo;

    #[test]
    fn the_page_holds_waves_and_databases_escaped() {
        let targets = vec![Target::new(ConnInfo::parse("postgres://u@h/a_db").unwrap())];
        let mut failed = DbOutcome::not_attempted(1);
        failed.status = Status::Failed;
        failed.error = Some("relation \"<b>\" already exists".into());
        let rollout = Rollout {
            outcomes: vec![failed],
            waves: vec![WaveSummary {
                wave: 1,
                canary: true,
                databases: 1,
                failed: 1,
                ..WaveSummary::default()
            }],
            stopped: Some(Stop::Interrupted),
            seconds: 1.5,
        };
        let html = render_html(&RolloutReport {
            dir: "migrations & more".into(),
            dry_run: false,
            targets: &targets,
            rollout: &rollout,
        });
        assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
        assert!(html.contains("Rollout of migrations &amp; more"), "{html}");
        assert!(
            html.contains("&quot;&lt;b&gt;&quot; already exists"),
            "{html}"
        );
        assert!(!html.contains("<b>"), "{html}");
        assert!(
            html.contains("<td>1 (canary)</td>") && html.contains("interrupted"),
            "{html}"
        );
        assert!(html.contains("a_db") && html.contains("1 failed"), "{html}");
    }
}
