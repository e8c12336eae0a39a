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
    /// Every step guarded so that the script can run again (after a failure half-way, or
    /// twice) and does nothing the second time.
    pub idempotent: bool,
    /// In an idempotent script, the steps of the script this one undoes (the forward plan
    /// of a rollback, the rollback of a plan): once this script's work is done, the other's
    /// journal rows are cleared, so that it can run again.
    pub undoes: Option<Vec<Step>>,
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
    let id = ctx.idempotent.then(|| guard::script_id(&plan.steps));
    if let Some(id) = &id {
        let _ = write!(
            out,
            "\n-- idempotent: each transaction is recorded in pgdrift.script_units (script '{id}') \
             when it\n-- commits; a run of this script again skips what is recorded, and every \
             step also tests\n-- the catalog where it can tell whether its change is made. To run \
             it again on purpose\n-- after undoing it by hand: DELETE FROM pgdrift.script_units \
             WHERE script = '{id}';\n"
        );
        let _ = writeln!(out, "{};", guard::journal_setup());
    }
    let mut in_transaction = false;
    let mut seen_transaction = false;
    let mut unit = 0;
    for step in &plan.steps {
        if step.transactional && !in_transaction {
            out.push_str("\nBEGIN;\n");
            in_transaction = true;
            seen_transaction = true;
            unit += 1;
            if let Some(id) = &id {
                out.push_str("-- guard: whether this transaction is still to do\n");
                let _ = writeln!(out, "{};", guard::open_unit(id, unit));
            }
        } else if !step.transactional && in_transaction {
            close(&mut out, id.as_deref(), unit);
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
        let unit_of_step = match (&id, step.transactional) {
            (Some(id), false) => {
                unit += 1;
                Some((id.as_str(), unit))
            }
            _ => None,
        };
        write_step(&mut out, step, ctx, unit_of_step);
    }
    if in_transaction {
        close(&mut out, id.as_deref(), unit);
    }
    if let (Some(_), Some(other)) = (&id, &ctx.undoes) {
        let other = guard::script_id(other);
        out.push_str("\n-- the script this one undoes can run again\n");
        let _ = writeln!(out, "{};", guard::forget(&other));
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

/// Closes transaction `unit`, recording it in the journal first in an idempotent script.
fn close(out: &mut String, id: Option<&str>, unit: usize) {
    if let Some(id) = id {
        let _ = writeln!(out, "\n{};", guard::close_unit(id, unit));
    }
    out.push_str("\nCOMMIT;\n");
}

/// `own`: the script and unit of a step of an idempotent script that runs outside a
/// transaction.
fn write_step(out: &mut String, step: &Step, ctx: &ScriptContext, own: Option<(&str, usize)>) {
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
        let sql = statement(step, ctx, own, out);
        let commented: Vec<String> = sql.lines().map(|l| format!("-- {l}")).collect();
        let _ = writeln!(out, "{};", commented.join("\n"));
    } else {
        let sql = statement(step, ctx, own, out);
        let _ = writeln!(out, "{sql};");
    }
}

/// The step's SQL: as planned, or guarded for an idempotent script (a step without a guard
/// is said to be so, loudly, above its plain SQL).
fn statement(
    step: &Step,
    ctx: &ScriptContext,
    own: Option<(&str, usize)>,
    out: &mut String,
) -> String {
    if !ctx.idempotent {
        return step.sql.clone();
    }
    if let Some(guard::Guard::Instead { sql, .. }) = &step.guard {
        let _ = writeln!(
            out,
            "-- idempotent: runs as {} (a DO block, which records it, cannot run the statement itself)",
            one_line(sql)
        );
    }
    let guarded = match own {
        Some((id, unit)) => guard::own_unit(step, id, unit),
        None => Some(guard::in_unit(step)),
    };
    guarded.unwrap_or_else(|| {
        let _ = writeln!(out, "{}", guard::UNGUARDED);
        step.sql.clone()
    })
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
