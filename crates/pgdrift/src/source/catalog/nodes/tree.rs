//! PostgreSQL's `pg_node_tree` text (what the server's `outfuncs.c` writes for stored
//! expressions) parsed into a light tree that borrows from the text: nodes
//! `{TAG :field value ...}`, lists `( ... )`, scalar lists `(i 1 2)` / `(o ...)` / `(b ...)`,
//! `<>` for NULL, and datums `N [ b0 b1 ... ]`.

/// A field's value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'a> {
    Node(Node<'a>),
    List(Vec<Value<'a>>),
    /// A list of integers, OIDs or bitmapset members: its marker (`i`, `o`, `b`, `x`) and items.
    Scalars(&'a str, Vec<&'a str>),
    /// A datum: its byte count and the text between the brackets.
    Datum(usize, &'a str),
    Null,
    Token(&'a str),
}

/// A node: its tag and its fields in the order written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node<'a> {
    pub tag: &'a str,
    pub fields: Vec<(&'a str, Value<'a>)>,
}

/// Why a text is not a node tree this parser understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseError(pub String);

impl<'a> Node<'a> {
    pub(crate) fn get(&self, field: &str) -> Option<&Value<'a>> {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, v)| v)
    }

    /// A scalar field's token (`None` when absent or not a token).
    pub(crate) fn token(&self, field: &str) -> Option<&'a str> {
        match self.get(field)? {
            Value::Token(t) => Some(t),
            _ => None,
        }
    }

    pub(crate) fn int(&self, field: &str) -> Option<i64> {
        self.token(field)?.parse().ok()
    }

    pub(crate) fn oid(&self, field: &str) -> Option<u32> {
        self.token(field)?.parse().ok()
    }

    pub(crate) fn flag(&self, field: &str) -> Option<bool> {
        match self.token(field)? {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    /// A list-valued field's items (NULL is the empty list; `None` when not a list).
    pub(crate) fn list(&self, field: &str) -> Option<&[Value<'a>]> {
        match self.get(field)? {
            Value::List(items) => Some(items),
            Value::Null => Some(&[]),
            _ => None,
        }
    }
}

impl Value<'_> {
    /// The datum's bytes (each written as a signed C char).
    pub(crate) fn datum_bytes(&self) -> Option<Vec<u8>> {
        let Value::Datum(len, text) = self else {
            return None;
        };
        let bytes = text
            .split_ascii_whitespace()
            .map(|t| t.parse::<i16>().ok().map(|b| b as u8))
            .collect::<Option<Vec<u8>>>()?;
        (bytes.len() >= *len).then_some(bytes)
    }
}

/// Parses one node tree (a node, or a list of nodes for index expressions).
pub(crate) fn parse(text: &str) -> Result<Value<'_>, ParseError> {
    let mut p = Parser { text, pos: 0 };
    let first = p
        .next()
        .ok_or_else(|| ParseError("empty node tree".into()))?;
    let value = p.value(first)?;
    match p.next() {
        None => Ok(value),
        Some(t) => Err(ParseError(format!("unexpected {t:?} after the tree"))),
    }
}

const OTHER: u8 = 0;
const SPACE: u8 = 1;
const BRACKET: u8 = 2;

/// Byte classes for the tokenizer.
const CLASS: [u8; 256] = {
    let mut c = [OTHER; 256];
    c[b' ' as usize] = SPACE;
    c[b'\n' as usize] = SPACE;
    c[b'\t' as usize] = SPACE;
    c[b'\r' as usize] = SPACE;
    c[b'(' as usize] = BRACKET;
    c[b')' as usize] = BRACKET;
    c[b'{' as usize] = BRACKET;
    c[b'}' as usize] = BRACKET;
    c
};

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    /// The next token, as the server's `pg_strtok` splits them: `(`, `)`, `{` and `}` alone,
    /// else a run up to white space or one of those, where a backslash escapes the next byte.
    fn next(&mut self) -> Option<&'a str> {
        let b = self.text.as_bytes();
        let mut pos = self.pos;
        while pos < b.len() && CLASS[b[pos] as usize] == SPACE {
            pos += 1;
        }
        if pos >= b.len() {
            self.pos = pos;
            return None;
        }
        let start = pos;
        if CLASS[b[pos] as usize] == BRACKET {
            pos += 1;
        } else {
            while pos < b.len() && CLASS[b[pos] as usize] == OTHER {
                pos += if b[pos] == b'\\' { 2 } else { 1 };
            }
            pos = pos.min(b.len());
        }
        self.pos = pos;
        self.text.get(start..pos)
    }

    fn expect(&mut self) -> Result<&'a str, ParseError> {
        self.next()
            .ok_or_else(|| ParseError("the node tree ends early".into()))
    }

    fn value(&mut self, tok: &'a str) -> Result<Value<'a>, ParseError> {
        match tok {
            "{" => self.node().map(Value::Node),
            "(" => self.list(),
            "<>" => Ok(Value::Null),
            ")" | "}" => Err(ParseError(format!("unexpected {tok:?}"))),
            _ => Ok(Value::Token(tok)),
        }
    }

    fn node(&mut self) -> Result<Node<'a>, ParseError> {
        let tag = self.expect()?;
        let mut fields = Vec::with_capacity(12);
        loop {
            let tok = self.expect()?;
            if tok == "}" {
                return Ok(Node { tag, fields });
            }
            let Some(name) = tok.strip_prefix(':') else {
                return Err(ParseError(format!(
                    "expected a field in {tag}, got {tok:?}"
                )));
            };
            let v = self.expect()?;
            // Only a constant's value is a datum (`N [ bytes ]`).
            let value = match (name, v) {
                ("constvalue", len) if len != "<>" => self.datum(len)?,
                _ => self.value(v)?,
            };
            fields.push((name, value));
        }
    }

    fn list(&mut self) -> Result<Value<'a>, ParseError> {
        let first = self.expect()?;
        if let marker @ ("i" | "o" | "b" | "x") = first {
            let mut items = Vec::new();
            loop {
                match self.expect()? {
                    ")" => return Ok(Value::Scalars(marker, items)),
                    t => items.push(t),
                }
            }
        }
        let mut items = Vec::new();
        let mut tok = first;
        while tok != ")" {
            items.push(self.value(tok)?);
            tok = self.expect()?;
        }
        Ok(Value::List(items))
    }

    fn datum(&mut self, len: &'a str) -> Result<Value<'a>, ParseError> {
        let len: usize = len
            .parse()
            .map_err(|_| ParseError(format!("bad datum length {len:?}")))?;
        if self.next() != Some("[") {
            return Err(ParseError("a datum without its bytes".into()));
        }
        let start = self.pos;
        loop {
            let before = self.pos;
            match self.expect()? {
                "]" => return Ok(Value::Datum(len, &self.text[start..before])),
                _ => continue,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nodes_lists_and_datums() {
        let text = "{OPEXPR :opno 525 :opretset false :args ({VAR :varno 1 :varattno 3 \
                    :varnullingrels (b)} {CONST :consttype 23 :constvalue 4 [ -56 0 0 0 0 0 0 0 ]} \
                    {CONST :constvalue <>}) \
                    :location -1 :name \"a\\ b\" :x <>}";
        let Value::Node(n) = parse(text).unwrap() else {
            panic!("not a node")
        };
        assert_eq!(n.tag, "OPEXPR");
        assert_eq!(n.oid("opno"), Some(525));
        assert_eq!(n.flag("opretset"), Some(false));
        assert_eq!(n.int("location"), Some(-1));
        assert_eq!(n.token("name"), Some("\"a\\ b\""));
        assert_eq!(n.get("x"), Some(&Value::Null));
        let args = n.list("args").unwrap();
        let Value::Node(var) = &args[0] else { panic!() };
        assert_eq!(
            var.get("varnullingrels"),
            Some(&Value::Scalars("b", vec![]))
        );
        let Value::Node(c) = &args[1] else { panic!() };
        assert_eq!(
            c.get("constvalue").unwrap().datum_bytes().unwrap(),
            vec![200, 0, 0, 0, 0, 0, 0, 0]
        );
    }

    #[test]
    fn parses_a_list_of_expressions_and_scalar_lists() {
        let v = parse("({VAR :varattno 1} {FUNCEXPR :funcid 870 :args <>})").unwrap();
        let Value::List(items) = v else { panic!() };
        assert_eq!(items.len(), 2);
        assert_eq!(
            parse("(o 1 2 3)").unwrap(),
            Value::Scalars("o", vec!["1", "2", "3"])
        );
    }

    #[test]
    fn rejects_broken_trees() {
        for bad in [
            "",
            "{OPEXPR :opno",
            "{OPEXPR opno 1}",
            "{A :b 1} x",
            ")",
            "{A :d 4 [ 1 2",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
