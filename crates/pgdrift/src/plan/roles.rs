//! Roles live outside a database: a plan that grants to a role, names it in a policy or
//! sets something for it cannot create it, and on a server without it the step fails —
//! after the steps that run outside the transaction (new enum labels, concurrent index
//! builds) have already committed. So a plan whose steps name roles FROM never names
//! starts with a check that they exist, which stops the script before anything changes
//! and says which role to create.

use super::Step;
use crate::diff::{Diff, Op};
use crate::model::Kind;
use crate::sql::{DollarQuoted, Ident, Literal};

/// True when `sql` names the identifier `role` (as PostgreSQL would print it).
fn names(sql: &str, role: &str) -> bool {
    let ident = Ident(role).to_string();
    let bytes = sql.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b == b'"';
    sql.match_indices(&ident).any(|(at, _)| {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(at + ident.len()).copied();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

/// The check that opens a plan whose `steps` name roles that TO has and FROM does not.
pub(super) fn guard(diff: &Diff<'_>, steps: &[Step]) -> Option<Step> {
    let known = diff.from.role_names();
    let needed: Vec<String> = diff
        .to
        .role_names()
        .into_iter()
        .filter(|r| !known.contains(r))
        .filter(|r| steps.iter().any(|s| names(&s.sql, r)))
        .collect();
    if needed.is_empty() {
        return None;
    }
    let checks: Vec<String> = needed
        .iter()
        .map(|r| {
            let message = format!(
                "role {} does not exist on this server: create it first (roles live outside \
                 the database), then run the plan",
                Ident(r)
            );
            format!(
                "  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = {}) THEN\n    \
                 RAISE EXCEPTION '%', {};\n  END IF;",
                Literal(r),
                Literal(&message)
            )
        })
        .collect();
    let body = format!("\nBEGIN\n{}\nEND\n", checks.join("\n"));
    let mut step = Step::new(
        format!("DO {}", DollarQuoted(&body)),
        Kind::Schema,
        Op::Alter,
        needed.join(", "),
    );
    step.guard = Some(super::guard::Guard::Check);
    step.label = Some(format!(
        "check that the roles this plan names exist: {}",
        needed.join(", ")
    ));
    Some(step)
}

#[cfg(test)]
mod tests {
    use super::names;

    #[test]
    fn a_role_is_named_as_a_whole_identifier() {
        assert!(names("GRANT SELECT ON TABLE public.t TO reader", "reader"));
        assert!(names(
            "GRANT SELECT ON TABLE public.t TO \"Read Only\"",
            "Read Only"
        ));
        assert!(!names(
            "GRANT SELECT ON TABLE public.t TO readers",
            "reader"
        ));
        assert!(!names(
            "GRANT SELECT ON TABLE public.reader_t TO x",
            "reader"
        ));
    }
}
