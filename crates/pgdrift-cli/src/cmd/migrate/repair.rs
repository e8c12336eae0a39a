//! `pgdrift migrate repair`: lists the rows it would change (new checksums of edited files,
//! with what changed; rows of deleted files), asks, then changes them in one transaction.

use super::{database, read_files, seconds};
use crate::cli::{Format, MigrateRepairArgs};
use crate::output::write_to;
use crate::Outcome;
use pgdrift::migrate::runner::maintenance::{repairs, write_repairs, Repair};
use pgdrift::migrate::{changelog, tracking, Status};
use std::io::{BufRead, IsTerminal};

pub async fn run(args: MigrateRepairArgs) -> anyhow::Result<Outcome> {
    if !args.checksums && !args.remove_missing {
        anyhow::bail!(
            "say what to repair: --checksums (record the checksums of edited files) and/or \
             --remove-missing (remove the rows of files that are gone)"
        );
    }
    let (_, files) = read_files(&args.dir)?;
    let conn = pgdrift::pg::connect(&database(&args.url)?).await?;
    let applied = tracking::read(&conn.client).await?;
    let status = Status::compute(&files, &applied);
    let list = repairs(&status, &files, args.checksums, args.remove_missing);
    let json = args.format == Format::Json;
    if !json {
        let text = listing(&list);
        write_to(None, |w| w.write_all(text.as_bytes()))?;
    }
    let go = !list.is_empty() && (args.yes || (!json && confirmed()?));
    let written = if go {
        // Recorded in the change log: the rows changed, by whom, and how it ended.
        let detail = serde_json::json!({ "changes": list });
        let os_user = pgdrift::cleanup::Who::from_env().os_user;
        let id = changelog::start(
            &conn.client,
            &changelog::Start {
                action: changelog::Action::Repair,
                subject: "pgdrift.migrations",
                os_user: os_user.as_deref(),
                script: None,
                checksum: None,
                detail: &detail,
            },
        )
        .await?;
        match write_repairs(&conn, &files, &list, seconds(args.lock_wait)).await {
            Ok(n) => {
                let done = serde_json::json!({ "rows": n });
                changelog::finish(&conn.client, id, changelog::Ending::Applied, &done, None)
                    .await?;
                n
            }
            Err(e) => {
                let error = e.to_string();
                let none = serde_json::json!({});
                let _ = changelog::finish(
                    &conn.client,
                    id,
                    changelog::Ending::Failed,
                    &none,
                    Some(&error),
                )
                .await;
                return Err(e.into());
            }
        }
    } else {
        0
    };
    if json {
        let value = serde_json::json!({"format_version": 1, "command": "migrate repair",
            "changes": list, "made": go});
        let text = format!("{}\n", serde_json::to_string_pretty(&value)?);
        write_to(None, |w| w.write_all(text.as_bytes()))?;
    } else if go {
        write_to(None, |w| {
            writeln!(w, "repaired {written} row(s) of pgdrift.migrations")
        })?;
    }
    if !list.is_empty() && !go {
        anyhow::bail!("nothing changed: confirm with --yes to make the changes listed");
    }
    Ok(Outcome::Clean)
}

fn listing(list: &[Repair]) -> String {
    if list.is_empty() {
        return "nothing to repair: every applied migration's file is there, unchanged\n".into();
    }
    let mut out = String::from("pgdrift.migrations would change:\n");
    for r in list {
        match r {
            Repair::UpdateChecksum {
                version,
                recorded,
                current,
                changes,
            } => {
                out.push_str(&format!(
                    "  update {version}: checksum {} -> {}\n",
                    &recorded[..recorded.len().min(12)],
                    &current[..current.len().min(12)]
                ));
                if changes.is_empty() {
                    out.push_str(
                        "    (the text applied was not recorded; no listing of the change)\n",
                    );
                }
                for line in changes.lines() {
                    out.push_str(&format!("    {line}\n"));
                }
            }
            Repair::RemoveRow {
                version,
                applied_at,
            } => out.push_str(&format!(
                "  remove {version} (applied {applied_at}; its file is gone)\n"
            )),
        }
    }
    out
}

/// Asks on the terminal; without one, there is no confirmation.
#[allow(clippy::print_stderr)]
fn confirmed() -> anyhow::Result<bool> {
    if !std::io::stdin().is_terminal() {
        return Ok(false);
    }
    eprint!("make these changes? [y/N] ");
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}
