//! A page's blocks as HTML: headings with ids, paragraphs, volatile facts as a muted line,
//! fact tables as `<table>`, source as `<pre><code>`, diagrams as inline SVG with their
//! title and what was left out, and people's notes as plain paragraphs. Links to other pages
//! become `#page-id` / `#page-id--anchor`; a link to a page the site lacks stays text.

use super::{anchor_id, Ids};
use crate::docs::{Block, Diagram, FactTable, Inline};
use crate::report::audit::escape;
use crate::report::docs::svg::render_svg;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Every block of a page.
pub(super) fn blocks(
    out: &mut String,
    blocks: &[Block],
    page_id: &str,
    ids: &Ids<'_>,
    notes: &BTreeMap<String, String>,
) {
    for block in blocks {
        match block {
            Block::Heading {
                level,
                text,
                anchor,
            } => heading(out, *level, text, page_id, anchor),
            Block::Paragraph { content } => paragraph(out, "", content, ids),
            Block::Volatile { content } => paragraph(out, " class=\"volatile\"", content, ids),
            Block::Table(table) => fact_table(out, table, ids),
            Block::Code { language, text } => {
                let _ = writeln!(
                    out,
                    "<pre><code data-lang=\"{}\">{}</code></pre>",
                    escape(language),
                    escape(text)
                );
            }
            Block::Diagram(diagram) => figure(out, diagram, ids),
            Block::Notes { key } => {
                if let Some(text) = notes.get(key) {
                    notes_markup(out, text);
                }
            }
        }
    }
}

fn heading(out: &mut String, level: u8, text: &str, page_id: &str, anchor: &str) {
    let level = level.clamp(1, 6);
    let id = if anchor.is_empty() {
        String::new()
    } else {
        format!(" id=\"{}\"", escape(&anchor_id(page_id, anchor)))
    };
    let _ = writeln!(out, "<h{level}{id}>{}</h{level}>", escape(text));
}

fn paragraph(out: &mut String, attributes: &str, content: &[Inline], ids: &Ids<'_>) {
    let _ = write!(out, "<p{attributes}>");
    inlines(out, content, ids);
    out.push_str("</p>\n");
}

fn inlines(out: &mut String, content: &[Inline], ids: &Ids<'_>) {
    for piece in content {
        inline(out, piece, ids);
    }
}

fn inline(out: &mut String, piece: &Inline, ids: &Ids<'_>) {
    match piece {
        Inline::Text { text } => out.push_str(&escape(text)),
        Inline::Code { text } => {
            let _ = write!(out, "<code>{}</code>", escape(text));
        }
        Inline::Emphasis { text } => {
            let _ = write!(out, "<em>{}</em>", escape(text));
        }
        Inline::Link {
            text,
            path,
            anchor,
            code,
        } => {
            let text = if *code {
                format!("<code>{}</code>", escape(text))
            } else {
                escape(text)
            };
            match ids.href(path, anchor.as_deref()) {
                Some(href) => {
                    let _ = write!(out, "<a href=\"{}\">{text}</a>", escape(&href));
                }
                None => out.push_str(&text),
            }
        }
    }
}

fn fact_table(out: &mut String, table: &FactTable, ids: &Ids<'_>) {
    let volatile: Vec<bool> = table
        .headers
        .iter()
        .map(|h| table.volatile.contains(h))
        .collect();
    let class = |i: usize| {
        if volatile.get(i).copied().unwrap_or(false) {
            " class=\"volatile\""
        } else {
            ""
        }
    };
    let _ = write!(
        out,
        "<div class=\"tw\"><table class=\"facts\" data-item=\"{}\">\n<thead><tr>",
        escape(&table.item)
    );
    for (i, h) in table.headers.iter().enumerate() {
        let _ = write!(out, "<th{}>{}</th>", class(i), escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let _ = write!(out, "<td{}>", class(i));
            inlines(out, cell, ids);
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
}

fn figure(out: &mut String, diagram: &Diagram, ids: &Ids<'_>) {
    let href = |path: &str| ids.href(path, None);
    let _ = write!(
        out,
        "<figure class=\"diagram\">\n<figcaption>{}</figcaption>\n<div class=\"svgw\">{}</div>\n",
        escape(&diagram.title),
        render_svg(diagram, &href)
    );
    if diagram.entities.is_empty() {
        out.push_str("<p class=\"omitted\">No tables to draw.</p>\n");
    }
    if let Some(why) = &diagram.omitted {
        let _ = writeln!(out, "<p class=\"omitted\">{}</p>", escape(why));
    }
    out.push_str("</figure>\n");
}

/// People's notes: one paragraph per run of non-blank lines; nothing when there are none.
fn notes_markup(out: &mut String, text: &str) {
    let mut paragraphs: Vec<Vec<&str>> = vec![Vec::new()];
    for line in text.lines() {
        if line.trim().is_empty() {
            paragraphs.push(Vec::new());
        } else if let Some(last) = paragraphs.last_mut() {
            last.push(line);
        }
    }
    paragraphs.retain(|p| !p.is_empty());
    if paragraphs.is_empty() {
        return;
    }
    out.push_str("<div class=\"notes\">\n");
    for p in paragraphs {
        let _ = writeln!(out, "<p>{}</p>", escape(&p.join("\n")));
    }
    out.push_str("</div>\n");
}
