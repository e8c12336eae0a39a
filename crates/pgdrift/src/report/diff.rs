//! What `pgdrift diff` reports: the report data (also its JSON layout, versioned), the
//! human summary grouped by kind with counts and hazard markers, and Markdown for pull
//! request comments.

use super::script::{one_line, render_sql, ScriptContext};
use crate::diff::{Change, Diff, Op, FORMAT_VERSION};
use crate::migrate::owned::OwnedTable;
use crate::model::{Kind, KINDS};
use crate::plan::renames::Rename;
use crate::plan::{Hazard, Plan};
use comfy_table::{presets, Cell, CellAlignment, Table};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Everything `pgdrift diff` found and planned.
#[derive(Debug, Serialize)]
pub struct DiffReport<'a> {
    pub format_version: u32,
    /// The sources, as the user named them (passwords masked).
    pub from: String,
    pub to: String,
    pub summary: Summary,
    pub changes: &'a [Change<'a>],
    pub plan: &'a Plan,
    /// The plan back from `to` to `from`, with `--reverse`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollback: Option<&'a Plan>,
    /// Whether destructive steps are enabled.
    pub allow_destructive: bool,
    /// Migration tools' tracking tables left out of the comparison.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub trackers_left_out: Vec<OwnedTable>,
    /// Tables and columns renamed on a hint: the plan starts with their `RENAME` steps.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub renames: Vec<Rename>,
    /// Drops and creations that look like renames: the hint that would keep their data.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suggested_renames: Vec<Rename>,
    /// How the SQL scripts are written: guarded steps, and the states they are bound to.
    #[serde(skip)]
    pub script_options: ScriptOptions,
}

/// How a plan's SQL script is written, beyond the plan itself.
#[derive(Debug, Clone, Default)]
pub struct ScriptOptions {
    /// Every step guarded, so the script can run again and does nothing the second time.
    pub idempotent: bool,
    /// The block that binds the plan to its FROM and TO states (`plan::binding`), for the
    /// forward script; already rendered as SQL comments.
    pub binding: Option<crate::plan::binding::Rendered>,
    /// The same for the rollback script (bound to TO, leading back to FROM).
    pub rollback_binding: Option<crate::plan::binding::Rendered>,
}

/// Counts of changes.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub create: usize,
    pub drop: usize,
    pub alter: usize,
    pub steps: usize,
    pub destructive_steps: usize,
    pub steps_with_hazards: usize,
    pub manual_steps: usize,
}

impl<'a> DiffReport<'a> {
    pub fn new(
        from: String,
        to: String,
        diff: &'a Diff<'a>,
        plan: &'a Plan,
        rollback: Option<&'a Plan>,
        allow_destructive: bool,
    ) -> Self {
        let count = |op| diff.changes.iter().filter(|c| c.op == op).count();
        DiffReport {
            format_version: FORMAT_VERSION,
            from,
            to,
            summary: Summary {
                create: count(Op::Create),
                drop: count(Op::Drop),
                alter: count(Op::Alter),
                steps: plan.steps.len(),
                destructive_steps: plan.steps.iter().filter(|s| s.destructive).count(),
                steps_with_hazards: plan.steps.iter().filter(|s| !s.hazards.is_empty()).count(),
                manual_steps: plan.manual.len(),
            },
            changes: &diff.changes,
            plan,
            rollback,
            allow_destructive,
            trackers_left_out: Vec::new(),
            renames: Vec::new(),
            suggested_renames: Vec::new(),
            script_options: ScriptOptions::default(),
        }
    }

    /// The report, with its scripts written as `options` says.
    pub fn with_script_options(mut self, options: ScriptOptions) -> Self {
        self.script_options = options;
        self
    }

    /// The report, with the renames the plan makes and those the diff suggests.
    pub fn with_renames(mut self, applied: Vec<Rename>, suggested: Vec<Rename>) -> Self {
        self.renames = applied;
        self.suggested_renames = suggested;
        self
    }

    /// The report, saying which tracking tables were left out of the comparison.
    pub fn with_trackers_left_out(mut self, tables: Vec<OwnedTable>) -> Self {
        self.trackers_left_out = tables;
        self
    }

    /// True when the schemas are the same: no change, and nothing left to do by hand.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.plan.manual.is_empty() && self.renames.is_empty()
    }

    /// "2 tracking tables not compared (...)", when some were left out.
    pub fn trackers_note(&self) -> Option<String> {
        let n = self.trackers_left_out.len();
        (n > 0).then(|| {
            let names: Vec<String> = self
                .trackers_left_out
                .iter()
                .map(|t| format!("{} of {}", t.table, t.tool_name))
                .collect();
            format!(
                "{n} tracking table{} not compared ({}); --include-trackers compares {}",
                if n == 1 { "" } else { "s" },
                names.join(", "),
                if n == 1 { "it" } else { "them" }
            )
        })
    }

    /// The hazards of the steps that come from each (kind, object).
    fn hazards(&self) -> BTreeMap<(Kind, &str), Vec<&Hazard>> {
        let mut map: BTreeMap<(Kind, &str), Vec<&Hazard>> = BTreeMap::new();
        for s in &self.plan.steps {
            for h in &s.hazards {
                let list = map.entry((s.kind, s.object.as_str())).or_default();
                if !list.iter().any(|x| x.kind == h.kind) {
                    list.push(h);
                }
            }
        }
        map
    }

    /// The plan as a SQL script.
    pub fn script(&self) -> String {
        render_sql(
            self.plan,
            &ScriptContext {
                from: Some(self.from.clone()),
                to: Some(self.to.clone()),
                allow_destructive: self.allow_destructive,
                title: "plan".into(),
                idempotent: self.script_options.idempotent,
                undoes: self.rollback.map(|r| r.steps.clone()),
                binding: self.script_options.binding.clone(),
            },
        )
    }

    /// The rollback as a SQL script, when there is one.
    pub fn rollback_script(&self) -> Option<String> {
        self.rollback.map(|plan| {
            render_sql(
                plan,
                &ScriptContext {
                    from: Some(self.to.clone()),
                    to: Some(self.from.clone()),
                    allow_destructive: self.allow_destructive,
                    title: "rollback".into(),
                    idempotent: self.script_options.idempotent,
                    undoes: Some(self.plan.steps.clone()),
                    binding: self.script_options.rollback_binding.clone(),
                },
            )
        })
    }
}

fn sign(op: Op) -> &'static str {
    match op {
        Op::Create => "+",
        Op::Drop => "-",
        Op::Alter => "~",
    }
}

/// What an alter changed, briefly: `type: integer -> bigint; not_null: - -> true`; a field
/// whose values do not fit on a short line (a view's query, a routine's body) is only named.
fn fields(c: &Change<'_>) -> String {
    let raw = |v: &Option<serde_json::Value>| match v {
        None => "-".to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    };
    let fits = |s: &str| !s.contains('\n') && s.chars().count() <= 60;
    c.fields
        .iter()
        .map(|f| {
            let (from, to) = (raw(&f.from), raw(&f.to));
            if fits(&from) && fits(&to) {
                format!("{}: {} → {}", f.field, short(&from), short(&to))
            } else {
                format!("{} changed", f.field)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A value cut to one short line.
fn short(s: &str) -> String {
    let line = one_line(s.trim());
    if line.chars().count() > 60 {
        format!("{}…", line.chars().take(59).collect::<String>())
    } else {
        line
    }
}

/// The human summary.
/// The renames the plan makes, and those it suggests, for the text summary.
fn renames_text(report: &DiffReport<'_>, paint: &dyn Fn(&str, &str) -> String) -> String {
    let mut out = String::new();
    let what = |r: &Rename| match r {
        Rename::Table { schema, from, to } => format!("table {schema}.{from} → {schema}.{to}"),
        Rename::Column {
            schema,
            table,
            from,
            to,
        } => format!("column {schema}.{table}.{from} → {to}"),
    };
    if !report.renames.is_empty() {
        let _ = writeln!(out, "{}", paint("1", "Renamed (on a hint)"));
        for r in &report.renames {
            let _ = writeln!(out, "  {} {}", paint("33", "→"), one_line(&what(r)));
        }
        out.push('\n');
    }
    if !report.suggested_renames.is_empty() {
        let _ = writeln!(out, "{}", paint("1", "Possible renames"));
        for r in &report.suggested_renames {
            let _ = writeln!(
                out,
                "  ? {}: dropped and created with the same definition; if it is one object \
                 renamed, keep its data with --rename {}",
                one_line(&what(r)),
                one_line(&r.to_string())
            );
        }
        out.push('\n');
    }
    out
}

pub fn render_text(report: &DiffReport<'_>, color: bool) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} → {}",
        paint("1", &one_line(&report.from)),
        paint("1", &one_line(&report.to))
    );
    let note = report
        .trackers_note()
        .map(|n| paint("2", &format!("{n}.\n")));
    if report.is_empty() {
        out.push_str("No differences.\n");
        out.push_str(&note.unwrap_or_default());
        return out;
    }
    let s = &report.summary;
    let _ = writeln!(
        out,
        "{} difference{}: {} to create, {} to drop, {} to alter\n",
        report.changes.len(),
        if report.changes.len() == 1 { "" } else { "s" },
        s.create,
        s.drop,
        s.alter
    );
    out.push_str(&counts_table(report));
    out.push_str("\n\n");
    out.push_str(&renames_text(report, &paint));
    let hazards = report.hazards();
    for info in KINDS {
        let changes: Vec<&Change> = report
            .changes
            .iter()
            .filter(|c| c.kind == info.kind)
            .collect();
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{}", paint("1", &capitalize(info.plural)));
        for c in changes {
            let mark = match c.op {
                Op::Create => paint("32", sign(c.op)),
                Op::Drop => paint("31", sign(c.op)),
                Op::Alter => paint("33", sign(c.op)),
            };
            let _ = write!(out, "  {mark} {}", one_line(&c.name));
            if c.op == Op::Alter {
                let _ = write!(out, "  {}", fields(c));
            }
            if let Some(list) = hazards.get(&(c.kind, c.name.as_str())) {
                let codes: Vec<String> = list
                    .iter()
                    .map(|h| {
                        let info = h.kind.info();
                        format!("{} {}", info.code, info.slug)
                    })
                    .collect();
                let _ = write!(out, "  {}", paint("35", &format!("⚠ {}", codes.join(", "))));
            }
            out.push('\n');
        }
        out.push('\n');
    }
    let _ = write!(
        out,
        "Plan: {} step{}, {} with hazards",
        s.steps,
        if s.steps == 1 { "" } else { "s" },
        s.steps_with_hazards
    );
    if s.destructive_steps > 0 {
        if report.allow_destructive {
            let _ = write!(out, ", {} destructive (enabled)", s.destructive_steps);
        } else {
            let _ = write!(
                out,
                ", {} destructive (left out without --allow-destructive)",
                s.destructive_steps
            );
        }
    }
    out.push_str(".\n");
    let mut seen = Vec::new();
    for step in &report.plan.steps {
        for h in &step.hazards {
            if !seen.contains(&h.kind) {
                seen.push(h.kind);
            }
        }
    }
    if !seen.is_empty() {
        out.push_str("Hazards:\n");
        seen.sort();
        for kind in seen {
            let info = kind.info();
            let n = report
                .plan
                .steps
                .iter()
                .filter(|s| s.hazards.iter().any(|h| h.kind == kind))
                .count();
            let _ = writeln!(out, "  {} {} ({n}): {}", info.code, info.slug, info.doc);
        }
    }
    if !report.plan.manual.is_empty() {
        out.push_str(&paint(
            "31",
            "Manual steps (pgdrift cannot make these changes by itself):\n",
        ));
        for m in &report.plan.manual {
            let _ = writeln!(
                out,
                "  {} {}: {}",
                m.kind.info().singular,
                one_line(&m.object),
                one_line(&m.reason)
            );
        }
    }
    out.push_str(&note.unwrap_or_default());
    out.push_str("Run with --format sql for the script.\n");
    out
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Create / drop / alter counts per kind.
fn counts_table(report: &DiffReport<'_>) -> String {
    let mut counts: BTreeMap<Kind, [usize; 3]> = BTreeMap::new();
    for c in report.changes {
        let i = match c.op {
            Op::Create => 0,
            Op::Drop => 1,
            Op::Alter => 2,
        };
        counts.entry(c.kind).or_default()[i] += 1;
    }
    let mut table = Table::new();
    table.load_preset(presets::NOTHING);
    table.set_header(vec!["", "create", "drop", "alter"]);
    for info in KINDS {
        if let Some(n) = counts.get(&info.kind) {
            let cell = |x: usize| {
                Cell::new(if x == 0 {
                    "·".to_string()
                } else {
                    x.to_string()
                })
                .set_alignment(CellAlignment::Right)
            };
            table.add_row(vec![
                Cell::new(info.plural),
                cell(n[0]),
                cell(n[1]),
                cell(n[2]),
            ]);
        }
    }
    table.to_string()
}

/// Markdown for a pull request comment.
pub fn render_markdown(report: &DiffReport<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### Schema drift: `{}` → `{}`\n",
        md_code(&report.from),
        md_code(&report.to)
    );
    let note = report
        .trackers_note()
        .map(|n| format!("\n_{}._\n", md_cell(&n)));
    if report.is_empty() {
        out.push_str("No differences.\n");
        out.push_str(&note.unwrap_or_default());
        return out;
    }
    let s = &report.summary;
    let _ = writeln!(
        out,
        "**{}** difference{}: {} to create, {} to drop, {} to alter. The plan has {} step{}, {} with hazards, {} destructive{}.\n",
        report.changes.len(),
        if report.changes.len() == 1 { "" } else { "s" },
        s.create,
        s.drop,
        s.alter,
        s.steps,
        if s.steps == 1 { "" } else { "s" },
        s.steps_with_hazards,
        s.destructive_steps,
        if s.destructive_steps > 0 && !report.allow_destructive {
            " (disabled without `--allow-destructive`)"
        } else {
            ""
        }
    );
    out.push_str("| | kind | object | details | hazards |\n|---|---|---|---|---|\n");
    let hazards = report.hazards();
    for r in &report.renames {
        let (kind, name) = match r {
            Rename::Table { schema, from, to } => ("table", format!("{schema}.{from} → {to}")),
            Rename::Column {
                schema,
                table,
                from,
                to,
            } => ("column", format!("{schema}.{table}.{from} → {to}")),
        };
        let _ = writeln!(
            out,
            "| → | {kind} | `{}` | renamed on a hint | ⚠️ renames |",
            md_code(&name)
        );
    }
    for c in report.changes {
        let details = if c.op == Op::Alter {
            fields(c)
        } else {
            String::new()
        };
        let hz = hazards
            .get(&(c.kind, c.name.as_str()))
            .map(|l| {
                l.iter()
                    .map(|h| format!("⚠️ {}", h.kind.info().slug))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| {} | {} | `{}` | {} | {} |",
            sign(c.op),
            c.kind.info().singular,
            md_code(&c.name),
            md_cell(&details),
            hz
        );
    }
    if !report.suggested_renames.is_empty() {
        out.push_str("\n**Possible renames** (dropped and created with the same definition):\n\n");
        for r in &report.suggested_renames {
            let _ = writeln!(
                out,
                "- keep the data with `--rename {}`",
                md_code(&r.to_string())
            );
        }
    }
    if !report.plan.manual.is_empty() {
        out.push_str("\n**Manual steps**\n\n");
        for m in &report.plan.manual {
            let _ = writeln!(
                out,
                "- {} `{}`: {}",
                m.kind.info().singular,
                md_code(&m.object),
                md_cell(&m.reason)
            );
        }
    }
    let script = report.script();
    let fence = if script.contains("```") {
        "~~~~"
    } else {
        "```"
    };
    let _ = write!(
        out,
        "\n<details><summary>SQL plan</summary>\n\n{fence}sql\n{script}{fence}\n\n</details>\n"
    );
    out.push_str(&note.unwrap_or_default());
    out
}

/// Text inside a Markdown code span.
fn md_code(s: &str) -> String {
    one_line(s).replace('`', "'")
}

/// Text inside a Markdown table cell.
fn md_cell(s: &str) -> String {
    one_line(s).replace('|', "\\|")
}
