//! The compiled document: a spec compiled once and shipped as data (one
//! JSON document), so that a program that only evaluates (the browser form's
//! WebAssembly module, a service) needs neither the parser nor the checker.
//!
//! ```json
//! {"format": 1, "engine": "0.1.0", "spec": {"id": "demo", "version": "1"},
//!  "limits": {…}, "sources": [{"name": "demo.netspec", "text": "…"}],
//!  "compiled": {…}}
//! ```
//!
//! `compiled` is the [`CompiledSpec`] without what loading makes again (the
//! index of requirements by id, each requirement's evidence keys); the
//! spec's tests are not shipped. Expressions are written as flat lists in
//! post-order (children before the operation that applies to them), so
//! reading one needs no recursion and the depth of every tree is known
//! before it is built. `sources` are the spec's files, which explanations
//! quote.
//!
//! A document is untrusted input. [`load`] refuses (NS0312) one of another
//! format or engine version, one that is not such a document, and one that
//! fails the structural checks made before anything evaluates it: every
//! record, field, enum, definition and requirement index in range, every
//! span inside its file, records nested as a tree, `present` only of an
//! input (as the checker allows it), definitions without
//! cycles, expression depth (through definitions), definition chains and
//! quantifier nesting within the limits, and the limits themselves no higher
//! than their defaults (a caller that needs more sets them after loading).
//! The fast form, the answer tables and the label tables are made again from
//! the compiled spec, as [`crate::Spec::compile`] makes them.

use std::collections::HashSet;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::builtins::Builtin;
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::{
    AggFn, Arith, Cmp, CompiledSpec, Const, FieldKind, Node, NodeKind, RatingExpr, ScalarTy, Ty,
    AREAS,
};
use crate::limits::{Limits, MAX_BINDERS, MAX_DEPTH, MAX_LET_DEPTH};
use crate::source::{SourceMap, Span};
use crate::vocab::{LevelSet, Outcome, Quant, Respondent};

/// The version of the compiled document format this engine reads and writes.
pub const FORMAT: u32 = 1;

/// The engine version a document must come from to be loaded.
pub const ENGINE_VERSION: &str = crate::report::ENGINE_VERSION;

/// Most bytes of a compiled document (NS0312 beyond).
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024 * 1024;

/// Deepest expression tree a document may hold, whatever its limits say:
/// twice the default expression depth.
pub const MAX_TREE_DEPTH: usize = 2 * MAX_DEPTH;

/// One operation of an expression, its operands left out: a flat list of
/// these in post-order is an expression.
#[derive(Debug, Clone, Serialize)]
enum Op {
    Const(Const),
    AssessmentDate,
    Input(usize),
    Var(usize),
    Let(usize),
    Field(usize),
    Values(usize),
    Not,
    Neg,
    And,
    Or,
    Implies,
    Arith(Arith),
    DateShift(bool),
    DateDiff,
    Compare(Cmp),
    In(bool, usize),
    Within,
    If,
    Quantifier(Quant),
    Aggregate(AggFn, bool),
    Count(bool),
    Call(Builtin, usize),
    Present,
    Error,
}

/// An operation with its span and type.
#[derive(Debug, Clone, Serialize)]
struct Flat(Op, Span, Ty);

fn flatten(n: &Node, out: &mut Vec<Flat>) {
    for c in n.children() {
        flatten(c, out);
    }
    use NodeKind as K;
    let op = match &n.kind {
        K::Const(c) => Op::Const(c.clone()),
        K::AssessmentDate => Op::AssessmentDate,
        K::Input(s) => Op::Input(*s),
        K::Var(d) => Op::Var(*d),
        K::Let(i) => Op::Let(*i),
        K::Field(_, s) => Op::Field(*s),
        K::Values(xs) => Op::Values(xs.len()),
        K::Not(_) => Op::Not,
        K::Neg(_) => Op::Neg,
        K::And(..) => Op::And,
        K::Or(..) => Op::Or,
        K::Implies(..) => Op::Implies,
        K::Arith(a, ..) => Op::Arith(*a),
        K::DateShift(plus, ..) => Op::DateShift(*plus),
        K::DateDiff(..) => Op::DateDiff,
        K::Compare(c, ..) => Op::Compare(*c),
        K::In(neg, _, items) => Op::In(*neg, items.len()),
        K::Within(..) => Op::Within,
        K::If(..) => Op::If,
        K::Quantifier(q, ..) => Op::Quantifier(*q),
        K::Aggregate(f, _, _, filter) => Op::Aggregate(*f, filter.is_some()),
        K::Count(_, filter) => Op::Count(filter.is_some()),
        K::Call(b, xs) => Op::Call(*b, xs.len()),
        K::Present(_) => Op::Present,
        K::Error => Op::Error,
    };
    out.push(Flat(op, n.span, n.ty.clone()));
}

impl Serialize for Node {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut flat = Vec::new();
        flatten(self, &mut flat);
        flat.serialize(s)
    }
}

/// Builds a tree from its flat post-order list, without recursion, refusing
/// one deeper than [`MAX_TREE_DEPTH`].
fn build(flat: Vec<Flat>) -> Result<Node, &'static str> {
    let mut stack: Vec<(Node, usize)> = Vec::new();
    for Flat(op, span, ty) in flat {
        let arity = match &op {
            Op::Const(_)
            | Op::AssessmentDate
            | Op::Input(_)
            | Op::Var(_)
            | Op::Let(_)
            | Op::Error => 0,
            Op::Field(_) | Op::Not | Op::Neg | Op::Present => 1,
            Op::And
            | Op::Or
            | Op::Implies
            | Op::Arith(_)
            | Op::DateShift(_)
            | Op::DateDiff
            | Op::Compare(_)
            | Op::Within
            | Op::Quantifier(_) => 2,
            Op::If => 3,
            Op::Values(n) | Op::Call(_, n) => *n,
            Op::In(_, n) => n.checked_add(1).ok_or("too many operands")?,
            Op::Aggregate(_, f) => 2 + usize::from(*f),
            Op::Count(f) => 1 + usize::from(*f),
        };
        let at = stack
            .len()
            .checked_sub(arity)
            .ok_or("an operation without its operands")?;
        let operands = stack.split_off(at);
        let depth = 1 + operands.iter().map(|(_, d)| *d).max().unwrap_or(0);
        if depth > MAX_TREE_DEPTH {
            return Err("an expression nested too deeply");
        }
        let mut xs = operands.into_iter().map(|(n, _)| n);
        let mut next = || {
            xs.next()
                .map(Box::new)
                .ok_or("an operation without its operands")
        };
        use NodeKind as K;
        let kind = match op {
            Op::Const(c) => K::Const(c),
            Op::AssessmentDate => K::AssessmentDate,
            Op::Input(s) => K::Input(s),
            Op::Var(v) => K::Var(v),
            Op::Let(i) => K::Let(i),
            Op::Error => K::Error,
            Op::Field(s) => K::Field(next()?, s),
            Op::Not => K::Not(next()?),
            Op::Neg => K::Neg(next()?),
            Op::Present => {
                // as the checker makes it: an input or a field read, whose
                // unknown is one missing answer or problems alone
                let x = next()?;
                if !x.is_input_read() {
                    return Err("a `present` of something other than an input");
                }
                K::Present(x)
            }
            Op::And => K::And(next()?, next()?),
            Op::Or => K::Or(next()?, next()?),
            Op::Implies => K::Implies(next()?, next()?),
            Op::Arith(a) => K::Arith(a, next()?, next()?),
            Op::DateShift(p) => K::DateShift(p, next()?, next()?),
            Op::DateDiff => K::DateDiff(next()?, next()?),
            Op::Compare(c) => K::Compare(c, next()?, next()?),
            Op::Within => K::Within(next()?, next()?),
            Op::Quantifier(q) => K::Quantifier(q, next()?, next()?),
            Op::If => K::If(next()?, next()?, next()?),
            Op::Aggregate(f, filter) => {
                let (l, b) = (next()?, next()?);
                K::Aggregate(f, l, b, if filter { Some(next()?) } else { None })
            }
            Op::Count(filter) => {
                let l = next()?;
                K::Count(l, if filter { Some(next()?) } else { None })
            }
            Op::Values(_) => K::Values(xs.collect()),
            Op::Call(b, _) => K::Call(b, xs.collect()),
            Op::In(neg, _) => {
                let x = next()?;
                K::In(neg, x, xs.collect())
            }
        };
        stack.push((Node { kind, span, ty }, depth));
    }
    match (stack.pop(), stack.is_empty()) {
        (Some((n, _)), true) => Ok(n),
        _ => Err("an expression that is not one tree"),
    }
}

/// The spec a document holds, by id and version.
#[derive(Debug, Clone, Serialize)]
struct SpecId {
    id: String,
    version: Option<String>,
}

/// One source file.
#[derive(Debug, Clone, Serialize)]
struct SourceText {
    name: String,
    text: Arc<str>,
}

#[derive(Serialize)]
struct DocumentOut<'a> {
    format: u32,
    engine: &'a str,
    spec: SpecId,
    limits: &'a Limits,
    sources: Vec<SourceText>,
    compiled: &'a CompiledSpec,
}

/// A loaded document's parts, checked.
#[derive(Debug)]
pub struct Loaded {
    /// The compiled spec, with what is made again made.
    pub compiled: CompiledSpec,
    /// Its files.
    pub map: SourceMap,
    /// The limits it was compiled with.
    pub limits: Limits,
}

/// The document of a compiled spec, its files and its limits.
pub fn write(compiled: &CompiledSpec, map: &SourceMap, limits: &Limits) -> String {
    let doc = DocumentOut {
        format: FORMAT,
        engine: ENGINE_VERSION,
        spec: SpecId {
            id: compiled.info.id.clone(),
            version: compiled.info.version.clone(),
        },
        limits,
        sources: map
            .files()
            .iter()
            .map(|f| SourceText {
                name: f.name.clone(),
                text: f.text.clone(),
            })
            .collect(),
        compiled,
    };
    // a document holds only strings, numbers, booleans and lists: writing
    // it cannot fail
    serde_json::to_string(&doc).unwrap_or_default()
}

fn refused(message: impl Into<String>) -> Box<Diagnostic> {
    Box::new(Diagnostic::error(Code::DocumentRefused, message))
}

fn refused_with_help(message: impl Into<String>, help: &str) -> Box<Diagnostic> {
    Box::new(Diagnostic::error(Code::DocumentRefused, message).with_help(help))
}

/// Reads and checks a document.
pub fn load(text: &str) -> Result<Loaded, Box<Diagnostic>> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(refused(format!(
            "the compiled document is {} bytes, more than the {} a document may have",
            text.len(),
            MAX_DOCUMENT_BYTES
        )));
    }
    let not_one = |e: serde_json::Error| {
        refused_with_help(
            format!(
                "not a compiled netspec document: {}",
                crate::diagnostic::escape_controls(&e.to_string())
            ),
            "make one with `netspec compile SPEC -o FILE`",
        )
    };
    let doc: Value = serde_json::from_str(text).map_err(not_one)?;
    let (format, engine) = match &doc {
        Value::Object(m) => (m.get("format"), m.get("engine")),
        _ => (None, None),
    };
    let (Some(format), Some(engine)) = (format, engine) else {
        return Err(refused_with_help(
            "not a compiled netspec document: no `format` and `engine`",
            "make one with `netspec compile SPEC -o FILE`",
        ));
    };
    let format_ok = format.as_u64() == Some(u64::from(FORMAT));
    let engine_ok = engine.as_str() == Some(ENGINE_VERSION);
    if !format_ok || !engine_ok {
        let shown = |v: &Value| {
            let s = v.to_string();
            let s: String = s.chars().take(40).collect();
            crate::diagnostic::escape_controls(&s).into_owned()
        };
        return Err(refused_with_help(
            format!(
                "the compiled document is of format {} from engine {}; this engine reads format {} from engine \"{}\"",
                shown(format),
                shown(engine),
                FORMAT,
                ENGINE_VERSION
            ),
            "compile the spec again with this version of netspec (`netspec compile SPEC -o FILE`)",
        ));
    }
    let invalid = |m: String| refused(format!("the compiled document is not valid: {m}"));
    let (id, limits, sources, compiled) = read_document(&doc).map_err(invalid)?;
    drop(doc);
    let mut map = SourceMap::default();
    for (name, text) in sources {
        map.add(name, text.into());
    }
    let doc_limits = limits;
    let mut compiled = compiled;
    check(&compiled, &map, &doc_limits, &id).map_err(invalid)?;
    compiled.requirement_index = compiled
        .requirements
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    for r in &mut compiled.requirements {
        r.evidence_keys = r.evidence.iter().map(|e| e.key.clone()).collect();
    }
    compiled.tests = Vec::new();
    compiled.tests_read = false;
    Ok(Loaded {
        compiled,
        map,
        limits: doc_limits,
    })
}

/// The structural checks, each failure a message.
fn check(c: &CompiledSpec, map: &SourceMap, limits: &Limits, id: &SpecId) -> Result<(), String> {
    check_limits(limits)?;
    if id.id != c.info.id || id.version != c.info.version {
        return Err("its header names another spec than its content".into());
    }
    let total: usize = map.files().iter().map(|f| f.text.len()).sum();
    if total > limits.max_source_bytes {
        return Err("its sources are larger than its limits allow".into());
    }
    let mut v = Checker {
        c,
        map,
        limits,
        deps: Vec::new(),
    };
    v.schema()?;
    // definitions: indices, then no cycle, chains and depth within limits
    let mut let_depth = vec![0usize; c.lets.len()];
    let mut let_binders = vec![0usize; c.lets.len()];
    let mut let_chain = vec![0usize; c.lets.len()];
    if c.lets.len() > limits.max_definitions {
        return Err("more definitions than its limits allow".into());
    }
    let mut deps: Vec<Vec<usize>> = Vec::with_capacity(c.lets.len());
    for l in &c.lets {
        v.deps.clear();
        v.node(&l.value, 0, 0)?;
        let mut d = std::mem::take(&mut v.deps);
        d.sort_unstable();
        d.dedup();
        deps.push(d);
    }
    let order = topological(&deps).ok_or("its definitions use one another in a cycle")?;
    for i in order {
        let Some(def) = c.lets.get(i) else { continue };
        let (depth, binders) = v.measure(&def.value, &let_depth, &let_binders);
        let chain = 1 + deps.get(i).map_or(0, |d| {
            d.iter()
                .map(|j| let_chain.get(*j).copied().unwrap_or(0))
                .max()
                .unwrap_or(0)
        });
        if let (Some(a), Some(b), Some(ch)) = (
            let_depth.get_mut(i),
            let_binders.get_mut(i),
            let_chain.get_mut(i),
        ) {
            *a = depth;
            *b = binders;
            *ch = chain;
        }
        if chain > limits.max_let_depth {
            return Err("a chain of definitions longer than its limits allow".into());
        }
    }
    let within = |n: &Node, v: &Checker<'_>| -> Result<(), String> {
        let (depth, binders) = v.measure(n, &let_depth, &let_binders);
        if depth > 2 * limits.max_depth {
            return Err("an expression nested more deeply than its limits allow".into());
        }
        if binders > limits.max_binders {
            return Err("quantifiers nested more deeply than its limits allow".into());
        }
        Ok(())
    };
    for l in &c.lets {
        within(&l.value, &v)?;
    }
    // relations' bounds see the field's record as the innermost element
    for rec in &c.schema.records {
        for f in &rec.fields {
            for r in &f.relations {
                v.node(&r.bound, 1, 0)?;
                within(&r.bound, &v)?;
            }
        }
    }
    if c.requirements.len() > limits.max_requirements {
        return Err("more requirements than its limits allow".into());
    }
    let mut ids = HashSet::new();
    for r in &c.requirements {
        if !ids.insert(r.id.as_str()) {
            return Err(format!(
                "two requirements have the id {}",
                crate::diagnostic::escape_controls(&r.id)
            ));
        }
        if r.area >= AREAS.len() {
            return Err("a requirement in an area that does not exist".into());
        }
        for s in [r.span, r.id_span, r.title_span] {
            v.span(s)?;
        }
        for n in r.applies.iter().chain(std::iter::once(&r.rule)) {
            v.node(n, 0, 0)?;
            within(n, &v)?;
        }
    }
    for rule in &c.rating {
        if let Some(e) = &rule.cond {
            rating_expr(e, 0)?;
        }
    }
    Ok(())
}

fn check_limits(l: &Limits) -> Result<(), String> {
    let d = Limits::default();
    let pairs: [(&str, u64, u64); 15] = [
        (
            "max_source_bytes",
            l.max_source_bytes as u64,
            d.max_source_bytes as u64,
        ),
        (
            "max_expression_terms",
            l.max_expression_terms as u64,
            d.max_expression_terms as u64,
        ),
        ("max_depth", l.max_depth as u64, MAX_DEPTH as u64),
        (
            "max_prefix_run",
            l.max_prefix_run as u64,
            d.max_prefix_run as u64,
        ),
        ("max_implies", l.max_implies as u64, d.max_implies as u64),
        (
            "max_nesting_keywords",
            l.max_nesting_keywords as u64,
            d.max_nesting_keywords as u64,
        ),
        (
            "max_let_depth",
            l.max_let_depth as u64,
            MAX_LET_DEPTH as u64,
        ),
        ("max_binders", l.max_binders as u64, MAX_BINDERS as u64),
        ("max_inputs", l.max_inputs as u64, d.max_inputs as u64),
        (
            "max_requirements",
            l.max_requirements as u64,
            d.max_requirements as u64,
        ),
        (
            "max_definitions",
            l.max_definitions as u64,
            d.max_definitions as u64,
        ),
        (
            "max_submission_bytes",
            l.max_submission_bytes as u64,
            d.max_submission_bytes as u64,
        ),
        (
            "max_json_depth",
            l.max_json_depth as u64,
            d.max_json_depth as u64,
        ),
        ("max_list_len", l.max_list_len as u64, d.max_list_len as u64),
        ("max_eval_steps", l.max_eval_steps, d.max_eval_steps),
    ];
    for (name, got, most) in pairs {
        if got > most {
            return Err(format!(
                "its limit {name} is {got}, above the default {most} (a document may lower limits, not raise them)"
            ));
        }
    }
    Ok(())
}

fn rating_expr(e: &RatingExpr, depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err("a rating condition nested too deeply".into());
    }
    match e {
        RatingExpr::And(xs) | RatingExpr::Or(xs) => {
            for x in xs {
                rating_expr(x, depth + 1)?;
            }
        }
        RatingExpr::Not(x) => rating_expr(x, depth + 1)?,
        RatingExpr::Quant(..) | RatingExpr::Count(..) => {}
    }
    Ok(())
}

/// Kahn's order of definitions, each after those it uses; `None` on a cycle.
fn topological(deps: &[Vec<usize>]) -> Option<Vec<usize>> {
    let n = deps.len();
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut waiting: Vec<usize> = vec![0; n];
    for (i, ds) in deps.iter().enumerate() {
        for &j in ds {
            users.get_mut(j)?.push(i);
            *waiting.get_mut(i)? += 1;
        }
    }
    let mut ready: Vec<usize> = (0..n).filter(|i| waiting.get(*i) == Some(&0)).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(j) = ready.pop() {
        order.push(j);
        for &i in users.get(j)? {
            let w = waiting.get_mut(i)?;
            *w -= 1;
            if *w == 0 {
                ready.push(i);
            }
        }
    }
    (order.len() == n).then_some(order)
}

struct Checker<'a> {
    c: &'a CompiledSpec,
    map: &'a SourceMap,
    limits: &'a Limits,
    /// The definitions the expression being checked uses.
    deps: Vec<usize>,
}

impl Checker<'_> {
    fn span(&self, s: Span) -> Result<(), String> {
        let ok = self.map.file(s.file).is_some_and(|f| {
            s.start <= s.end
                && f.text.is_char_boundary(s.start as usize)
                && f.text.is_char_boundary(s.end as usize)
                && (s.end as usize) <= f.text.len()
        });
        if ok {
            Ok(())
        } else {
            Err("a span outside its file".into())
        }
    }

    fn ty(&self, t: &Ty) -> Result<(), String> {
        let schema = &self.c.schema;
        let ok = match t {
            Ty::Enum(e) => *e < schema.enums.len(),
            Ty::Record(r) | Ty::List(r) => *r < schema.records.len(),
            Ty::Values(t) => return self.ty(t),
            Ty::EnumName(_, s) => return self.span(*s),
            _ => true,
        };
        if ok {
            Ok(())
        } else {
            Err("a type naming a record or enum that does not exist".into())
        }
    }

    fn schema(&self) -> Result<(), String> {
        let schema = &self.c.schema;
        let records = &schema.records;
        if records.is_empty() {
            return Err("no root record".into());
        }
        let inputs: usize = records.iter().map(|r| r.fields.len()).sum();
        if inputs > self.limits.max_inputs {
            return Err("more inputs than its limits allow".into());
        }
        for e in &schema.enums {
            if e.variants.is_empty() || !(e.labels.is_empty() || e.labels.len() == e.variants.len())
            {
                return Err("an enum without values, or with labels out of step".into());
            }
        }
        // records form a tree under the root: each but the root held by one
        // field of a record before it
        let mut depth = vec![None::<usize>; records.len()];
        if let Some(d) = depth.first_mut() {
            *d = Some(0);
        }
        for (rid, rec) in records.iter().enumerate() {
            let Some(here) = depth.get(rid).copied().flatten() else {
                return Err("a record that no field holds".into());
            };
            if rec.label_slot.is_some_and(|s| s >= rec.fields.len()) {
                return Err("a label slot out of range".into());
            }
            for f in &rec.fields {
                self.span(f.span)?;
                match &f.kind {
                    FieldKind::Scalar { ty, min, max } => {
                        let bounds_ok = match ty {
                            ScalarTy::Enum(e) => {
                                *e < schema.enums.len() && min.is_none() && max.is_none()
                            }
                            ScalarTy::Date => [min, max]
                                .iter()
                                .all(|b| matches!(b, None | Some(crate::ir::Bound::Date(_)))),
                            ScalarTy::Int | ScalarTy::Number | ScalarTy::Percent => [min, max]
                                .iter()
                                .all(|b| matches!(b, None | Some(crate::ir::Bound::Num(_)))),
                            ScalarTy::Bool | ScalarTy::Text => min.is_none() && max.is_none(),
                        };
                        if !bounds_ok {
                            return Err(
                                "an input with bounds or an enum its type cannot have".into()
                            );
                        }
                    }
                    FieldKind::List { record, .. } | FieldKind::Group { record } => {
                        if *record <= rid {
                            return Err("records that do not nest as a tree".into());
                        }
                        match depth.get_mut(*record) {
                            Some(slot @ None) => *slot = Some(here + 1),
                            _ => return Err("records that do not nest as a tree".into()),
                        }
                        if here + 1 > self.limits.max_depth {
                            return Err("records nested more deeply than its limits allow".into());
                        }
                    }
                }
            }
            if rec.checklist
                && !rec.fields.iter().all(|f| {
                    matches!(f.kind, FieldKind::Scalar { ty: ScalarTy::Enum(e), .. }
                        if schema.enums.get(e).is_some_and(|d| d.variants.iter().map(String::as_str).eq(crate::ir::CHECKLIST_VALUES)))
                })
            {
                return Err("a checklist whose items are not answered yes, no or not_applicable".into());
            }
        }
        Ok(())
    }

    /// Indices, spans and types of one tree; `bound` variables are in scope.
    fn node(&mut self, n: &Node, bound: usize, depth: usize) -> Result<(), String> {
        if depth > MAX_TREE_DEPTH {
            return Err("an expression nested too deeply".into());
        }
        self.span(n.span)?;
        self.ty(&n.ty)?;
        let schema = &self.c.schema;
        let bad = |what: &str| Err(format!("{what} out of range"));
        match &n.kind {
            NodeKind::Input(s) if schema.records.first().is_none_or(|r| *s >= r.fields.len()) => {
                return bad("an input");
            }
            NodeKind::Var(v) if *v >= bound => return bad("a bound variable"),
            NodeKind::Let(i) => {
                if *i >= self.c.lets.len() {
                    return bad("a definition");
                }
                self.deps.push(*i);
            }
            NodeKind::Field(base, s) => {
                let Ty::Record(r) = base.ty else {
                    return Err("a field of something that is not a record".into());
                };
                if schema
                    .records
                    .get(r)
                    .is_none_or(|rec| *s >= rec.fields.len())
                {
                    return bad("a field");
                }
            }
            NodeKind::Const(Const::Enum(v)) => {
                if let Ty::Enum(e) = n.ty {
                    if schema
                        .enums
                        .get(e)
                        .is_none_or(|d| *v as usize >= d.variants.len())
                    {
                        return bad("an enum value");
                    }
                }
            }
            NodeKind::Error => return Err("an expression left after an error".into()),
            _ => {}
        }
        // the operand that binds a variable for the others
        match &n.kind {
            NodeKind::Quantifier(_, list, body) => {
                self.node(list, bound, depth + 1)?;
                self.node(body, bound + 1, depth + 1)
            }
            NodeKind::Aggregate(_, list, body, filter) => {
                self.node(list, bound, depth + 1)?;
                self.node(body, bound + 1, depth + 1)?;
                match filter {
                    Some(f) => self.node(f, bound + 1, depth + 1),
                    None => Ok(()),
                }
            }
            NodeKind::Count(list, filter) => {
                self.node(list, bound, depth + 1)?;
                match filter {
                    Some(f) => self.node(f, bound + 1, depth + 1),
                    None => Ok(()),
                }
            }
            _ => {
                for c in n.children() {
                    self.node(c, bound, depth + 1)?;
                }
                Ok(())
            }
        }
    }

    /// Depth and quantifier nesting of a tree, through the definitions it
    /// uses (already measured).
    fn measure(&self, n: &Node, let_depth: &[usize], let_binders: &[usize]) -> (usize, usize) {
        let (mut depth, mut binders) = (0, 0);
        for c in n.children() {
            let (d, b) = self.measure(c, let_depth, let_binders);
            depth = depth.max(d);
            binders = binders.max(b);
        }
        match &n.kind {
            NodeKind::Let(i) => (
                1 + let_depth.get(*i).copied().unwrap_or(0),
                let_binders.get(*i).copied().unwrap_or(0),
            ),
            NodeKind::Quantifier(..) | NodeKind::Aggregate(..) | NodeKind::Count(..) => {
                (depth + 1, binders + 1)
            }
            _ => (depth + 1, binders),
        }
    }
}

/// A document's parts: the spec's id, its limits, its files, the compiled spec.
type Parts = (SpecId, Limits, Vec<(String, String)>, CompiledSpec);

fn read_document(v: &Value) -> Read<Parts> {
    let m = object(
        v,
        "the document",
        &["format", "engine", "spec", "limits", "sources", "compiled"],
    )?;
    let id = object(member(m, "spec")?, "its header", &["id", "version"])?;
    let id = SpecId {
        id: text(member(id, "id")?, "the spec's id")?,
        version: opt_text(member(id, "version")?, "the spec's version")?,
    };
    let sources = each(member(m, "sources")?, "its sources", |f| {
        let f = object(f, "a source file", &["name", "text"])?;
        Ok((
            text(member(f, "name")?, "a file name")?,
            text(member(f, "text")?, "a file")?,
        ))
    })?;
    Ok((
        id,
        limits(member(m, "limits")?)?,
        sources,
        compiled(member(m, "compiled")?)?,
    ))
}

// ------------------------------------------------------------------ reading
//
// A document is read into a `serde_json::Value` (which the engine reads
// submissions into anyway) and from there by hand, not through derived
// `Deserialize` impls: their visitors were about 120 KB of the form's
// WebAssembly module, a sixth of its code. The shapes are those the derived
// `Serialize` impls write: a struct is an object with exactly its fields
// (`skip`ped ones absent), a unit variant its name, any other variant an
// object of one member, its name, holding its payload (a tuple variant's as
// a list).

type Read<T> = Result<T, String>;
type Obj = serde_json::Map<String, Value>;

fn bad<T>(what: &str) -> Read<T> {
    Err(format!("{what} is not as this engine writes it"))
}

/// An object with exactly the members `keys`.
fn object<'v>(v: &'v Value, what: &str, keys: &[&str]) -> Read<&'v Obj> {
    match v {
        Value::Object(m) if m.len() == keys.len() && keys.iter().all(|k| m.contains_key(*k)) => {
            Ok(m)
        }
        _ => bad(what),
    }
}

fn member<'v>(m: &'v Obj, key: &str) -> Read<&'v Value> {
    m.get(key).map_or_else(|| bad(key), Ok)
}

fn text(v: &Value, what: &str) -> Read<String> {
    v.as_str().map_or_else(|| bad(what), |s| Ok(s.to_string()))
}

fn opt_text(v: &Value, what: &str) -> Read<Option<String>> {
    if v.is_null() {
        Ok(None)
    } else {
        text(v, what).map(Some)
    }
}

fn index(v: &Value, what: &str) -> Read<usize> {
    v.as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .map_or_else(|| bad(what), Ok)
}

fn opt_index(v: &Value, what: &str) -> Read<Option<usize>> {
    if v.is_null() {
        Ok(None)
    } else {
        index(v, what).map(Some)
    }
}

fn flag(v: &Value, what: &str) -> Read<bool> {
    v.as_bool().map_or_else(|| bad(what), Ok)
}

fn list<'v>(v: &'v Value, what: &str) -> Read<&'v [Value]> {
    v.as_array().map_or_else(|| bad(what), |a| Ok(a.as_slice()))
}

/// Every item of a list read by `f`. (A plain loop: `collect` into a
/// `Result` instantiated iterator adapters for every item type, several KB
/// of the form's WebAssembly module.)
fn each<T>(v: &Value, what: &str, f: impl Fn(&Value) -> Read<T>) -> Read<Vec<T>> {
    let items = list(v, what)?;
    let mut out = Vec::with_capacity(items.len());
    for x in items {
        out.push(f(x)?);
    }
    Ok(out)
}

/// A list of two items.
fn two<'v>(v: &'v Value, what: &str) -> Read<(&'v Value, &'v Value)> {
    match list(v, what)? {
        [a, b] => Ok((a, b)),
        _ => bad(what),
    }
}

/// An enum's variant: its name, and its payload (none for a unit variant).
fn variant<'v>(v: &'v Value, what: &str) -> Read<(&'v str, Option<&'v Value>)> {
    match v {
        Value::String(s) => Ok((s, None)),
        Value::Object(m) if m.len() == 1 => match m.iter().next() {
            Some((k, x)) => Ok((k, Some(x))),
            None => bad(what),
        },
        _ => bad(what),
    }
}

/// A unit variant among `names`.
fn named<T: Copy>(v: &Value, what: &str, names: &[(&str, T)]) -> Read<T> {
    let s = v.as_str().unwrap_or_default();
    names
        .iter()
        .find(|(n, _)| *n == s)
        .map_or_else(|| bad(what), |(_, t)| Ok(*t))
}

fn num(v: &Value) -> Read<crate::number::Num> {
    let s = v.as_str().unwrap_or_default();
    let (n, d) = s.split_once('/').unwrap_or((s, "1"));
    let (Ok(n), Ok(d)) = (n.parse::<i128>(), d.parse::<i128>()) else {
        return bad("a number");
    };
    match crate::number::Num::ratio(n, d) {
        // only the form written: lowest terms, positive denominator
        Some(x) if d > 0 && x.numer() == n && x.denom() == d => Ok(x),
        _ => bad("a number"),
    }
}

fn date(v: &Value) -> Read<crate::calendar::Date> {
    v.as_str()
        .and_then(crate::calendar::Date::parse)
        .map_or_else(|| bad("a date"), Ok)
}

fn duration(v: &Value) -> Read<crate::calendar::Duration> {
    use crate::calendar::DurationUnit as U;
    let m = object(v, "a duration", &["count", "unit"])?;
    Ok(crate::calendar::Duration {
        count: member(m, "count")?
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map_or_else(|| bad("a duration"), Ok)?,
        unit: named(
            member(m, "unit")?,
            "a duration's unit",
            &[
                ("Days", U::Days),
                ("Weeks", U::Weeks),
                ("Months", U::Months),
                ("Years", U::Years),
            ],
        )?,
    })
}

fn span(v: &Value) -> Read<Span> {
    let m = object(v, "a span", &["file", "start", "end"])?;
    let n = |k: &str| {
        member(m, k)?
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map_or_else(|| bad("a span"), Ok)
    };
    Ok(Span {
        file: crate::source::FileId(n("file")?),
        start: n("start")?,
        end: n("end")?,
    })
}

fn respondent(v: &Value) -> Read<Respondent> {
    named(
        v,
        "a respondent",
        &[
            ("provider", Respondent::Provider),
            ("network", Respondent::Network),
        ],
    )
}

fn level_set(v: &Value) -> Read<LevelSet> {
    named(
        v,
        "a set of levels",
        &[
            ("Must", LevelSet::Must),
            ("Should", LevelSet::Should),
            ("May", LevelSet::May),
            ("All", LevelSet::All),
        ],
    )
}

fn outcome(v: &Value) -> Read<Outcome> {
    named(
        v,
        "an outcome",
        &[
            ("met", Outcome::Met),
            ("not_met", Outcome::NotMet),
            ("not_applicable", Outcome::NotApplicable),
            ("incomplete", Outcome::Incomplete),
        ],
    )
}

fn cmp(v: &Value) -> Read<Cmp> {
    named(
        v,
        "a comparison",
        &[
            ("Eq", Cmp::Eq),
            ("Ne", Cmp::Ne),
            ("Lt", Cmp::Lt),
            ("Le", Cmp::Le),
            ("Gt", Cmp::Gt),
            ("Ge", Cmp::Ge),
        ],
    )
}

fn ty(v: &Value, depth: usize) -> Read<Ty> {
    if depth > MAX_DEPTH {
        return bad("a type");
    }
    let (name, x) = variant(v, "a type")?;
    Ok(match (name, x) {
        ("Bool", None) => Ty::Bool,
        ("Int", None) => Ty::Int,
        ("Number", None) => Ty::Number,
        ("Percent", None) => Ty::Percent,
        ("Date", None) => Ty::Date,
        ("Duration", None) => Ty::Duration,
        ("Text", None) => Ty::Text,
        ("Error", None) => Ty::Error,
        ("Enum", Some(x)) => Ty::Enum(index(x, "a type")?),
        ("Record", Some(x)) => Ty::Record(index(x, "a type")?),
        ("List", Some(x)) => Ty::List(index(x, "a type")?),
        ("Values", Some(x)) => Ty::Values(Box::new(ty(x, depth + 1)?)),
        ("EnumName", Some(x)) => {
            let (name, at) = two(x, "a type")?;
            Ty::EnumName(text(name, "a type")?, span(at)?)
        }
        _ => return bad("a type"),
    })
}

fn constant(v: &Value) -> Read<Const> {
    let (name, x) = variant(v, "a constant")?;
    let x = x.map_or_else(|| bad("a constant"), Ok)?;
    Ok(match name {
        "Bool" => Const::Bool(flag(x, "a constant")?),
        "Num" => Const::Num(num(x)?),
        "Date" => Const::Date(date(x)?),
        "Duration" => Const::Duration(duration(x)?),
        "Text" => Const::Text(text(x, "a constant")?.into()),
        "Enum" => Const::Enum(
            x.as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map_or_else(|| bad("a constant"), Ok)?,
        ),
        _ => return bad("a constant"),
    })
}

fn op(v: &Value) -> Read<Op> {
    let (name, x) = variant(v, "an operation")?;
    let x = || x.map_or_else(|| bad("an operation"), Ok);
    let pair = || two(x()?, "an operation");
    let b = || flag(x()?, "an operation");
    let n = || index(x()?, "an operation");
    Ok(match name {
        "AssessmentDate" => Op::AssessmentDate,
        "Not" => Op::Not,
        "Neg" => Op::Neg,
        "And" => Op::And,
        "Or" => Op::Or,
        "Implies" => Op::Implies,
        "DateDiff" => Op::DateDiff,
        "Within" => Op::Within,
        "If" => Op::If,
        "Present" => Op::Present,
        "Error" => Op::Error,
        "Const" => Op::Const(constant(x()?)?),
        "Input" => Op::Input(n()?),
        "Var" => Op::Var(n()?),
        "Let" => Op::Let(n()?),
        "Field" => Op::Field(n()?),
        "Values" => Op::Values(n()?),
        "Arith" => Op::Arith(named(
            x()?,
            "an operation",
            &[
                ("Add", Arith::Add),
                ("Sub", Arith::Sub),
                ("Mul", Arith::Mul),
                ("Div", Arith::Div),
            ],
        )?),
        "DateShift" => Op::DateShift(b()?),
        "Compare" => Op::Compare(cmp(x()?)?),
        "In" => {
            let (neg, n) = pair()?;
            Op::In(flag(neg, "an operation")?, index(n, "an operation")?)
        }
        "Quantifier" => Op::Quantifier(named(
            x()?,
            "an operation",
            &[("All", Quant::All), ("Any", Quant::Any)],
        )?),
        "Aggregate" => {
            let (f, filter) = pair()?;
            let f = named(
                f,
                "an operation",
                &[
                    ("Sum", AggFn::Sum),
                    ("Mean", AggFn::Mean),
                    ("Min", AggFn::Min),
                    ("Max", AggFn::Max),
                ],
            )?;
            Op::Aggregate(f, flag(filter, "an operation")?)
        }
        "Count" => Op::Count(b()?),
        "Call" => {
            use crate::builtins::Builtin as F;
            let (f, n) = pair()?;
            let f = named(
                f,
                "a function",
                &[
                    ("Ceil", F::Ceil),
                    ("Floor", F::Floor),
                    ("Round", F::Round),
                    ("Abs", F::Abs),
                    ("Len", F::Len),
                    ("DaysBetween", F::DaysBetween),
                    ("Min", F::Min),
                    ("Max", F::Max),
                ],
            )?;
            Op::Call(f, index(n, "an operation")?)
        }
        _ => return bad("an operation"),
    })
}

fn node(v: &Value) -> Read<Node> {
    let flat = each(v, "an expression", |f| match list(f, "an expression")? {
        [o, s, t] => Ok(Flat(op(o)?, span(s)?, ty(t, 0)?)),
        _ => bad("an expression"),
    })?;
    build(flat).map_err(str::to_string)
}

fn info(v: &Value) -> Read<crate::ir::SpecInfo> {
    let m = object(
        v,
        "the spec's header",
        &["id", "title", "version", "source", "evidence_required"],
    )?;
    Ok(crate::ir::SpecInfo {
        id: text(member(m, "id")?, "the spec's id")?,
        title: text(member(m, "title")?, "the spec's title")?,
        version: opt_text(member(m, "version")?, "the spec's version")?,
        source: opt_text(member(m, "source")?, "the spec's source")?,
        evidence_required: flag(member(m, "evidence_required")?, "evidence_required")?,
    })
}

fn bound(v: &Value) -> Read<Option<crate::ir::Bound>> {
    use crate::ir::Bound;
    if v.is_null() {
        return Ok(None);
    }
    Ok(Some(match variant(v, "a bound")? {
        ("Num", Some(x)) => Bound::Num(num(x)?),
        ("Date", Some(x)) => Bound::Date(date(x)?),
        _ => return bad("a bound"),
    }))
}

fn field_kind(v: &Value) -> Read<FieldKind> {
    let (name, x) = variant(v, "an input's kind")?;
    let x = x.map_or_else(|| bad("an input's kind"), Ok)?;
    Ok(match name {
        "Scalar" => {
            let m = object(x, "an input's kind", &["ty", "min", "max"])?;
            let t = match variant(member(m, "ty")?, "an input's type")? {
                ("Bool", None) => ScalarTy::Bool,
                ("Int", None) => ScalarTy::Int,
                ("Number", None) => ScalarTy::Number,
                ("Percent", None) => ScalarTy::Percent,
                ("Date", None) => ScalarTy::Date,
                ("Text", None) => ScalarTy::Text,
                ("Enum", Some(e)) => ScalarTy::Enum(index(e, "an input's type")?),
                _ => return bad("an input's type"),
            };
            FieldKind::Scalar {
                ty: t,
                min: bound(member(m, "min")?)?,
                max: bound(member(m, "max")?)?,
            }
        }
        "List" => {
            let m = object(x, "a list", &["record", "min_len", "max_len"])?;
            FieldKind::List {
                record: index(member(m, "record")?, "a list's record")?,
                min_len: opt_index(member(m, "min_len")?, "a list's length")?,
                max_len: opt_index(member(m, "max_len")?, "a list's length")?,
            }
        }
        "Group" => FieldKind::Group {
            record: index(
                member(object(x, "a group", &["record"])?, "record")?,
                "a group's record",
            )?,
        },
        _ => return bad("an input's kind"),
    })
}

fn relation(v: &Value) -> Read<crate::ir::Relation> {
    use crate::ir::RelationOp as R;
    let m = object(v, "a relation", &["op", "bound", "text", "bound_pointer"])?;
    Ok(crate::ir::Relation {
        op: named(
            member(m, "op")?,
            "a relation",
            &[("AtMost", R::AtMost), ("AtLeast", R::AtLeast)],
        )?,
        bound: node(member(m, "bound")?)?,
        text: text(member(m, "text")?, "a relation")?,
        bound_pointer: opt_text(member(m, "bound_pointer")?, "a relation")?,
    })
}

fn field(v: &Value) -> Read<crate::ir::FieldDef> {
    use crate::ir::CountPeriod;
    let m = object(
        v,
        "an input",
        &[
            "name",
            "question",
            "help",
            "unit",
            "label",
            "item",
            "respondent",
            "period",
            "relations",
            "section",
            "kind",
            "pointer",
            "span",
        ],
    )?;
    let t = |k: &str| opt_text(member(m, k)?, "an input");
    let period = match member(m, "period")? {
        Value::Null => None,
        p => Some(match variant(p, "a period")? {
            ("Assessment", None) => CountPeriod::Assessment,
            ("Rolling", Some(d)) => CountPeriod::Rolling(duration(d)?),
            _ => return bad("a period"),
        }),
    };
    Ok(crate::ir::FieldDef {
        name: text(member(m, "name")?, "an input's name")?,
        question: text(member(m, "question")?, "an input's question")?,
        help: t("help")?,
        unit: t("unit")?,
        label: t("label")?,
        item: t("item")?,
        respondent: respondent(member(m, "respondent")?)?,
        period,
        relations: each(member(m, "relations")?, "relations", relation)?,
        section: t("section")?.map(Arc::from),
        kind: field_kind(member(m, "kind")?)?,
        pointer: text(member(m, "pointer")?, "an input's pointer")?,
        span: span(member(m, "span")?)?,
    })
}

fn schema(v: &Value) -> Read<crate::ir::Schema> {
    let m = object(v, "the inputs", &["records", "enums"])?;
    Ok(crate::ir::Schema {
        records: each(member(m, "records")?, "records", |r| {
            let m = object(r, "a record", &["fields", "label_slot", "checklist"])?;
            Ok(crate::ir::RecordSchema {
                fields: each(member(m, "fields")?, "fields", field)?,
                label_slot: opt_index(member(m, "label_slot")?, "a label slot")?,
                checklist: flag(member(m, "checklist")?, "checklist")?,
            })
        })?,
        enums: each(member(m, "enums")?, "enums", |e| {
            let m = object(e, "an enum", &["variants", "labels"])?;
            Ok(crate::ir::EnumDef {
                variants: each(member(m, "variants")?, "an enum", |x| {
                    text(x, "an enum value")
                })?,
                labels: each(member(m, "labels")?, "an enum", |x| {
                    opt_text(x, "an enum label")
                })?,
            })
        })?,
    })
}

fn requirement(v: &Value) -> Read<crate::ir::Requirement> {
    use crate::vocab::{Basis, Level};
    let m = object(
        v,
        "a requirement",
        &[
            "id",
            "area",
            "level",
            "title",
            "reference",
            "help",
            "basis",
            "respondent",
            "applies",
            "rule",
            "evidence",
            "span",
            "id_span",
            "title_span",
        ],
    )?;
    let basis = match member(m, "basis")? {
        Value::Null => None,
        b => Some(named(
            b,
            "a basis",
            &[
                ("standard", Basis::Standard),
                ("derived", Basis::Derived),
                ("estimate", Basis::Estimate),
            ],
        )?),
    };
    let applies = match member(m, "applies")? {
        Value::Null => None,
        a => Some(node(a)?),
    };
    Ok(crate::ir::Requirement {
        id: text(member(m, "id")?, "a requirement's id")?,
        area: index(member(m, "area")?, "a requirement's area")?,
        level: named(
            member(m, "level")?,
            "a level",
            &[
                ("must", Level::Must),
                ("should", Level::Should),
                ("may", Level::May),
            ],
        )?,
        title: text(member(m, "title")?, "a requirement's title")?,
        reference: opt_text(member(m, "reference")?, "a reference")?,
        help: opt_text(member(m, "help")?, "a requirement's help")?,
        basis,
        respondent: respondent(member(m, "respondent")?)?,
        applies,
        rule: node(member(m, "rule")?)?,
        evidence: each(member(m, "evidence")?, "evidence", |e| {
            let m = object(e, "evidence", &["key", "description", "required"])?;
            Ok(crate::ir::EvidenceDecl {
                key: text(member(m, "key")?, "evidence")?,
                description: text(member(m, "description")?, "evidence")?,
                required: flag(member(m, "required")?, "evidence")?,
            })
        })?,
        evidence_keys: Vec::new(),
        span: span(member(m, "span")?)?,
        id_span: span(member(m, "id_span")?)?,
        title_span: span(member(m, "title_span")?)?,
    })
}

fn rating_expr_of(v: &Value, depth: usize) -> Read<RatingExpr> {
    use crate::vocab::RatingQuant as Q;
    if depth > MAX_DEPTH {
        return bad("a rating condition");
    }
    let (name, x) = variant(v, "a rating condition")?;
    let x = x.map_or_else(|| bad("a rating condition"), Ok)?;
    let all = |x: &Value| each(x, "a rating condition", |e| rating_expr_of(e, depth + 1));
    Ok(match name {
        "And" => RatingExpr::And(all(x)?),
        "Or" => RatingExpr::Or(all(x)?),
        "Not" => RatingExpr::Not(Box::new(rating_expr_of(x, depth + 1)?)),
        "Quant" => match list(x, "a rating condition")? {
            [q, l, o] => RatingExpr::Quant(
                named(
                    q,
                    "a rating condition",
                    &[("All", Q::All), ("Any", Q::Any), ("No", Q::No)],
                )?,
                level_set(l)?,
                outcome(o)?,
            ),
            _ => return bad("a rating condition"),
        },
        "Count" => match list(x, "a rating condition")? {
            [l, o, c, n] => RatingExpr::Count(
                level_set(l)?,
                outcome(o)?,
                cmp(c)?,
                n.as_u64().map_or_else(|| bad("a rating condition"), Ok)?,
            ),
            _ => return bad("a rating condition"),
        },
        _ => return bad("a rating condition"),
    })
}

fn compiled(v: &Value) -> Read<CompiledSpec> {
    use crate::vocab::Rating;
    let m = object(
        v,
        "the compiled spec",
        &[
            "info",
            "schema",
            "lets",
            "requirements",
            "rating",
            "custom_rating",
            "uses_assessment_date",
        ],
    )?;
    Ok(CompiledSpec {
        info: info(member(m, "info")?)?,
        schema: schema(member(m, "schema")?)?,
        lets: each(member(m, "lets")?, "definitions", |l| {
            let m = object(l, "a definition", &["name", "value"])?;
            Ok(crate::ir::LetDef {
                name: text(member(m, "name")?, "a definition's name")?,
                value: node(member(m, "value")?)?,
            })
        })?,
        requirements: each(member(m, "requirements")?, "requirements", requirement)?,
        rating: each(member(m, "rating")?, "rating rules", |r| {
            let m = object(r, "a rating rule", &["rating", "cond"])?;
            Ok(crate::ir::RatingRule {
                rating: named(
                    member(m, "rating")?,
                    "a rating",
                    &[
                        ("green", Rating::Green),
                        ("amber", Rating::Amber),
                        ("red", Rating::Red),
                        ("incomplete", Rating::Incomplete),
                    ],
                )?,
                cond: match member(m, "cond")? {
                    Value::Null => None,
                    c => Some(rating_expr_of(c, 0)?),
                },
            })
        })?,
        custom_rating: flag(member(m, "custom_rating")?, "custom_rating")?,
        tests: Vec::new(),
        tests_read: false,
        uses_assessment_date: flag(member(m, "uses_assessment_date")?, "uses_assessment_date")?,
        requirement_index: std::collections::HashMap::new(),
    })
}

const LIMIT_NAMES: [&str; 15] = [
    "max_source_bytes",
    "max_expression_terms",
    "max_depth",
    "max_prefix_run",
    "max_implies",
    "max_nesting_keywords",
    "max_let_depth",
    "max_binders",
    "max_inputs",
    "max_requirements",
    "max_definitions",
    "max_submission_bytes",
    "max_json_depth",
    "max_list_len",
    "max_eval_steps",
];

fn limits(v: &Value) -> Read<Limits> {
    let m = object(v, "the limits", &LIMIT_NAMES)?;
    let n = |k: &str| index(member(m, k)?, k);
    Ok(Limits {
        max_source_bytes: n("max_source_bytes")?,
        max_expression_terms: n("max_expression_terms")?,
        max_depth: n("max_depth")?,
        max_prefix_run: n("max_prefix_run")?,
        max_implies: n("max_implies")?,
        max_nesting_keywords: n("max_nesting_keywords")?,
        max_let_depth: n("max_let_depth")?,
        max_binders: n("max_binders")?,
        max_inputs: n("max_inputs")?,
        max_requirements: n("max_requirements")?,
        max_definitions: n("max_definitions")?,
        max_submission_bytes: n("max_submission_bytes")?,
        max_json_depth: n("max_json_depth")?,
        max_list_len: n("max_list_len")?,
        max_eval_steps: member(m, "max_eval_steps")?
            .as_u64()
            .map_or_else(|| bad("max_eval_steps"), Ok)?,
    })
}
