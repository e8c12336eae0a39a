//! What changed in an enum's labels: labels added (and where), removed, or reordered.
//! PostgreSQL can add a label in place (`ADD VALUE ... AFTER`), but removing or reordering
//! labels needs the type recreated, so the planner needs to know which case it is in.

use serde::Serialize;

/// Where an added label goes, relative to a label that exists by the time it is added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelPlacement {
    /// At the end (also for the first label of an empty enum).
    Last,
    After(String),
    Before(String),
}

/// The label changes between two versions of an enum.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LabelChanges {
    /// Added labels, in the order to add them.
    pub added: Vec<(String, LabelPlacement)>,
    pub removed: Vec<String>,
    /// The labels both versions have are in a different order.
    pub reordered: bool,
}

impl LabelChanges {
    /// True when only additions are needed: `ALTER TYPE ... ADD VALUE` can do it.
    pub fn additions_only(&self) -> bool {
        self.removed.is_empty() && !self.reordered
    }
}

/// Compares the labels of two versions of an enum.
pub fn label_changes(from: &[String], to: &[String]) -> LabelChanges {
    let kept_from: Vec<&String> = from.iter().filter(|l| to.contains(l)).collect();
    let kept_to: Vec<&String> = to.iter().filter(|l| from.contains(l)).collect();
    let mut added = Vec::new();
    for (i, label) in to.iter().enumerate() {
        if from.contains(label) {
            continue;
        }
        // After the label just before it (present by now, whether old or just added);
        // for a new first label, before the first old label that follows.
        let placement = if i > 0 {
            LabelPlacement::After(to[i - 1].clone())
        } else if let Some(next) = to.iter().find(|l| from.contains(l)) {
            LabelPlacement::Before(next.clone())
        } else {
            LabelPlacement::Last
        };
        added.push((label.clone(), placement));
    }
    LabelChanges {
        added,
        removed: from.iter().filter(|l| !to.contains(l)).cloned().collect(),
        reordered: kept_from != kept_to,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn added_in_the_middle_goes_after_its_predecessor() {
        let c = label_changes(&v(&["a", "c"]), &v(&["a", "b", "c", "d"]));
        assert_eq!(
            c.added,
            [
                ("b".to_string(), LabelPlacement::After("a".into())),
                ("d".to_string(), LabelPlacement::After("c".into()))
            ]
        );
        assert!(c.additions_only());
    }

    #[test]
    fn added_first_goes_before_the_old_first() {
        let c = label_changes(&v(&["b"]), &v(&["x", "a", "b"]));
        assert_eq!(
            c.added,
            [
                ("x".to_string(), LabelPlacement::Before("b".into())),
                ("a".to_string(), LabelPlacement::After("x".into()))
            ]
        );
    }

    #[test]
    fn removal_and_reorder_need_recreation() {
        let c = label_changes(&v(&["a", "b", "c"]), &v(&["a", "c"]));
        assert_eq!(c.removed, ["b"]);
        assert!(!c.additions_only());
        let c = label_changes(&v(&["a", "b"]), &v(&["b", "a"]));
        assert!(c.reordered && c.removed.is_empty());
        assert!(label_changes(&v(&[]), &v(&["a"])).added[0].1 == LabelPlacement::Last);
    }
}
