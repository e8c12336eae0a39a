//! The driver with a task that records what runs at once: limits overall and per server,
//! waves in order, stopping on failures, on a refusal and on a stop request.

use super::super::plan::Canary;
use super::*;
use crate::pg::ConnInfo;
use std::cell::RefCell;

fn targets(servers: &[(&str, usize)]) -> Vec<Target> {
    let mut out = Vec::new();
    for (host, n) in servers {
        for i in 0..*n {
            let url = format!("postgres://u@{host}:5432/{host}_{i}");
            out.push(Target::new(ConnInfo::parse(&url).unwrap()));
        }
    }
    out
}

fn settings(jobs: usize) -> Settings {
    Settings {
        jobs,
        per_server: HashMap::new(),
        max_failures: Share::Count(0),
        lock_retries: 0,
        fail_fast: false,
    }
}

/// What ran: the order of starts, and the most running at once overall and per server.
#[derive(Default)]
struct Seen {
    started: Vec<String>,
    running: HashMap<String, usize>,
    most: HashMap<String, usize>,
}

async fn drive(
    targets: &[Target],
    waves: &[Wave],
    settings: &Settings,
    fails: &[&str],
    answer: bool,
) -> (Rollout, Seen) {
    let seen = RefCell::new(Seen::default());
    let task = |t: &Target| {
        let (db, server) = (t.database().to_string(), t.server());
        let seen = &seen;
        let fail = fails.contains(&db.as_str());
        async move {
            {
                let mut s = seen.borrow_mut();
                s.started.push(db.clone());
                for key in [server.clone(), "*".to_string()] {
                    let n = *s
                        .running
                        .entry(key.clone())
                        .and_modify(|n| *n += 1)
                        .or_insert(1);
                    let most = s.most.entry(key).or_default();
                    *most = (*most).max(n);
                }
            }
            tokio::time::sleep(Duration::from_millis(15)).await;
            let mut s = seen.borrow_mut();
            for key in [server, "*".to_string()] {
                *s.running.entry(key).or_default() -= 1;
            }
            match fail {
                true => Err(format!("{db} failed")),
                false => Ok(ApplyReport::default()),
            }
        }
    };
    let mut on_event = |_: Event<'_>| {};
    let hooks = Hooks {
        on_event: &mut on_event,
        stop: &|| false,
        confirm: |_: WaveSummary, _: &Wave| async move { answer },
    };
    let done = run(targets, waves, settings, task, hooks).await;
    (done, seen.into_inner())
}

#[tokio::test]
async fn at_most_jobs_overall_and_the_limit_per_server() {
    let targets = targets(&[("a", 6), ("b", 6)]);
    let waves = super::super::plan(&targets, None, None).unwrap();
    let mut settings = settings(5);
    settings.per_server.insert(targets[0].server(), 2);
    let (done, seen) = drive(&targets, &waves, &settings, &[], true).await;
    assert_eq!(done.count(Status::UpToDate), 12);
    assert_eq!(seen.most["*"], 5);
    assert_eq!(seen.most[&targets[0].server()], 2);
    assert_eq!(seen.most[&targets[6].server()], 3);
    // The other server's databases are not held back behind the limited one's.
    let first_b = seen
        .started
        .iter()
        .position(|d| d.starts_with("b_"))
        .unwrap();
    assert!(first_b <= 2, "{:?}", seen.started);
}

#[tokio::test]
async fn waves_run_in_order_and_a_failure_stops_the_next_ones() {
    let targets = targets(&[("a", 5)]);
    let waves =
        super::super::plan(&targets, Some(&Canary::Count(1)), Some(Share::Count(2))).unwrap();
    let (done, seen) = drive(&targets, &waves, &settings(4), &["a_1"], true).await;
    assert_eq!(seen.started[0], "a_0");
    assert_eq!(seen.started.len(), 3, "{:?}", seen.started);
    let statuses: Vec<Status> = done.outcomes.iter().map(|o| o.status).collect();
    use Status::*;
    assert_eq!(
        statuses,
        [UpToDate, Failed, UpToDate, NotAttempted, NotAttempted]
    );
    assert_eq!(
        done.stopped,
        Some(Stop::Failures {
            failed: 1,
            allowed: 0
        })
    );
    assert_eq!(done.waves[2].not_attempted, 2);
    assert!(done.outcomes[4]
        .error
        .as_deref()
        .unwrap()
        .contains("--max-failures"));
}

#[tokio::test]
async fn a_refusal_between_waves_stops_and_fail_fast_stops_within_a_wave() {
    let targets = targets(&[("a", 4)]);
    let waves = super::super::plan(&targets, Some(&Canary::Count(1)), None).unwrap();
    let (done, _) = drive(&targets, &waves, &settings(4), &[], false).await;
    assert_eq!(done.stopped, Some(Stop::Declined));
    assert_eq!(done.count(Status::NotAttempted), 3);
    let waves = super::super::plan(&targets, None, None).unwrap();
    let mut fast = settings(1);
    fast.fail_fast = true;
    let (done, seen) = drive(&targets, &waves, &fast, &["a_1"], true).await;
    assert_eq!(seen.started, ["a_0", "a_1"]);
    assert_eq!(done.count(Status::NotAttempted), 2);
    assert!(done.outcomes[3]
        .error
        .as_deref()
        .unwrap()
        .contains("--fail-fast"));
}

#[tokio::test]
async fn a_stop_request_starts_nothing_more() {
    let targets = targets(&[("a", 3)]);
    let waves = super::super::plan(&targets, None, None).unwrap();
    let calls = RefCell::new(0);
    let task = |_: &Target| {
        *calls.borrow_mut() += 1;
        async { Ok(ApplyReport::default()) }
    };
    let mut events = Vec::new();
    let mut on_event = |e: Event<'_>| events.push(format!("{e:?}"));
    let hooks = Hooks {
        on_event: &mut on_event,
        stop: &|| true,
        confirm: |_: WaveSummary, _: &Wave| async { true },
    };
    let done = run(&targets, &waves, &settings(2), task, hooks).await;
    assert_eq!(*calls.borrow(), 0);
    assert_eq!(done.stopped, Some(Stop::Interrupted));
    assert_eq!(done.count(Status::NotAttempted), 3);
    assert!(events.iter().any(|e| e == "Interrupted"), "{events:?}");
}
