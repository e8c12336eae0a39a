//! Wave planning and the parsing of its flags.

use super::*;
use crate::pg::ConnInfo;

fn targets(n: usize) -> Vec<Target> {
    (0..n)
        .map(|i| Target::new(ConnInfo::parse(&format!("postgres://u@h/t{i:02}")).unwrap()))
        .collect()
}

fn shape(waves: &[Wave]) -> Vec<Vec<usize>> {
    waves.iter().map(|w| w.targets.clone()).collect()
}

#[test]
fn without_canary_or_size_one_wave() {
    let waves = plan(&targets(5), None, None).unwrap();
    assert_eq!(shape(&waves), vec![vec![0, 1, 2, 3, 4]]);
    assert!(!waves[0].canary);
}

#[test]
fn canary_count_then_fixed_waves() {
    let waves = plan(&targets(7), Some(&Canary::Count(1)), Some(Share::Count(3))).unwrap();
    assert_eq!(shape(&waves), vec![vec![0], vec![1, 2, 3], vec![4, 5, 6]]);
    assert!(waves[0].canary && !waves[1].canary);
    assert_eq!(
        waves.iter().map(|w| w.number).collect::<Vec<_>>(),
        [1, 2, 3]
    );
}

#[test]
fn canary_by_name_and_glob_leaves_the_order_of_the_rest() {
    let canary = Canary::parse("t03,t1*").unwrap();
    let waves = plan(&targets(12), Some(&canary), Some(Share::Count(5))).unwrap();
    assert_eq!(
        shape(&waves),
        vec![vec![3, 10, 11], vec![0, 1, 2, 4, 5], vec![6, 7, 8, 9]]
    );
}

#[test]
fn percent_waves_round_up_and_never_empty() {
    let waves = plan(
        &targets(11),
        Some(&Canary::Count(1)),
        Some(Share::Percent(25)),
    )
    .unwrap();
    // 10 remaining, 25% = 2.5, so waves of 3.
    assert_eq!(
        waves.iter().map(|w| w.targets.len()).collect::<Vec<_>>(),
        [1, 3, 3, 3, 1]
    );
    let waves = plan(&targets(3), None, Some(Share::Percent(1))).unwrap();
    assert_eq!(waves.len(), 3);
}

#[test]
fn a_canary_as_large_as_the_fleet_is_the_only_wave() {
    let waves = plan(&targets(2), Some(&Canary::Count(5)), Some(Share::Count(1))).unwrap();
    assert_eq!(shape(&waves), vec![vec![0, 1]]);
}

#[test]
fn a_canary_name_that_matches_nothing_is_refused() {
    let e = plan(&targets(3), Some(&Canary::parse("nope").unwrap()), None).unwrap_err();
    assert!(e.contains("--canary nope") && e.contains("3 given"), "{e}");
}

#[test]
fn flags_parse_with_clear_errors() {
    assert_eq!(Canary::parse("2").unwrap(), Canary::Count(2));
    assert!(Canary::parse("0").unwrap_err().contains("at least 1"));
    assert!(Canary::parse(" , ").is_err());
    assert_eq!(Share::parse_wave_size("10%").unwrap(), Share::Percent(10));
    assert_eq!(Share::parse_wave_size("4").unwrap(), Share::Count(4));
    for bad in ["0", "0%", "101%", "x", "-1", ""] {
        let e = Share::parse_wave_size(bad).unwrap_err();
        assert!(e.starts_with("--wave-size"), "{bad}: {e}");
    }
    assert_eq!(Share::parse_max_failures("0").unwrap(), Share::Count(0));
    let e = Share::parse_max_failures("150%").unwrap_err();
    assert!(
        e.contains("--max-failures 150%") && e.contains("100%"),
        "{e}"
    );
}

#[test]
fn shares_of_a_total() {
    assert_eq!(Share::Percent(50).of(5), 2);
    assert_eq!(Share::Percent(100).of(5), 5);
    assert_eq!(Share::Count(3).of(100), 3);
    assert_eq!(Share::Percent(50).label(), "50%");
}
