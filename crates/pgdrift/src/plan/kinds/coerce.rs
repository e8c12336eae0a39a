//! What changing a column's type costs: whether PostgreSQL needs a `USING` cast (there is
//! no assignment cast between the types), whether the table is rewritten (the new type is
//! not binary-compatible), whether existing values may not fit, and whether values that do
//! fit are silently rounded.

/// The consequences of a column type change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeChange {
    pub needs_using: bool,
    pub rewrites: bool,
    pub may_fail: bool,
}

/// A type as printed by `format_type`, split into base name, modifiers and array-ness:
/// `character varying(20)` -> (`character varying`, [20], false).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Parsed {
    base: String,
    mods: Vec<i64>,
    array: bool,
}

fn parse(t: &str) -> Parsed {
    let array = t.ends_with("[]");
    let t = t.trim_end_matches("[]");
    match (t.find('('), t.find(')')) {
        (Some(open), Some(close)) if close > open => {
            let mods = t[open + 1..close]
                .split(',')
                .filter_map(|m| m.trim().parse().ok())
                .collect();
            let base = format!("{}{}", &t[..open], &t[close + 1..]);
            Parsed {
                base: base.trim().to_string(),
                mods,
                array,
            }
        }
        _ => Parsed {
            base: t.to_string(),
            mods: Vec::new(),
            array,
        },
    }
}

const INTEGERS: &[&str] = &["smallint", "integer", "bigint"];
const NUMBERS: &[&str] = &[
    "smallint",
    "integer",
    "bigint",
    "numeric",
    "real",
    "double precision",
];
const STRINGS: &[&str] = &["text", "character varying", "character", "name", "\"char\""];
const TIMES: &[&str] = &[
    "date",
    "timestamp without time zone",
    "timestamp with time zone",
];

/// Built-in types by family, for telling when PostgreSQL has no cast at all between two
/// of them (a family's types cast to each other).
const FAMILIES: &[&[&str]] = &[
    NUMBERS,
    &[
        "date",
        "timestamp without time zone",
        "timestamp with time zone",
        "time without time zone",
        "time with time zone",
    ],
    &["interval"],
    &["boolean"],
    &["uuid"],
    &["json", "jsonb"],
    &["bytea"],
    &["inet", "cidr", "macaddr", "macaddr8"],
    &["point", "line", "lseg", "box", "path", "polygon", "circle"],
    &["money"],
];

/// The pairs of families with casts between them beyond their own: integer and boolean,
/// money and numbers, intervals and times of day, macaddr and macaddr8 are in their family.
fn cross_family_cast(a: &str, b: &str) -> bool {
    let pair = |x: &str, y: &str| (a == x && b == y) || (a == y && b == x);
    pair("integer", "boolean")
        || pair("money", "numeric")
        || pair("money", "integer")
        || pair("money", "bigint")
        || pair("interval", "time without time zone")
}

/// How a column's values get from one type to another when the types differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conversion {
    /// By the cast PostgreSQL has (implicitly, or as `USING col::type`).
    Cast,
    /// Through text (`USING col::text::type`): the source is an enum whose labels are the
    /// target's input (another enum, a domain over text).
    ThroughText,
    /// PostgreSQL has no cast and text is no bridge: `bigint` to `timestamp`, say.
    None,
}

/// How values of built-in or catalog type `from` become values of `to`; `enum_from`: `from`
/// is an enum of the catalog.
pub fn conversion(from: &str, to: &str, enum_from: bool) -> Conversion {
    let (a, b) = (parse(from), parse(to));
    if a.array != b.array {
        return Conversion::Cast;
    }
    if is(STRINGS, &b.base) || is(STRINGS, &a.base) || a.base == b.base {
        return Conversion::Cast;
    }
    if enum_from {
        return Conversion::ThroughText;
    }
    let family = |t: &str| FAMILIES.iter().position(|f| f.contains(&t));
    match (family(&a.base), family(&b.base)) {
        (Some(x), Some(y)) if x != y && !cross_family_cast(&a.base, &b.base) => Conversion::None,
        _ => Conversion::Cast,
    }
}

fn is(list: &[&str], t: &str) -> bool {
    list.contains(&t)
}

/// What changing a column from type `from` to type `to` costs.
pub fn type_change(from: &str, to: &str) -> TypeChange {
    let (a, b) = (parse(from), parse(to));
    let costly = TypeChange {
        needs_using: true,
        rewrites: true,
        may_fail: true,
    };
    if a.array != b.array {
        return costly;
    }
    if a.base == b.base {
        return same_base(&a, &b);
    }
    // Any type goes to a string type by an assignment cast; between string types too.
    if is(STRINGS, &b.base) {
        let binary = matches!(
            (a.base.as_str(), b.base.as_str()),
            ("character varying", "text") | ("text", "character varying")
        );
        let limited = !b.mods.is_empty() && b.base != "text";
        return TypeChange {
            needs_using: false,
            rewrites: !binary,
            may_fail: limited,
        };
    }
    if is(NUMBERS, &a.base) && is(NUMBERS, &b.base) {
        let rank = |t: &str| INTEGERS.iter().position(|x| *x == t);
        let widening = match (rank(&a.base), rank(&b.base)) {
            (Some(x), Some(y)) => y > x,
            (Some(_), None) => {
                b.base == "numeric" && b.mods.is_empty()
                    || b.base == "double precision" && a.base != "bigint"
            }
            (None, None) => a.base == "real" && b.base == "double precision",
            (None, Some(_)) => false,
        };
        return TypeChange {
            needs_using: false,
            rewrites: true,
            may_fail: !widening,
        };
    }
    if is(TIMES, &a.base) && is(TIMES, &b.base) {
        let widening = a.base == "date"
            || (a.base.starts_with("timestamp") && b.base.starts_with("timestamp"));
        return TypeChange {
            needs_using: false,
            rewrites: true,
            may_fail: !widening,
        };
    }
    if a.base == "cidr" && b.base == "inet" {
        return TypeChange {
            needs_using: false,
            rewrites: false,
            may_fail: false,
        };
    }
    costly
}

/// True when changing a column from type `from` to type `to` silently changes values that
/// fit: digits rounded away (a smaller numeric scale, a number made an integer or a float, a
/// float of less precision), fractional seconds dropped, a time of day cut from a date.
/// PostgreSQL raises no error for any of these: what the lost digits held is gone.
pub fn rounds(from: &str, to: &str) -> bool {
    let (a, b) = (parse(from), parse(to));
    if a.array != b.array {
        return false;
    }
    let precision = |p: &Parsed| p.mods.first().copied().unwrap_or(6);
    if a.base == b.base {
        return match a.base.as_str() {
            "numeric" => match (a.mods.get(1), b.mods.first()) {
                // A scale imposed on unconstrained numerics, or a smaller one.
                (_, None) => false,
                (None, Some(_)) if a.mods.is_empty() => true,
                _ => b.mods.get(1).copied().unwrap_or(0) < a.mods.get(1).copied().unwrap_or(0),
            },
            base if base.starts_with("timestamp")
                || base.starts_with("time")
                || base.starts_with("interval") =>
            {
                precision(&b) < precision(&a)
            }
            _ => false,
        };
    }
    if is(NUMBERS, &a.base) && is(NUMBERS, &b.base) {
        let exact_integers = is(INTEGERS, &a.base);
        return match b.base.as_str() {
            t if is(INTEGERS, t) => !exact_integers,
            "real" => true,
            "double precision" => a.base == "numeric" || a.base == "bigint",
            "numeric" => !exact_integers && !b.mods.is_empty(),
            _ => false,
        };
    }
    a.base.starts_with("timestamp") && b.base == "date"
}

/// The same type with other modifiers (`varchar(20)` -> `varchar(40)`, `numeric(10,2)` ->
/// `numeric(12,2)`, `timestamp(3)` -> `timestamp(6)`).
fn same_base(a: &Parsed, b: &Parsed) -> TypeChange {
    let free = TypeChange {
        needs_using: false,
        rewrites: false,
        may_fail: false,
    };
    match a.base.as_str() {
        "character varying" | "bit varying" => {
            let wider = b.mods.is_empty() || (!a.mods.is_empty() && b.mods[0] >= a.mods[0]);
            TypeChange {
                needs_using: false,
                rewrites: false,
                may_fail: !wider,
            }
        }
        "numeric" => {
            let (p1, s1) = (a.mods.first().copied(), a.mods.get(1).copied().unwrap_or(0));
            let (p2, s2) = (b.mods.first().copied(), b.mods.get(1).copied().unwrap_or(0));
            match (p1, p2) {
                (_, None) => free,
                (Some(p1), Some(p2)) if s1 == s2 && p2 >= p1 => free,
                (Some(p1), Some(p2)) => TypeChange {
                    needs_using: false,
                    rewrites: true,
                    may_fail: p2 - s2 < p1 - s1 || s2 < s1,
                },
                (None, Some(_)) => TypeChange {
                    needs_using: false,
                    rewrites: true,
                    may_fail: true,
                },
            }
        }
        base if base.starts_with("timestamp")
            || base.starts_with("time")
            || base.starts_with("interval") =>
        {
            let p1 = a.mods.first().copied().unwrap_or(6);
            let p2 = b.mods.first().copied().unwrap_or(6);
            TypeChange {
                needs_using: false,
                rewrites: p2 < p1,
                may_fail: false,
            }
        }
        _ => TypeChange {
            needs_using: false,
            rewrites: true,
            may_fail: true,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tc(a: &str, b: &str) -> (bool, bool, bool) {
        let c = type_change(a, b);
        (c.needs_using, c.rewrites, c.may_fail)
    }

    #[test]
    fn conversions_between_types_without_a_cast() {
        for (a, b) in [
            ("bigint", "timestamp without time zone"),
            ("timestamp with time zone", "integer"),
            ("boolean", "date"),
            ("uuid", "bigint"),
            ("jsonb", "integer"),
            ("date", "interval"),
        ] {
            assert_eq!(conversion(a, b, false), Conversion::None, "{a} -> {b}");
        }
        for (a, b) in [
            ("integer", "bigint"),
            ("integer", "boolean"),
            ("text", "timestamp without time zone"),
            ("uuid", "text"),
            ("json", "jsonb"),
            ("date", "timestamp with time zone"),
            ("integer", "public.mood"),
            ("numeric(10,2)", "money"),
            ("integer[]", "bigint[]"),
        ] {
            assert_eq!(conversion(a, b, false), Conversion::Cast, "{a} -> {b}");
        }
        assert_eq!(
            conversion("public.mood", "public.feeling", true),
            Conversion::ThroughText
        );
        assert_eq!(conversion("public.mood", "text", true), Conversion::Cast);
    }

    #[test]
    fn changes_that_round_values_away() {
        for (a, b) in [
            ("numeric(10,2)", "numeric(10,1)"),
            ("numeric", "numeric(12,2)"),
            ("numeric(12,2)", "integer"),
            ("double precision", "real"),
            ("double precision", "bigint"),
            ("numeric", "double precision"),
            ("bigint", "double precision"),
            ("integer", "real"),
            ("real", "numeric(10,2)"),
            (
                "timestamp(6) without time zone",
                "timestamp(0) without time zone",
            ),
            ("timestamp with time zone", "timestamp(3) with time zone"),
            ("interval", "interval(0)"),
            ("timestamp without time zone", "date"),
        ] {
            assert!(rounds(a, b), "{a} -> {b}");
        }
        for (a, b) in [
            ("numeric(10,2)", "numeric(12,2)"),
            ("numeric(10,2)", "numeric"),
            ("integer", "bigint"),
            ("integer", "numeric(10,2)"),
            ("integer", "double precision"),
            ("real", "double precision"),
            ("real", "numeric"),
            (
                "timestamp(0) without time zone",
                "timestamp(6) without time zone",
            ),
            ("date", "timestamp without time zone"),
            ("text", "character varying(10)"),
            ("integer[]", "bigint"),
        ] {
            assert!(!rounds(a, b), "{a} -> {b}");
        }
    }

    #[test]
    fn widening_and_narrowing() {
        assert_eq!(
            tc("character varying(20)", "character varying(40)"),
            (false, false, false)
        );
        assert_eq!(
            tc("character varying(40)", "character varying(20)"),
            (false, false, true)
        );
        assert_eq!(tc("character varying(40)", "text"), (false, false, false));
        assert_eq!(tc("text", "character varying(10)"), (false, false, true));
        assert_eq!(tc("integer", "bigint"), (false, true, false));
        assert_eq!(tc("bigint", "integer"), (false, true, true));
        assert_eq!(tc("numeric(10,2)", "numeric(12,2)"), (false, false, false));
        assert_eq!(tc("numeric(10,2)", "numeric(10,1)"), (false, true, true));
        assert_eq!(tc("text", "integer"), (true, true, true));
        assert_eq!(tc("app.mood", "text"), (false, true, false));
        assert_eq!(tc("integer", "integer[]"), (true, true, true));
        assert_eq!(
            tc(
                "timestamp(3) without time zone",
                "timestamp(6) without time zone"
            ),
            (false, false, false)
        );
    }
}
