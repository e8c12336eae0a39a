use super::*;
use std::fs;

fn dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = d.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    d
}

fn versions(d: &MigrationDir) -> Vec<&str> {
    d.migrations.iter().map(|m| m.version.as_str()).collect()
}

#[test]
fn plain_orders_by_number_then_full_name() {
    let d = dir(&[
        ("10_c.sql", "SELECT 3;"),
        ("2_b.sql", "SELECT 2;"),
        ("20240101_b.sql", "SELECT 5;"),
        ("20240101_a.sql", "SELECT 4;"),
        ("001_a.sql", "-- pgdrift:no-transaction\nSELECT 1;"),
        ("README.md", "notes"),
        (".gitkeep", ""),
    ]);
    let m = read_dir(d.path(), None, &Ignore::none()).unwrap();
    assert_eq!(m.format, DirFormat::Plain);
    assert_eq!(
        versions(&m),
        [
            "001_a.sql",
            "2_b.sql",
            "10_c.sql",
            "20240101_a.sql",
            "20240101_b.sql"
        ]
    );
    assert!(m.migrations[0].no_transaction && !m.migrations[1].no_transaction);
    assert_eq!(m.migrations[2].description, "c");
}

#[test]
fn plain_refuses_what_it_cannot_order() {
    let d = dir(&[("001_a.sql", ""), ("schema.sql", "")]);
    let err = read_dir(d.path(), None, &Ignore::none()).unwrap_err();
    assert!(
        err.to_string().contains("schema.sql")
            && err.to_string().contains("starts with its number"),
        "{err}"
    );
    let d = dir(&[("001_a.sql", ""), ("notes.txt", "")]);
    let err = read_dir(d.path(), None, &Ignore::none()).unwrap_err();
    assert!(err.to_string().contains("notes.txt"), "{err}");
}

#[test]
fn flyway_versions_repeatables_undo_and_conf() {
    let d = dir(&[
        ("V1__init.sql", "SELECT 1;"),
        ("V1.10__later.sql", "SELECT 3;"),
        ("V1_9__earlier.sql", "SELECT 2;"),
        ("R__views_b.sql", "SELECT 5;"),
        ("R__views_a.sql", "SELECT 4;"),
        ("U1_9__earlier.sql", "SELECT 0;"),
        ("V1.10__later.sql.conf", "executeInTransaction=false\n"),
    ]);
    let m = read_dir(d.path(), None, &Ignore::none()).unwrap();
    assert_eq!(m.format, DirFormat::Flyway);
    assert_eq!(versions(&m), ["1", "1.9", "1.10", "", ""]);
    assert_eq!(m.migrations[3].description, "views a");
    assert_eq!(m.migrations[3].kind, MigrationKind::Repeatable);
    assert!(m.migrations[2].no_transaction);
    for twin in ["V1_0__b.sql", "V01__b.sql"] {
        let d = dir(&[("V1__a.sql", ""), (twin, "")]);
        let err = read_dir(d.path(), None, &Ignore::none()).unwrap_err();
        assert!(
            err.to_string().contains("also the version of"),
            "{twin}: {err}"
        );
    }
    let d = dir(&[("V1__a.sql", ""), ("migrate.sql", "")]);
    assert!(read_dir(d.path(), None, &Ignore::none())
        .unwrap_err()
        .to_string()
        .contains("migrate.sql"));
}

#[test]
fn up_down_applies_up_files_in_version_order() {
    let d = dir(&[
        ("20240102000000_b.up.sql", "SELECT 2;"),
        ("20240102000000_b.down.sql", "SELECT -2;"),
        ("20240101000000_a.up.sql", "SELECT 1;"),
        ("20240101000000_a.down.sql", "SELECT -1;"),
    ]);
    let m = read_dir(d.path(), None, &Ignore::none()).unwrap();
    assert_eq!(m.format, DirFormat::UpDown);
    assert_eq!(versions(&m), ["20240101000000", "20240102000000"]);
    assert_eq!(m.migrations[1].sql, "SELECT 2;");
    let d = dir(&[("1_a.up.sql", ""), ("x.up.sql", "")]);
    assert!(read_dir(d.path(), None, &Ignore::none())
        .unwrap_err()
        .to_string()
        .contains("x.up.sql"));
}

#[test]
fn dbmate_keeps_only_the_up_section_in_place() {
    let text = "-- migrate:up\nCREATE TABLE t (id int);\n\n-- migrate:down\nDROP TABLE t;\n";
    let d = dir(&[
        ("20240101_create.sql", text),
        (
            "20240102_more.sql",
            "-- migrate:up transaction:false\nSELECT 1;\n-- migrate:down\n",
        ),
    ]);
    let m = read_dir(d.path(), None, &Ignore::none()).unwrap();
    assert_eq!(m.format, DirFormat::Dbmate);
    let sql = &m.migrations[0].sql;
    assert_eq!(sql.lines().count(), text.lines().count());
    assert!(sql.contains("CREATE TABLE t") && !sql.contains("DROP TABLE"));
    assert_eq!(sql.lines().nth(1), Some("CREATE TABLE t (id int);"));
    assert!(m.migrations[1].no_transaction);
}

#[test]
fn prisma_reads_migration_directories() {
    let d = dir(&[
        ("20240102000000_add_posts/migration.sql", "SELECT 2;"),
        ("20240101000000_init/migration.sql", "SELECT 1;"),
        ("migration_lock.toml", "provider = \"postgresql\"\n"),
    ]);
    let m = read_dir(d.path(), None, &Ignore::none()).unwrap();
    assert_eq!(m.format, DirFormat::Prisma);
    assert_eq!(
        versions(&m),
        ["20240101000000_init", "20240102000000_add_posts"]
    );
    assert_eq!(m.migrations[1].description, "add posts");
    fs::create_dir(d.path().join("20240103000000_empty")).unwrap();
    let err = read_dir(d.path(), None, &Ignore::none()).unwrap_err();
    assert!(
        err.to_string().contains("20240103000000_empty")
            && err.to_string().contains("migration.sql"),
        "{err}"
    );
}

#[test]
fn drizzle_follows_its_journal() {
    let journal = r#"{"version":"7","dialect":"postgresql","entries":[
        {"idx":1,"version":"7","when":2,"tag":"0001_add_posts","breakpoints":true},
        {"idx":0,"version":"7","when":1,"tag":"0000_init","breakpoints":true}]}"#;
    let d = dir(&[
        ("meta/_journal.json", journal),
        ("meta/0000_snapshot.json", "{}"),
        (
            "0000_init.sql",
            "CREATE TABLE a (id int);\n--> statement-breakpoint\nCREATE TABLE b (id int);",
        ),
        ("0001_add_posts.sql", "SELECT 1;"),
    ]);
    let m = read_dir(d.path(), None, &Ignore::none()).unwrap();
    assert_eq!(m.format, DirFormat::Drizzle);
    assert_eq!(versions(&m), ["0000_init", "0001_add_posts"]);
    fs::write(d.path().join("0002_orphan.sql"), "SELECT 3;").unwrap();
    let err = read_dir(d.path(), None, &Ignore::none()).unwrap_err();
    assert!(
        err.to_string().contains("0002_orphan.sql") && err.to_string().contains("_journal.json"),
        "{err}"
    );
    fs::remove_file(d.path().join("0002_orphan.sql")).unwrap();
    fs::remove_file(d.path().join("0001_add_posts.sql")).unwrap();
    let err = read_dir(d.path(), None, &Ignore::none()).unwrap_err();
    assert!(err.to_string().contains("0001_add_posts"), "{err}");
}

#[test]
fn a_format_can_be_forced_and_empty_directories_are_errors() {
    let d = dir(&[("1_a.sql", "-- migrate:up\nSELECT 1;\n")]);
    assert_eq!(
        read_dir(d.path(), None, &Ignore::none()).unwrap().format,
        DirFormat::Dbmate
    );
    assert_eq!(
        read_dir(d.path(), Some(DirFormat::Plain), &Ignore::none())
            .unwrap()
            .format,
        DirFormat::Plain
    );
    let empty = dir(&[("README.md", "")]);
    assert!(matches!(
        read_dir(empty.path(), None, &Ignore::none()).unwrap_err(),
        DirError::Empty { .. }
    ));
    assert_eq!(DirFormat::from_name("drizzle"), Some(DirFormat::Drizzle));
}

#[test]
fn ignored_entries_are_neither_migrations_nor_errors() {
    let d = dir(&[
        ("001_a.sql", "SELECT 1;"),
        ("001_a.sql.old", "SELECT 0;"),
        ("drafts/002_b.sql", "SELECT 2;"),
    ]);
    let err = read_dir(d.path(), None, &Ignore::none()).unwrap_err();
    assert!(err.to_string().contains("--ignore"), "{err}");
    // Ignoring the file alone leaves the subdirectory, an error in a plain directory.
    let old = Ignore::new(["*.old"]).unwrap();
    let err = read_dir(d.path(), None, &old).unwrap_err();
    assert!(
        err.to_string().contains("drafts") && err.to_string().contains("--ignore 'drafts'"),
        "{err}"
    );
    let both = Ignore::new(["*.old", "drafts/**"]).unwrap();
    let m = read_dir(d.path(), None, &both).unwrap();
    assert_eq!(versions(&m), ["001_a.sql"]);
    // Ignoring every migration leaves nothing to read.
    let all = Ignore::new(["*"]).unwrap();
    assert!(matches!(
        read_dir(d.path(), None, &all).unwrap_err(),
        DirError::Empty { .. }
    ));
}

#[test]
fn drizzle_kit_pull_output_is_recognised() {
    let pulled = "-- Current sql file was generated after introspecting the database\n\
                  -- If you want to run this migration please uncomment this code before executing migrations\n\
                  /*\nCREATE TABLE \"a\" (\n\t\"id\" serial\n);\n--> statement-breakpoint\nCREATE INDEX \"i\" ON \"a\" (\"id\");\n*/";
    assert!(drizzle::commented_out(pulled));
    assert!(drizzle::commented_out("/* a; */\n"));
    assert!(!drizzle::commented_out(""));
    assert!(!drizzle::commented_out("-- only a note\n"));
    assert!(!drizzle::commented_out("/* a */ SELECT 1; /* b */"));
    assert!(!drizzle::commented_out("/* a */\nSELECT 1;\n/* b */"));
    let journal = r#"{"dialect":"postgresql","entries":[{"idx":0,"tag":"0000_pulled"}]}"#;
    let d = dir(&[
        ("meta/_journal.json", journal),
        ("meta/0000_snapshot.json", "{}"),
        ("0000_pulled.sql", pulled),
        ("0000_pulled_again.sql", pulled),
        ("schema.ts", "export {};"),
        ("relations.ts", "export {};"),
    ]);
    let m = read_dir(d.path(), None, &Ignore::none()).unwrap();
    assert_eq!(versions(&m), ["0000_pulled"]);
    fs::write(d.path().join("index.ts"), "export {};").unwrap();
    let err = read_dir(d.path(), None, &Ignore::none()).unwrap_err();
    assert!(
        err.to_string().contains("index.ts") && err.to_string().contains("--ignore '*.ts'"),
        "{err}"
    );
}

#[test]
fn directives_behind_a_byte_order_mark_are_read() {
    let bom = "\u{feff}";
    let d = dir(&[
        (
            "001_a.sql",
            &format!("{bom}-- pgdrift:no-transaction\nSELECT 1;"),
        ),
        ("002_b.sql", &format!("{bom}\n-- no-transaction\nSELECT 2;")),
        ("003_c.sql", &format!("{bom}SELECT 3;")),
    ]);
    let m = read_dir(d.path(), None, &Ignore::none()).unwrap();
    let outside: Vec<bool> = m.migrations.iter().map(|m| m.no_transaction).collect();
    assert_eq!(outside, [true, true, false]);
    let d = dir(&[(
        "20240101_a.sql",
        &format!("{bom}-- migrate:up transaction:false\nSELECT 1;\n-- migrate:down\n"),
    )]);
    let m = read_dir(d.path(), None, &Ignore::none()).unwrap();
    assert_eq!(m.format, DirFormat::Dbmate);
    assert!(m.migrations[0].no_transaction);
    let d = dir(&[
        ("V1__a.sql", "SELECT 1;"),
        (
            "V1__a.sql.conf",
            &format!("{bom}executeInTransaction=false\n"),
        ),
    ]);
    let m = read_dir(d.path(), None, &Ignore::none()).unwrap();
    assert!(m.migrations[0].no_transaction);
    let journal = format!(
        r#"{bom}{{"dialect":"postgresql","entries":[{{"idx":0,"when":1,"tag":"0000_init"}}]}}"#
    );
    let d = dir(&[
        ("meta/_journal.json", &journal),
        ("0000_init.sql", "SELECT 1;"),
    ]);
    let m = read_dir(d.path(), None, &Ignore::none()).unwrap();
    assert_eq!(versions(&m), ["0000_init"]);
}

#[test]
fn a_fifo_is_refused_unless_ignored() {
    let d = dir(&[("001_a.sql", "SELECT 1;")]);
    let pipe = d.path().join("002_pipe.sql");
    nix::unistd::mkfifo(&pipe, nix::sys::stat::Mode::S_IRWXU).unwrap();
    let err = read_dir(d.path(), None, &Ignore::none()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("002_pipe.sql: not a regular file (a FIFO)"),
        "{text}"
    );
    assert!(text.contains("--ignore"), "{text}");
    let ignore = Ignore::new(&["002_pipe.sql".to_string()]).unwrap();
    let m = read_dir(d.path(), None, &ignore).unwrap();
    assert_eq!(versions(&m), ["001_a.sql"]);
}
