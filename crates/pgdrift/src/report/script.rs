//! A plan as a SQL script a person can read and run with psql: a header naming the
//! sources, the session settings, statements that must run outside a transaction before
//! it, the transactional steps between `BEGIN` and `COMMIT`, the rest after; each step's
//! hazards as comments above it. Steps that delete data are commented out unless they are
//! allowed, with a note saying how to enable them. Manual steps close the script.

use crate::plan::{guard, Plan, Step};
use std::fmt::Write;

/// What the script says about itself.
#[derive(Debug, Clone, Default)]
pub struct ScriptContext {
    /// The source the plan starts from and the one it leads to, as the user named them.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Whether destructive steps run (uncommented).
    pub allow_destructive: bool,
    /// A title for the first line (`plan` or `rollback`).
    pub title: String,
    /// The states the plan is bound to (`pgdrift apply` checks them): header lines after the
    /// sources, and the per-object state block at the end.
    pub binding: Option<crate::plan::binding::Rendered>,
}

/// The whole script.
pub fn render_sql(plan: &Plan, ctx: &ScriptContext) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "-- pgdrift {}: {}",
        crate::VERSION,
        if ctx.title.is_empty() {
            "plan"
        } else {
            &ctx.title
        }
    );
    if let Some(from) = &ctx.from {
        let _ = writeln!(out, "-- from: {}", one_line(from));
    }
    if let Some(to) = &ctx.to {
        let _ = writeln!(out, "-- to:   {}", one_line(to));
    }
    if let Some(binding) = &ctx.binding {
        out.push_str(&binding.header);
    }
    let gated = plan.steps.iter().filter(|s| s.destructive).count();
    let hazardous = plan.steps.iter().filter(|s| !s.hazards.is_empty()).count();
    let _ = writeln!(
        out,
        "-- {} step{}, {hazardous} with hazards, {gated} destructive{}",
        plan.steps.len(),
        if plan.steps.len() == 1 { "" } else { "s" },
        match (gated, ctx.allow_destructive) {
            (0, _) => "",
            (_, true) => " (enabled by --allow-destructive)",
            (_, false) => " (commented out: rerun with --allow-destructive to enable them)",
        }
    );
    if plan.steps.is_empty() && plan.manual.is_empty() {
        out.push_str("-- nothing to do: the schemas are the same\n");
        return bound(out, ctx);
    }
    out.push('\n');
    for s in &plan.settings {
        let _ = writeln!(out, "{s};");
    }
    let mut in_transaction = false;
    let mut seen_transaction = false;
    let mut tied = false;
    for (i, step) in plan.steps.iter().enumerate() {
        if step.transactional && !in_transaction {
            out.push_str("\nBEGIN;\n");
            in_transaction = true;
            seen_transaction = true;
            if ctx.idempotent {
                tied = open_guarded(&mut out, &plan.steps[i..]);
            }
        } else if !step.transactional && in_transaction {
            out.push_str("\nCOMMIT;\n");
            in_transaction = false;
        }
        if !step.transactional {
            let _ = write!(
                out,
                "\n-- runs outside a transaction ({})",
                if seen_transaction {
                    "after the commit"
                } else {
                    "before the transaction"
                }
            );
        }
        write_step(&mut out, step, ctx, tied);
    }
    if in_transaction {
        out.push_str("\nCOMMIT;\n");
    }
    if !plan.manual.is_empty() {
        out.push_str("\n-- Manual steps: pgdrift cannot make these changes safely by itself.\n");
        for m in &plan.manual {
            let _ = writeln!(
                out,
                "-- * {} {}: {}",
                m.kind.info().singular,
                one_line(&m.object),
                one_line(&m.reason)
            );
        }
    }
    bound(out, ctx)
}

/// The script closed by its state block and sealed with its checksum, when it is bound.
fn bound(mut out: String, ctx: &ScriptContext) -> String {
    match &ctx.binding {
        Some(binding) => {
            out.push_str(&binding.trailer);
            crate::plan::binding::seal(out)
        }
        None => out,
    }
}

/// In an idempotent script, what opens the transaction whose first step is `rest[0]`: the
/// statement deciding whether its work is still to do. False when none can be written.
fn open_guarded(out: &mut String, rest: &[Step]) -> bool {
    let block: Vec<&Step> = rest.iter().take_while(|s| s.transactional).collect();
    match guard::pending(&block) {
        Some(sql) => {
            out.push_str(
                "-- guard: whether this transaction's work is still to do, decided before its \
                 first step\n",
            );
            let _ = writeln!(out, "{sql};");
            true
        }
        None => false,
    }
}

fn write_step(out: &mut String, step: &Step, ctx: &ScriptContext, tied: bool) {
    let allow_destructive = ctx.allow_destructive;
    out.push('\n');
    match &step.label {
        Some(label) => {
            let _ = writeln!(out, "-- {}", one_line(label));
        }
        None => {
            let _ = writeln!(
                out,
                "-- {} {} {}",
                if step.backup.is_some() {
                    "back up"
                } else {
                    step.op.as_str()
                },
                step.kind.info().singular,
                one_line(&step.object)
            );
        }
    }
    for h in &step.hazards {
        let _ = writeln!(out, "-- hazard {}", one_line(&h.to_string()));
    }
    if step.destructive && !allow_destructive {
        match &step.part_of {
            Some(change) => {
                let _ = writeln!(
                    out,
                    "-- destructive ({}): disabled; rerun with --allow-destructive to include it",
                    one_line(change)
                );
            }
            None => out.push_str(
                "-- destructive: disabled; rerun with --allow-destructive to include it\n",
            ),
        }
        let sql = statement(step, ctx, tied, out);
        let commented: Vec<String> = sql.lines().map(|l| format!("-- {l}")).collect();
        let _ = writeln!(out, "{};", commented.join("\n"));
    } else {
        let sql = statement(step, ctx, tied, out);
        let _ = writeln!(out, "{sql};");
    }
}

/// The step's SQL: as planned, or guarded for an idempotent script (a step without a guard
/// is said to be so, loudly, above its plain SQL).
fn statement(step: &Step, ctx: &ScriptContext, tied: bool, out: &mut String) -> String {
    if !ctx.idempotent {
        return step.sql.clone();
    }
    if step.guard.is_none() && tied && step.transactional {
        out.push_str("-- guard: with its transaction\n");
    }
    match guard::render(step, tied) {
        Some(sql) => sql,
        None => {
            let _ = writeln!(out, "{}", guard::UNGUARDED);
            step.sql.clone()
        }
    }
}

/// Text safe inside a `--` comment: control characters (a newline in an object's name
/// would end the comment and turn the rest of the name into a statement) are escaped.
pub fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::Op;
    use crate::model::Kind;
    use crate::plan::{HazardKind, Plan, Step};

    #[test]
    fn names_cannot_escape_comments_and_destructive_steps_are_commented_out() {
        let plan = Plan {
            settings: vec!["SET lock_timeout = '5000ms'".into()],
            steps: vec![Step::new(
                "DROP TABLE app.\"x\nDROP TABLE y\"",
                Kind::Table,
                Op::Drop,
                "app.x\nDROP TABLE y",
            )
            .hazard(HazardKind::DeletesData, "drops app.x\nDROP TABLE y")],
            manual: vec![],
        };
        let sql = render_sql(&plan, &ScriptContext::default());
        assert!(
            sql.contains("-- drop table app.x\\nDROP TABLE y\n"),
            "{sql}"
        );
        assert!(
            sql.contains("-- DROP TABLE app.\"x\n-- DROP TABLE y\";"),
            "{sql}"
        );
        for line in sql.lines() {
            assert!(
                line.starts_with("--")
                    || line.starts_with("SET ")
                    || line.is_empty()
                    || line == "BEGIN;"
                    || line == "COMMIT;",
                "an uncommented line: {line}"
            );
        }
        let allowed = render_sql(
            &plan,
            &ScriptContext {
                allow_destructive: true,
                ..Default::default()
            },
        );
        assert!(allowed.contains("\nDROP TABLE app.\"x\nDROP TABLE y\";"));
    }
}
