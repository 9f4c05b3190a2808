//! The canonical layout of a spec file.
//!
//! [`format_source`] parses a file and prints it back in one layout: two
//! spaces of indentation, one declaration or clause per line, `help`/`unit`
//! on continuation lines, minimal parentheses, long `and`/`or`/`implies`
//! chains broken before the operator. Comments are kept where they were
//! (before the declaration or clause that follows them, or at the end of its
//! line), as are single blank lines between declarations. Formatting is
//! idempotent and never changes what a spec means: the syntax tree of the
//! output equals that of the input apart from spans.

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
use crate::syntax::ast::*;
use crate::syntax::parse_file;
use crate::vocab::{LevelSet, Outcome, Quant, RatingQuant};

/// A line holding only this comment keeps `netspec fmt` away from the file
/// (for files that must keep a layout, such as deliberately broken examples).
pub const SKIP_MARKER: &str = "// netspec-fmt: skip";

/// Lines longer than this are broken where the layout allows.
const WIDTH: usize = 100;
const INDENT: &str = "  ";

/// Formats a file's text; syntax errors are returned instead.
pub fn format_source(text: &str) -> Result<String, Vec<Diagnostic>> {
    let file = parse_file(text, FileId(0))?;
    Ok(Printer::new(text, &file).file(&file))
}

struct Printer<'a> {
    text: &'a str,
    /// Byte offsets of the newlines, for line numbers in `log n`.
    newlines: Vec<usize>,
    comments: Vec<(Span, String)>,
    next_comment: usize,
    out: String,
}

impl<'a> Printer<'a> {
    fn new(text: &'a str, file: &File) -> Self {
        Printer {
            text,
            newlines: text.match_indices('\n').map(|(i, _)| i).collect(),
            comments: file.comments.clone(),
            next_comment: 0,
            out: String::new(),
        }
    }

    /// How many newlines come before `offset` (the 0-based line number).
    fn line_of(&self, offset: u32) -> usize {
        let end = (offset as usize).min(self.text.len());
        self.newlines.partition_point(|&n| n < end)
    }

    /// Where a node's text really ends: pest spans take in the layout (and
    /// comments) that follow them, so step back over both.
    fn content_end(&self, end: u32) -> u32 {
        let mut e = (end as usize).min(self.text.len());
        loop {
            let trimmed = self.text.get(..e).map_or(e, |t| t.trim_end().len());
            match crate::syntax::comment_around(&self.comments, trimmed) {
                Some((c, _)) => e = c.start as usize,
                None => return u32::try_from(trimmed).unwrap_or(end),
            }
        }
    }

    /// Was there a blank line in the source between two offsets (outside comments)?
    fn blank_between(&self, from: u32, to: u32) -> bool {
        self.blank_between_raw(self.content_end(from), to)
    }

    /// Like [`Printer::blank_between`], from an exact offset (a comment's end).
    fn blank_between_raw(&self, from: u32, to: u32) -> bool {
        let (a, b) = (from as usize, (to as usize).min(self.text.len()));
        if a >= b {
            return false;
        }
        let gap = self.text.get(a..b).unwrap_or("");
        let segments: Vec<&str> = gap.split('\n').collect();
        // a whitespace-only line strictly between the two positions
        segments.len() > 2
            && segments
                .iter()
                .skip(1)
                .take(segments.len() - 2)
                .any(|l| l.trim().is_empty())
    }

    /// Emits comments that start before `pos`, each on its own line.
    fn leading_comments(&mut self, pos: u32, indent: usize, prev_end: Option<u32>) {
        let mut last_end = prev_end;
        while let Some((span, text)) = self.comments.get(self.next_comment).cloned() {
            if span.start >= pos {
                break;
            }
            if let Some(e) = last_end {
                // from a node, skip what its span swallowed; from a comment, start at its end
                let blank = if Some(e) == prev_end {
                    self.blank_between(e, span.start)
                } else {
                    self.blank_between_raw(e, span.start)
                };
                if blank && !self.out.ends_with("{\n") && !self.out.is_empty() {
                    self.blank_line();
                }
            }
            self.line(indent, &text);
            last_end = Some(span.end);
            self.next_comment += 1;
        }
        if let Some(e) = last_end {
            if prev_end != last_end && self.blank_between_raw(e, pos) {
                self.blank_line();
            }
        }
    }

    /// Appends a comment that sits on the same source line as `end`.
    fn trailing_comment(&mut self, end: u32) {
        let end = self.content_end(end);
        let line = self.line_of(end);
        if let Some((span, text)) = self.comments.get(self.next_comment).cloned() {
            if span.start >= end && self.line_of(span.start) == line {
                if self.out.ends_with('\n') {
                    self.out.pop();
                }
                self.out.push(' ');
                self.out.push_str(&text);
                self.out.push('\n');
                self.next_comment += 1;
            }
        }
    }

    fn line(&mut self, indent: usize, s: &str) {
        for _ in 0..indent {
            self.out.push_str(INDENT);
        }
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn blank_line(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    /// Separates sibling statements: a blank line if the source had one.
    fn separate(&mut self, prev_end: Option<u32>, next_start: u32, force: bool) {
        let Some(prev) = prev_end else { return };
        let first = self
            .comments
            .get(self.next_comment)
            .filter(|(s, _)| s.start < next_start)
            .map(|(s, _)| s.start);
        if force || self.blank_between(prev, first.unwrap_or(next_start)) {
            self.blank_line();
        }
    }

    fn file(mut self, f: &File) -> String {
        let mut prev: Option<(u32, bool)> = None;
        for item in &f.items {
            let span = item.span();
            let block = !matches!(item, Item::Use(_) | Item::Let(_));
            if let Some((end, was_block)) = prev {
                self.separate(Some(end), span.start, block || was_block);
            }
            self.leading_comments(span.start, 0, prev.map(|p| p.0));
            self.item(item);
            self.trailing_comment(span.end);
            prev = Some((span.end, block));
        }
        // comments after the last item
        if self.next_comment < self.comments.len() {
            if let Some((end, _)) = prev {
                self.separate(Some(end), u32::MAX, false);
            }
            self.leading_comments(u32::MAX, 0, prev.map(|p| p.0));
        }
        let mut out = self.out;
        while out.ends_with("\n\n") {
            out.pop();
        }
        out
    }

    /// Closes a block: remaining comments inside it, then `}`.
    fn close(&mut self, indent: usize, end: u32, prev_end: Option<u32>) {
        self.leading_comments(end.saturating_sub(1), indent + 1, prev_end);
        self.line(indent, "}");
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Spec(h) => {
                let head = format!("spec {} {}", h.id.name, quote(&h.title.value));
                if h.attrs.is_empty() {
                    self.line(0, &head);
                    return;
                }
                let one_line = format!(
                    "{head} {{ {} }}",
                    h.attrs
                        .iter()
                        .map(|(k, v)| format!("{} {}", k.name, quote(&v.value)))
                        .collect::<Vec<_>>()
                        .join(" ")
                );
                let has_comment = self
                    .comments
                    .iter()
                    .any(|(c, _)| c.start > h.span.start && c.start < h.span.end);
                if one_line.len() <= WIDTH && h.attrs.len() == 1 && !has_comment {
                    self.line(0, &one_line);
                    return;
                }
                self.line(0, &format!("{head} {{"));
                let mut prev = None;
                for (k, v) in &h.attrs {
                    self.leading_comments(k.span.start, 1, prev);
                    self.line(1, &format!("{} {}", k.name, quote(&v.value)));
                    self.trailing_comment(v.span.end);
                    prev = Some(v.span.end);
                }
                self.close(0, h.span.end, prev);
            }
            Item::Use(s) => self.line(0, &format!("use {}", quote(&s.value))),
            Item::Inputs(b) => {
                let mut head = match &b.title {
                    Some(t) => format!("inputs {} ", quote(&t.value)),
                    None => "inputs ".to_string(),
                };
                if let Some(r) = &b.respondent {
                    head.push_str(&format!("respondent {} ", r.name));
                }
                head.push('{');
                self.line(0, &head);
                self.decls(&b.decls, 1);
                self.close(0, b.span.end, b.decls.last().map(|d| d.span.end));
            }
            Item::Let(l) => {
                let prefix = format!("let {} = ", l.name.name);
                let e = self.expr_block(&l.value, 0, prefix.len());
                self.line(0, &format!("{prefix}{e}"));
            }
            Item::Area(a) => {
                self.line(0, &format!("area {} {{", a.name.name));
                let mut prev: Option<u32> = None;
                for r in &a.requirements {
                    self.separate(prev, r.span.start, true);
                    self.leading_comments(r.span.start, 1, prev);
                    self.requirement(r);
                    self.trailing_comment(r.span.end);
                    prev = Some(r.span.end);
                }
                self.close(0, a.span.end, prev);
            }
            Item::Rating(b) => {
                self.line(0, "rating {");
                let mut prev = None;
                for r in &b.rules {
                    self.leading_comments(r.span.start, 1, prev);
                    let text = match &r.cond {
                        Some(c) => format!("{} when {}", r.rating.name, rating_cond(c, 0)),
                        None => format!("{} otherwise", r.rating.name),
                    };
                    self.line(1, &text);
                    self.trailing_comment(r.span.end);
                    prev = Some(r.span.end);
                }
                self.close(0, b.span.end, prev);
            }
            Item::Test(t) => {
                self.line(0, &format!("test {} {{", quote(&t.name.value)));
                let mut prev = None;
                for c in &t.clauses {
                    let span = test_clause_span(c);
                    self.separate(prev, span.start, false);
                    self.leading_comments(span.start, 1, prev);
                    match c {
                        TestClause::GivenJson(json, _) => {
                            let mut lines = json.lines();
                            let first = lines.next().unwrap_or("{}");
                            self.line(1, &format!("given {first}"));
                            for l in lines {
                                // inline JSON keeps its own layout
                                self.out.push_str(l);
                                self.out.push('\n');
                            }
                        }
                        TestClause::GivenFile(f) => {
                            self.line(1, &format!("given file {}", quote(&f.value)))
                        }
                        TestClause::AssessedOn(d, _) => self.line(1, &format!("assessed_on {d}")),
                        TestClause::Respondent(r) => {
                            self.line(1, &format!("respondent {}", r.name))
                        }
                        TestClause::ExpectOverall(r) => {
                            self.line(1, &format!("expect overall {}", r.name))
                        }
                        TestClause::ExpectArea(a, r) => {
                            self.line(1, &format!("expect area {} {}", a.name, r.name))
                        }
                        TestClause::ExpectRequirement(id, o, _) => {
                            self.line(1, &format!("expect {} {}", id.name, outcome_text(*o)))
                        }
                    }
                    self.trailing_comment(span.end);
                    prev = Some(span.end);
                }
                self.close(0, t.span.end, prev);
            }
        }
    }

    fn decls(&mut self, decls: &[InputDecl], indent: usize) {
        let mut prev: Option<u32> = None;
        for d in decls {
            self.separate(prev, d.span.start, false);
            self.leading_comments(d.span.start, indent, prev);
            self.decl(d, indent);
            prev = Some(d.span.end);
        }
    }

    fn decl(&mut self, d: &InputDecl, indent: usize) {
        let name: Vec<&str> = d.path.iter().map(|i| i.name.as_str()).collect();
        let ty = &d.ty;
        let mut head = format!("{}: ", name.join("."));
        let fields = match &ty.kind {
            TypeKind::Scalar(k) => {
                head.push_str(&scalar_text(k));
                None
            }
            TypeKind::List(f) => {
                head.push_str("list");
                Some(f)
            }
            TypeKind::Group(f) => {
                head.push_str("group");
                Some(f)
            }
            TypeKind::Checklist(_) => {
                head.push_str("checklist");
                None
            }
        };
        for c in &ty.constraints {
            head.push_str(if c.is_max { " max " } else { " min " });
            head.push_str(&c.value);
        }
        head.push(' ');
        head.push_str(&quote(&ty.question.value));
        let mut attrs: Vec<String> = [
            ("help", &ty.help),
            ("unit", &ty.unit),
            ("label", &ty.label),
            ("item", &ty.item),
        ]
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|s| format!("{k} {}", quote(&s.value))))
        .collect();
        match &ty.period {
            Some(Period::Assessment(_)) => attrs.push("period assessment".into()),
            Some(Period::Rolling(n, u, _)) => attrs.push(format!("period {n} {u}")),
            None => {}
        }
        if let TypeKind::Checklist(items) = &ty.kind {
            if attrs.is_empty() {
                self.line(indent, &format!("{head} {{"));
            } else {
                self.line(indent, &head);
                for a in &attrs {
                    self.line(indent + 1, a);
                }
                self.line(indent, "{");
            }
            let mut prev: Option<u32> = None;
            for i in items {
                self.separate(prev, i.name.span.start, false);
                self.leading_comments(i.name.span.start, indent + 1, prev);
                self.line(
                    indent + 1,
                    &format!("{} {}", i.name.name, quote(&i.text.value)),
                );
                self.trailing_comment(i.text.span.end);
                prev = Some(i.text.span.end);
            }
            self.close(indent, d.span.end, prev);
            return;
        }
        match fields {
            None => {
                self.line(indent, &head);
                for a in &attrs {
                    self.line(indent + 1, a);
                }
                self.trailing_comment(d.span.end);
            }
            Some(fields) => {
                if attrs.is_empty() {
                    self.line(indent, &format!("{head} {{"));
                } else {
                    self.line(indent, &head);
                    for a in &attrs {
                        self.line(indent + 1, a);
                    }
                    self.line(indent, "{");
                }
                self.decls(fields, indent + 1);
                self.close(indent, d.span.end, fields.last().map(|f| f.span.end));
            }
        }
    }

    fn requirement(&mut self, r: &Requirement) {
        self.line(
            1,
            &format!(
                "requirement {} {} {} {{",
                r.id.name,
                r.level.as_str(),
                quote(&r.title.value)
            ),
        );
        let mut prev: Option<u32> = None;
        for c in &r.clauses {
            let span = clause_span(c);
            self.separate(prev, span.start, false);
            self.leading_comments(span.start, 2, prev);
            match c {
                Clause::Applies(e) => {
                    let prefix = "applies when ";
                    let text = self.expr_block(e, 2, prefix.len());
                    self.line(2, &format!("{prefix}{text}"));
                }
                Clause::Rule(e) => {
                    let text = self.expr_block(e, 2, 0);
                    self.line(2, &text);
                }
                Clause::Evidence(k, d, required) => {
                    let tail = if required.is_some() { " required" } else { "" };
                    self.line(2, &format!("evidence {} {}{tail}", k.name, quote(&d.value)))
                }
                Clause::Basis(b) => self.line(2, &format!("basis {}", b.name)),
                Clause::Respondent(b) => self.line(2, &format!("respondent {}", b.name)),
                Clause::Ref(s) => self.line(2, &format!("ref {}", quote(&s.value))),
                Clause::Help(s) => self.line(2, &format!("help {}", quote(&s.value))),
            }
            self.trailing_comment(span.end);
            prev = Some(span.end);
        }
        self.close(1, r.span.end, prev);
    }

    /// An expression laid out at `indent`, the first line already holding `used` characters.
    fn expr_block(&self, e: &Expr, indent: usize, used: usize) -> String {
        layout(e, indent, indent * INDENT.len() + used)
    }
}

/// Lays an expression out, breaking long logical chains before their operators.
fn layout(e: &Expr, indent: usize, used: usize) -> String {
    let flat = expr_text(e);
    if used + flat.len() <= WIDTH {
        return flat;
    }
    let cont = |extra: usize| format!("\n{}", INDENT.repeat(indent + extra));
    match &e.kind {
        ExprKind::Binary(op, _) => {
            // one line per operand, each after the first led by its operator
            let links = chain(e, *op);
            let prec = binop_prec(*op);
            let last = links.len().saturating_sub(1);
            let mut s = String::new();
            for (i, (link_op, x)) in links.iter().enumerate() {
                let is_left = i == 0 || (*op == BinOp::Implies && i < last);
                let needs = needs_parens(x, prec, is_left, i == last, link_op.unwrap_or(*op));
                match link_op {
                    None => s.push_str(&layout_operand(x, needs, indent, used)),
                    Some(o) => {
                        let lead = format!("{} ", o.as_str());
                        let col = (indent + 1) * INDENT.len() + lead.len();
                        s.push_str(&cont(1));
                        s.push_str(&lead);
                        s.push_str(&layout_operand(x, needs, indent + 1, col));
                    }
                }
            }
            s
        }
        ExprKind::Quantifier {
            quant,
            var,
            list,
            body,
        } => {
            let head = format!(
                "{} {} in {}: ",
                quant_text(*quant),
                var.name,
                expr_text(list)
            );
            let rest = layout(body, indent, used + head.len());
            format!("{head}{rest}")
        }
        ExprKind::If(c, a, b) => {
            let wrap = |x: &Expr, ind: usize, col: usize| layout_operand(x, prec(x) == 1, ind, col);
            let lead = INDENT.len() * (indent + 1);
            format!(
                "if {}{}then {}{}else {}",
                wrap(c, indent, used + 3),
                cont(1),
                wrap(a, indent + 1, lead + 5),
                cont(1),
                layout(b, indent + 1, lead + 5)
            )
        }
        ExprKind::Count {
            var,
            list,
            filter: Some(f),
        } => {
            let head = format!("count({} in {} where ", var.name, wrap_in_operand(list));
            format!("{head}{})", layout(f, indent, used + head.len()))
        }
        ExprKind::Aggregate {
            func,
            body,
            var,
            list,
            filter: Some(f),
        } => {
            let head = format!(
                "{}({} for {} in {} where ",
                func.name,
                wrap_low(body),
                var.name,
                wrap_low(list)
            );
            format!("{head}{})", layout(f, indent, used + head.len()))
        }
        ExprKind::Unary(UnaryOp::Not, x) if prec(x) < 5 || prec(x) == 1 => {
            format!("not ({})", layout(x, indent, used + 5))
        }
        _ => flat,
    }
}

fn layout_operand(x: &Expr, parens: bool, indent: usize, used: usize) -> String {
    if parens {
        format!("({})", layout(x, indent, used + 1))
    } else {
        layout(x, indent, used)
    }
}

/// The operands of a run of operators of one precedence, left to right, each
/// with the operator before it (`None` for the first). `implies` runs to the
/// right; comparisons do not chain.
fn chain(e: &Expr, op: BinOp) -> Vec<(Option<BinOp>, &Expr)> {
    let level = binop_prec(op);
    let mut out = Vec::new();
    match &e.kind {
        ExprKind::Binary(BinOp::Implies, _) => {
            let mut cur = e;
            let mut lead = None;
            while let ExprKind::Binary(BinOp::Implies, ab) = &cur.kind {
                out.push((lead, &ab.0));
                lead = Some(BinOp::Implies);
                cur = &ab.1;
            }
            out.push((lead, cur));
        }
        ExprKind::Binary(o, ab) if level == 6 => {
            out.push((None, &ab.0));
            out.push((Some(*o), &ab.1));
        }
        _ => {
            // left-associative: walk down the left spine
            let mut rights = Vec::new();
            let mut cur = e;
            while let ExprKind::Binary(o, ab) = &cur.kind {
                if binop_prec(*o) != level {
                    break;
                }
                rights.push((Some(*o), &ab.1));
                cur = &ab.0;
            }
            out.push((None, cur));
            out.extend(rights.into_iter().rev());
        }
    }
    out
}

/// Does the printed expression end in an `if` or quantifier, whose last part
/// would run on into whatever follows it?
fn ends_open(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::If(..) | ExprKind::Quantifier { .. } => true,
        ExprKind::Binary(_, ab) => ends_open(&ab.1),
        ExprKind::Unary(_, x) => ends_open(x),
        _ => false,
    }
}

/// Binding strength of an expression's top operator (higher binds tighter).
fn prec(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::If(..) | ExprKind::Quantifier { .. } => 1,
        ExprKind::Binary(op, _) => binop_prec(*op),
        ExprKind::Unary(UnaryOp::Not, _) => 5,
        ExprKind::Unary(UnaryOp::Neg, _) => 9,
        ExprKind::Field(..) => 10,
        _ => 11,
    }
}

fn binop_prec(op: BinOp) -> u8 {
    match op {
        BinOp::Implies => 2,
        BinOp::Or => 3,
        BinOp::And => 4,
        BinOp::Eq
        | BinOp::Ne
        | BinOp::Lt
        | BinOp::Le
        | BinOp::Gt
        | BinOp::Ge
        | BinOp::In
        | BinOp::NotIn
        | BinOp::Within
        | BinOp::WithinNext => 6,
        BinOp::Add | BinOp::Sub => 7,
        BinOp::Mul | BinOp::Div => 8,
    }
}

/// Does operand `x` of a binary operator need parentheses?
fn needs_parens(x: &Expr, op_prec: u8, is_left: bool, is_last: bool, op: BinOp) -> bool {
    let p = prec(x);
    if !is_last && ends_open(x) {
        // `if` and quantifiers extend to the right: only safe as the last operand
        return true;
    }
    if p == 1 {
        return false;
    }
    if p < op_prec {
        return true;
    }
    if p == op_prec {
        return match op {
            BinOp::Implies => is_left,
            o if binop_prec(o) == 6 => true,
            _ => !is_left,
        };
    }
    false
}

/// An expression on one line, with the fewest parentheses that keep its meaning.
pub fn expr_text(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Number(t) => t.clone(),
        ExprKind::Percent(t) => format!("{t}%"),
        ExprKind::Date(t) => t.clone(),
        ExprKind::Duration(n, u) => format!("{n} {u}"),
        ExprKind::Str(s) => quote(s),
        ExprKind::AssessmentDate => "assessment_date".into(),
        ExprKind::Name(i) => i.name.to_string(),
        ExprKind::Field(base, f) => {
            let b = if prec(base) < 10 {
                format!("({})", expr_text(base))
            } else {
                expr_text(base)
            };
            format!("{b}.{}", f.name)
        }
        ExprKind::List(xs) => format!(
            "[{}]",
            xs.iter().map(expr_text).collect::<Vec<_>>().join(", ")
        ),
        ExprKind::Unary(op, x) => {
            let (kw, min) = match op {
                UnaryOp::Not => ("not ", 5),
                UnaryOp::Neg => ("-", 9),
            };
            let inner = expr_text(x);
            // `- -x` must not print as `--x`; a prefix operand of not/neg is fine bare
            if prec(x) < min || prec(x) == 1 {
                format!("{kw}({inner})")
            } else if *op == UnaryOp::Neg && inner.starts_with('-') {
                format!("- {inner}")
            } else {
                format!("{kw}{inner}")
            }
        }
        ExprKind::Binary(op, ab) => {
            let (a, b) = &**ab;
            let p = binop_prec(*op);
            let left = expr_text(a);
            let right = expr_text(b);
            let left = if needs_parens(a, p, true, false, *op) {
                format!("({left})")
            } else {
                left
            };
            let right = if needs_parens(b, p, false, true, *op) {
                format!("({right})")
            } else {
                right
            };
            format!("{left} {} {right}", op.as_str())
        }
        ExprKind::If(c, a, b) => {
            let cond = expr_text(c);
            let then = expr_text(a);
            // an `if` or quantifier in the condition or `then` part would swallow the keywords
            let wrap = |x: &Expr, s: String| if prec(x) == 1 { format!("({s})") } else { s };
            format!(
                "if {} then {} else {}",
                wrap(c, cond),
                wrap(a, then),
                expr_text(b)
            )
        }
        ExprKind::Quantifier {
            quant,
            var,
            list,
            body,
        } => {
            let l = expr_text(list);
            let l = if prec(list) == 1 { format!("({l})") } else { l };
            format!(
                "{} {} in {l}: {}",
                quant_text(*quant),
                var.name,
                expr_text(body)
            )
        }
        ExprKind::Aggregate {
            func,
            body,
            var,
            list,
            filter,
        } => {
            let mut s = format!(
                "{}({} for {} in {}",
                func.name,
                wrap_low(body),
                var.name,
                wrap_low(list)
            );
            if let Some(f) = filter {
                s.push_str(&format!(" where {}", expr_text(f)));
            }
            s.push(')');
            s
        }
        ExprKind::Count { var, list, filter } => {
            let mut s = format!("count({} in {}", var.name, wrap_in_operand(list));
            if let Some(f) = filter {
                s.push_str(&format!(" where {}", expr_text(f)));
            }
            s.push(')');
            s
        }
        ExprKind::Call(f, args) => format!(
            "{}({})",
            f.name,
            args.iter().map(expr_text).collect::<Vec<_>>().join(", ")
        ),
        ExprKind::Error => "(error)".into(),
    }
}

/// Parenthesises expressions that would run into a following keyword.
fn wrap_low(e: &Expr) -> String {
    if prec(e) == 1 {
        format!("({})", expr_text(e))
    } else {
        expr_text(e)
    }
}

/// The list of `count(x in LIST …)` is parsed as the right side of `in`.
fn wrap_in_operand(e: &Expr) -> String {
    if prec(e) <= 6 {
        format!("({})", expr_text(e))
    } else {
        expr_text(e)
    }
}

fn quant_text(q: Quant) -> &'static str {
    match q {
        Quant::All => "all",
        Quant::Any => "any",
    }
}

fn scalar_text(k: &ScalarKind) -> String {
    match k {
        ScalarKind::Bool => "bool".into(),
        ScalarKind::Int => "int".into(),
        ScalarKind::Number => "number".into(),
        ScalarKind::Percent => "percent".into(),
        ScalarKind::Date => "date".into(),
        ScalarKind::Text => "text".into(),
        ScalarKind::Enum(vs, ls) => format!(
            "enum({})",
            vs.iter()
                .enumerate()
                .map(|(i, v)| match ls.get(i) {
                    Some(Some(l)) => format!("{} {}", v.name, quote(&l.value)),
                    _ => v.name.to_string(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn outcome_text(o: Outcome) -> &'static str {
    match o {
        Outcome::Met => "met",
        Outcome::NotMet => "not_met",
        Outcome::NotApplicable => "not_applicable",
        Outcome::Incomplete => "incomplete",
    }
}

fn level_set_text(l: LevelSet) -> &'static str {
    match l {
        LevelSet::Must => "must",
        LevelSet::Should => "should",
        LevelSet::May => "may",
        LevelSet::All => "requirements",
    }
}

/// Rating conditions: `and` binds tighter than `or`.
fn rating_cond(c: &RatingCond, ctx: u8) -> String {
    match c {
        RatingCond::Or(xs) => {
            let s = xs
                .iter()
                .map(|x| rating_cond(x, 1))
                .collect::<Vec<_>>()
                .join(" or ");
            if ctx > 1 {
                format!("({s})")
            } else {
                s
            }
        }
        RatingCond::And(xs) => {
            let s = xs
                .iter()
                .map(|x| rating_cond(x, 2))
                .collect::<Vec<_>>()
                .join(" and ");
            if ctx > 2 {
                format!("({s})")
            } else {
                s
            }
        }
        RatingCond::Not(x) => format!("not {}", rating_cond(x, 3)),
        RatingCond::Quant(q, l, o) => {
            let q = match q {
                RatingQuant::All => "all",
                RatingQuant::Any => "any",
                RatingQuant::No => "no",
            };
            format!("{q} {} {}", level_set_text(*l), outcome_text(*o))
        }
        RatingCond::Count(l, o, op, n) => format!(
            "count({} {}) {} {n}",
            level_set_text(*l),
            outcome_text(*o),
            op.as_str()
        ),
    }
}

/// A string literal with escapes.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn clause_span(c: &Clause) -> Span {
    match c {
        Clause::Applies(e) | Clause::Rule(e) => e.span,
        Clause::Evidence(k, d, r) => k.span.to(r.unwrap_or(d.span)),
        Clause::Basis(b) | Clause::Respondent(b) => b.span,
        Clause::Ref(s) | Clause::Help(s) => s.span,
    }
}

fn test_clause_span(c: &TestClause) -> Span {
    match c {
        TestClause::GivenJson(_, s)
        | TestClause::AssessedOn(_, s)
        | TestClause::ExpectRequirement(_, _, s) => *s,
        TestClause::GivenFile(f) => f.span,
        TestClause::ExpectOverall(r) | TestClause::Respondent(r) => r.span,
        TestClause::ExpectArea(a, r) => a.span.to(r.span),
    }
}

#[cfg(test)]
#[cfg(feature = "compile")]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::path::{Path, PathBuf};

    use proptest::prelude::*;

    use super::*;
    use crate::syntax::ast::{expr_without_spans, without_spans};
    use crate::syntax::parse_expr;

    fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                files_under(&p, out);
            } else if p.extension().is_some_and(|x| x == "netspec") {
                out.push(p);
            }
        }
    }

    fn repo_specs() -> Vec<PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut out = Vec::new();
        files_under(&root.join("specs"), &mut out);
        files_under(&root.join("tests"), &mut out);
        out.sort();
        out
    }

    #[test]
    fn formatting_every_repository_file_is_idempotent_and_keeps_the_tree() {
        let files = repo_specs();
        assert!(!files.is_empty(), "no .netspec files found");
        let mut checked = 0;
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            // files that do not parse are diagnostics cases; nothing to format
            let Ok(before) = parse_file(&text, FileId(0)) else {
                continue;
            };
            let once = format_source(&text).unwrap();
            let twice = format_source(&once).unwrap();
            assert_eq!(once, twice, "formatting {} is not idempotent", f.display());
            let after = parse_file(&once, FileId(0)).unwrap();
            assert_eq!(
                without_spans(&before),
                without_spans(&after),
                "formatting {} changed its tree",
                f.display()
            );
            assert_eq!(
                before.comments.len(),
                after.comments.len(),
                "formatting {} lost comments",
                f.display()
            );
            checked += 1;
        }
        assert!(checked > 0);
    }

    #[test]
    fn formatting_changes_no_test_result() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
        let mut files = Vec::new();
        files_under(&root, &mut files);
        for f in files.iter().filter(|f| {
            std::fs::read_to_string(f).unwrap().contains("\nspec ")
                || std::fs::read_to_string(f).unwrap().starts_with("spec ")
        }) {
            let name = f.to_string_lossy().to_string();
            let read = |n: &str| std::fs::read_to_string(n).ok();
            let original = crate::gather_sources(&name, read);
            let formatted_read = |n: &str| {
                let t = std::fs::read_to_string(n).ok()?;
                if n.ends_with(".netspec") {
                    format_source(&t).ok()
                } else {
                    Some(t)
                }
            };
            let formatted = crate::gather_sources(&name, formatted_read);
            let a = crate::Spec::compile(&name, &original).unwrap();
            let b = crate::Spec::compile(&name, &formatted).unwrap();
            let ra: Vec<_> = a
                .run_tests()
                .into_iter()
                .map(|t| (t.name, t.outcomes))
                .collect();
            let rb: Vec<_> = b
                .run_tests()
                .into_iter()
                .map(|t| (t.name, t.outcomes))
                .collect();
            assert_eq!(ra, rb, "formatting {name} changed test outcomes");
        }
    }

    #[test]
    fn comments_and_blank_lines_survive() {
        let src = "// head\nspec x \"X\" { version \"1\" } // trailing\n\n// inputs\ninputs \"I\" {\n  a: int \"A\" // why\n\n  b: int \"B\"\n  // last\n}\nlet y = a+b // sum\n";
        let out = format_source(src).unwrap();
        assert_eq!(
            out,
            "// head\nspec x \"X\" { version \"1\" } // trailing\n\n// inputs\ninputs \"I\" {\n  a: int \"A\" // why\n\n  b: int \"B\"\n  // last\n}\n\nlet y = a + b // sum\n"
        );
        assert_eq!(format_source(&out).unwrap(), out);
    }

    #[test]
    fn long_chains_break_before_the_operator() {
        let src = "spec x \"X\"\narea quality {\n  requirement Q-1 must \"t\" {\n    aaaaaaaaaaaaaaaaaaaa >= 1 and bbbbbbbbbbbbbbbbbbbbbbbbb >= 2 and ccccccccccccccccccccccccc >= 3 and d >= 4\n  }\n}\n";
        let out = format_source(src).unwrap();
        assert!(out.contains("    aaaaaaaaaaaaaaaaaaaa >= 1\n      and bbbbbbbbbbbbbbbbbbbbbbbbb >= 2\n      and ccccccccccccccccccccccccc >= 3\n      and d >= 4\n"), "{out}");
    }

    const NAMES: [&str; 5] = ["a", "b", "units", "beds", "x_1"];

    fn ident(name: &str) -> Ident {
        Ident {
            name: name.into(),
            span: Span::default(),
        }
    }

    fn e(kind: ExprKind) -> Expr {
        Expr {
            kind,
            span: Span::default(),
        }
    }

    fn leaf() -> impl Strategy<Value = Expr> {
        prop_oneof![
            any::<bool>().prop_map(|b| e(ExprKind::Bool(b))),
            (0u32..1000).prop_map(|n| e(ExprKind::Number(n.to_string()))),
            (0u32..100, 1u32..99).prop_map(|(a, b)| e(ExprKind::Number(format!("{a}.{b}")))),
            (0u32..100).prop_map(|n| e(ExprKind::Percent(n.to_string()))),
            Just(e(ExprKind::Date("2024-02-29".into()))),
            (
                1u32..24,
                prop_oneof![Just("days"), Just("months"), Just("year")]
            )
                .prop_map(|(n, u)| e(ExprKind::Duration(n.to_string(), u.to_string()))),
            "[a-z \"\\\\]{0,6}".prop_map(|s| e(ExprKind::Str(s))),
            Just(e(ExprKind::AssessmentDate)),
            proptest::sample::select(&NAMES[..]).prop_map(|n| e(ExprKind::Name(ident(n)))),
        ]
    }

    fn binop() -> impl Strategy<Value = BinOp> {
        proptest::sample::select(vec![
            BinOp::Implies,
            BinOp::Or,
            BinOp::And,
            BinOp::Eq,
            BinOp::Ne,
            BinOp::Lt,
            BinOp::Le,
            BinOp::Gt,
            BinOp::Ge,
            BinOp::In,
            BinOp::NotIn,
            BinOp::Within,
            BinOp::WithinNext,
            BinOp::Add,
            BinOp::Sub,
            BinOp::Mul,
            BinOp::Div,
        ])
    }

    fn expr() -> impl Strategy<Value = Expr> {
        leaf().prop_recursive(5, 48, 4, |inner| {
            let name = proptest::sample::select(&NAMES[..]);
            prop_oneof![
                (binop(), inner.clone(), inner.clone())
                    .prop_map(|(op, a, b)| e(ExprKind::Binary(op, Box::new((a, b))))),
                (
                    prop_oneof![Just(UnaryOp::Not), Just(UnaryOp::Neg)],
                    inner.clone()
                )
                    .prop_map(|(op, a)| e(ExprKind::Unary(op, Box::new(a)))),
                (inner.clone(), name.clone())
                    .prop_map(|(a, f)| e(ExprKind::Field(Box::new(a), ident(f)))),
                (inner.clone(), inner.clone(), inner.clone())
                    .prop_map(|(c, a, b)| e(ExprKind::If(Box::new(c), Box::new(a), Box::new(b)))),
                (any::<bool>(), name.clone(), inner.clone(), inner.clone()).prop_map(
                    |(all, v, l, b)| e(ExprKind::Quantifier {
                        quant: if all { Quant::All } else { Quant::Any },
                        var: ident(v),
                        list: Box::new(l),
                        body: Box::new(b)
                    })
                ),
                (
                    proptest::sample::select(vec!["sum", "mean", "min", "max"]),
                    inner.clone(),
                    name.clone(),
                    inner.clone(),
                    proptest::option::of(inner.clone())
                )
                    .prop_map(|(f, b, v, l, w)| e(ExprKind::Aggregate {
                        func: ident(f),
                        body: Box::new(b),
                        var: ident(v),
                        list: Box::new(l),
                        filter: w.map(Box::new)
                    })),
                (
                    name.clone(),
                    inner.clone(),
                    proptest::option::of(inner.clone())
                )
                    .prop_map(|(v, l, w)| e(ExprKind::Count {
                        var: ident(v),
                        list: Box::new(l),
                        filter: w.map(Box::new)
                    })),
                (
                    proptest::sample::select(vec!["ceil", "abs", "days_between"]),
                    proptest::collection::vec(inner.clone(), 1..3)
                )
                    .prop_map(|(f, args)| e(ExprKind::Call(ident(f), args))),
                proptest::collection::vec(inner, 0..3).prop_map(|xs| e(ExprKind::List(xs))),
            ]
        })
    }

    /// One input declaration in source form, with the issue-12 attributes.
    fn decl_text() -> impl Strategy<Value = String> {
        let name = proptest::sample::select(&NAMES[..]);
        let constraint = prop_oneof![
            (any::<bool>(), 0u32..100)
                .prop_map(|(mx, n)| format!("{} {n}", if mx { "max" } else { "min" })),
            (
                any::<bool>(),
                name.clone(),
                proptest::option::of(name.clone())
            )
                .prop_map(|(mx, a, b)| format!(
                    "{} {a}{}",
                    if mx { "max" } else { "min" },
                    b.map(|b| format!(".{b}")).unwrap_or_default()
                )),
        ];
        let attr = prop_oneof![
            "[a-z \"]{0,6}".prop_map(|s| format!("help {}", quote(&s))),
            "[a-z ]{0,6}".prop_map(|s| format!("unit {}", quote(&s))),
            "[a-z ]{0,6}".prop_map(|s| format!("label {}", quote(&s))),
            "[a-z ]{0,6}".prop_map(|s| format!("item {}", quote(&s))),
            Just("period assessment".to_string()),
            (1u32..24).prop_map(|n| format!("period {n} months")),
        ];
        let scalar = (
            name.clone(),
            proptest::collection::vec(constraint, 0..3),
            proptest::collection::vec(attr.clone(), 0..4),
        )
            .prop_map(|(n, cs, attrs)| {
                let mut s = format!("{n}: int");
                for c in cs {
                    s.push(' ');
                    s.push_str(&c);
                }
                s.push_str(" \"Q?\"");
                for a in attrs {
                    s.push(' ');
                    s.push_str(&a);
                }
                s
            });
        let checklist = (
            name.clone(),
            proptest::collection::vec(attr, 0..3),
            proptest::collection::vec((name.clone(), "[a-z ]{0,8}"), 0..4),
        )
            .prop_map(|(n, attrs, items)| {
                let mut s = format!("{n}: checklist \"Which?\"");
                for a in attrs {
                    s.push(' ');
                    s.push_str(&a);
                }
                s.push_str(" {");
                for (k, t) in items {
                    s.push_str(&format!(" {k} {}", quote(&t)));
                }
                s.push_str(" }");
                s
            });
        prop_oneof![
            scalar.clone(),
            checklist,
            scalar.prop_map(|inner| format!("xs: list \"L\" item \"x\" {{ {inner} }}"))
        ]
    }

    /// A requirement's clauses with `basis`, `respondent` and required evidence.
    fn clauses_text() -> impl Strategy<Value = Vec<String>> {
        let clause = prop_oneof![
            proptest::sample::select(vec!["standard", "derived", "estimate"])
                .prop_map(|b| format!("basis {b}")),
            proptest::sample::select(vec!["provider", "network"])
                .prop_map(|r| format!("respondent {r}")),
            (proptest::sample::select(&NAMES[..]), any::<bool>()).prop_map(|(k, req)| format!(
                "evidence {k} \"E\"{}",
                if req { " required" } else { "" }
            )),
        ];
        proptest::collection::vec(clause, 0..4)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn formatting_generated_inputs_and_clauses_round_trips(
            decls in proptest::collection::vec(decl_text(), 1..4),
            respondent in proptest::option::of(proptest::sample::select(vec!["provider", "network"])),
            clauses in clauses_text(),
            rule in expr(),
            test_respondent in any::<bool>(),
        ) {
            let head = match respondent {
                Some(r) => format!("inputs \"I\" respondent {r} {{"),
                None => "inputs \"I\" {".to_string(),
            };
            let src = format!(
                "spec g \"G\" {{ version \"1\" evidence \"required\" }}\n{head}\n  {}\n}}\narea quality {{\n  requirement Q-1 must \"t\" {{\n    {}\n    {}\n  }}\n}}\ntest \"t\" {{\n{}  given {{}}\n}}\n",
                decls.join("\n  "),
                clauses.join("\n    "),
                expr_text(&rule),
                if test_respondent { "  respondent network\n" } else { "" },
            );
            let before = parse_file(&src, FileId(0));
            prop_assert!(before.is_ok(), "does not parse: {src}");
            let before = before.unwrap();
            let once = format_source(&src).unwrap();
            prop_assert_eq!(&format_source(&once).unwrap(), &once);
            let after = parse_file(&once, FileId(0)).unwrap();
            prop_assert_eq!(without_spans(&before), without_spans(&after), "{}", once);
        }

        #[test]
        fn printing_then_parsing_gives_the_same_tree(t in expr()) {
            let text = expr_text(&t);
            let parsed = parse_expr(&text, FileId(0));
            prop_assert!(parsed.is_ok(), "printed form does not parse: {text}");
            let parsed = parsed.unwrap();
            prop_assert_eq!(expr_without_spans(&parsed), expr_without_spans(&t), "{}", text);
        }

        #[test]
        fn formatting_a_spec_around_generated_rules_round_trips(t in expr(), a in expr()) {
            let src = format!(
                "spec g \"G\"\narea quality {{\n  requirement Q-1 must \"t\" {{\n    applies when {}\n    {}\n  }}\n}}\n",
                expr_text(&a),
                expr_text(&t)
            );
            let before = parse_file(&src, FileId(0)).unwrap();
            let once = format_source(&src).unwrap();
            prop_assert_eq!(&format_source(&once).unwrap(), &once);
            let after = parse_file(&once, FileId(0)).unwrap();
            prop_assert_eq!(without_spans(&before), without_spans(&after));
        }
    }
}
