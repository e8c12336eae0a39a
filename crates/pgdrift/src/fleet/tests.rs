use super::*;

fn target(db: &str) -> Target {
    Target::new(ConnInfo::parse(&format!("postgres://u@h/{db}")).unwrap())
}

#[test]
fn url_lists_skip_comments_and_name_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("urls.txt");
    std::fs::write(
        &path,
        "# tenants\npostgres://u@h/a\n\n  postgres://u@h/b  \nnope\n",
    )
    .unwrap();
    let parse = |s: &str| {
        if s.starts_with("postgres://") {
            ConnInfo::parse(s).map_err(|e| e.to_string())
        } else {
            Err(format!("{s:?} is not a connection string"))
        }
    };
    let err = read_url_list(&path, &parse).unwrap_err().to_string();
    assert!(
        err.ends_with("urls.txt:5: \"nope\" is not a connection string"),
        "{err}"
    );
    std::fs::write(
        &path,
        "# tenants\npostgres://u@h/a\n\n  postgres://u@h/b  \n",
    )
    .unwrap();
    let names: Vec<String> = read_url_list(&path, &parse)
        .unwrap()
        .iter()
        .map(|t| t.database().to_string())
        .collect();
    assert_eq!(names, vec!["a", "b"]);
}

#[tokio::test]
async fn bounded_concurrency_keeps_order_and_fails_fast() {
    let targets: Vec<Target> = (0..10).map(|i| target(&format!("t{i}"))).collect();
    let running = std::sync::atomic::AtomicUsize::new(0);
    let peak = std::sync::atomic::AtomicUsize::new(0);
    let results = run_all(
        &targets,
        3,
        false,
        |t| {
            let name = t.database().to_string();
            let (running, peak) = (&running, &peak);
            async move {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                running.fetch_sub(1, Ordering::SeqCst);
                if name == "t4" {
                    Err(name)
                } else {
                    Ok(name)
                }
            }
        },
        |_, _| {},
    )
    .await;
    assert_eq!(peak.load(Ordering::SeqCst), 3);
    let got: Vec<String> = results
        .into_iter()
        .map(|r| match r.unwrap() {
            Ok(n) => n,
            Err(n) => format!("!{n}"),
        })
        .collect();
    assert_eq!(got[3..6], ["t3".to_string(), "!t4".into(), "t5".into()]);
    let results = run_all(
        &targets,
        1,
        true,
        |t| {
            let name = t.database().to_string();
            async move {
                if name == "t2" {
                    Err(())
                } else {
                    Ok(())
                }
            }
        },
        |_, _| {},
    )
    .await;
    let ran = results.iter().filter(|r| r.is_some()).count();
    assert_eq!(ran, 3, "t0, t1 and the failing t2 ran; the rest did not");
}

#[test]
fn targets_on_several_servers_are_named_host_port_db() {
    let url = |u: &str| ConnInfo::parse(u).unwrap();
    let targets = vec![
        Target::new(url("postgres://u@a.example:5432/tenant_3")),
        Target::new(url("postgres://u@b.example:6432/tenant_3")),
        Target::new(url("postgres://u@[::1]:5433/tenant_3")),
    ];
    assert_eq!(
        line_names(&targets),
        [
            "a.example:5432/tenant_3",
            "b.example:6432/tenant_3",
            "[::1]:5433/tenant_3"
        ]
    );
    let same = vec![target("a"), target("b")];
    assert_eq!(line_names(&same), ["a", "b"]);
}

#[test]
fn commands_name_a_target_from_a_variable_by_the_variable() {
    let info = ConnInfo::parse("postgres://u:secret@h/app").unwrap();
    let named = Target::named(info.clone(), "env:PROD_URL");
    assert_eq!(named.arg, "env:PROD_URL");
    assert_eq!(named.sibling("app").arg, "env:PROD_URL");
    assert_eq!(named.sibling("tenant_3").arg, "env:PROD_URL/tenant_3");
    assert_eq!(
        named.sibling("tenant_3").sibling("tenant_4").arg,
        "env:PROD_URL/tenant_4"
    );
    let plain = Target::named(info, "postgres://u:secret@h/app");
    assert_eq!(plain.arg, "postgresql://u:***@h/app");
    assert_eq!(plain.sibling("t").arg, "postgresql://u:***@h/t");
}

#[test]
fn a_bad_line_never_shows_its_password() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("urls.txt");
    std::fs::write(&path, "postgres:/u:pa ss@h/db\n").unwrap();
    let echo = |s: &str| Err(format!("cannot tell what {s} is"));
    let err = read_url_list(&path, &echo).unwrap_err().to_string();
    assert!(
        !err.contains("pa ss") && err.contains("urls.txt:1:"),
        "{err}"
    );
}
