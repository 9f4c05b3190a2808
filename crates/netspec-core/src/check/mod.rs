//! Checking: spec files → [`crate::ir::CompiledSpec`] and diagnostics.
//!
//! [`compile_sources`] loads the root file and every file it `use`s from
//! the caller's [`Sources`] ([`compile_reading`]: through the caller's
//! reader, each file asked for when the walk first reaches it; the engine
//! itself never touches the file system), parses each once, resolves
//! names, checks types and lowers the syntax trees to [`crate::ir`]. It
//! reports every independent error it finds in one run: unknown names (with
//! "did you mean"), type mismatches, duplicate ids, invalid literals and so
//! on.

mod expr;
mod given;
mod inputs;
mod lints;
mod relations;
mod respondents;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use crate::calendar::Date;
use crate::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::files::FileRead;
use crate::ir::{self, CompiledSpec, Expectation, RatingExpr, RatingRule, Schema, SpecInfo, AREAS};
use crate::limits::{Limits, MAX_DIAGNOSTICS};
use crate::source::{resolve_relative, FileId, SourceMap, Sources, Span};
use crate::syntax::ast::{self, Clause, Item, TestClause};
use crate::vocab::{Basis, Level, Rating, Respondent};

/// Result of a compilation: the compiled spec if there were no errors, the
/// files read, and every diagnostic (warnings too).
pub struct Compiled {
    /// Present when there were no errors.
    pub checked: Option<CompiledSpec>,
    /// The files loaded.
    pub map: SourceMap,
    /// Errors and warnings, located.
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads, parses and checks `root` and everything it uses, within the
/// default [`Limits`].
pub fn compile_sources(root: &str, sources: &Sources) -> Compiled {
    compile_sources_with(root, sources, &Limits::default())
}

/// Loads, parses and checks `root` and everything it uses, within `limits`.
pub fn compile_sources_with(root: &str, sources: &Sources, limits: &Limits) -> Compiled {
    compile_sources_for(root, sources, limits, true)
}

/// [`compile_sources_with`]; with `tests` false, the `test` blocks are
/// stepped over unread ([`crate::syntax::parse_file_without_tests`]): the
/// spec has no tests, and nothing in them is checked.
pub fn compile_sources_for(
    root: &str,
    sources: &Sources,
    limits: &Limits,
    tests: bool,
) -> Compiled {
    let loaded = load_files(root, Cow::Borrowed(sources), None, limits, tests);
    check_loaded(loaded, limits, tests).1
}

/// Reads and compiles `root` in one walk: every file is asked of `read`
/// (given a normalised name and the bytes of text left under
/// [`Limits::max_source_bytes`]) when the walk first reaches it, and parsed
/// once. Returns the files read, for a caller that keeps them, and the
/// compilation.
pub fn compile_reading(
    root: &str,
    read: &mut dyn FnMut(&str, usize) -> FileRead,
    limits: &Limits,
    tests: bool,
) -> (Sources, Compiled) {
    let loaded = load_files(root, Cow::Owned(Sources::new()), Some(read), limits, tests);
    check_loaded(loaded, limits, tests)
}

/// Collects `root` and every file it needs through `read`, following its
/// `use`s (and, with `tests`, the submissions its tests name) exactly as
/// compiling does: the same walk, without the checking.
pub fn gather_reading(
    root: &str,
    read: &mut dyn FnMut(&str, usize) -> FileRead,
    limits: &Limits,
    tests: bool,
) -> Sources {
    load_files(root, Cow::Owned(Sources::new()), Some(read), limits, tests)
        .sources
        .into_owned()
}

/// A reader of spec files: a normalised name and the bytes of text left
/// under [`Limits::max_source_bytes`] in, the file (or why not) out.
pub type ReadFile<'r> = dyn FnMut(&str, usize) -> FileRead + 'r;

/// The files a walk loaded, parsed, and what it found wrong.
struct Loaded<'s> {
    sources: Cow<'s, Sources>,
    map: SourceMap,
    files: Vec<(FileId, ast::File)>,
    diags: Vec<Diagnostic>,
}

/// Walks `root` and the files it uses, reading each through `read` (when
/// given) the first time it is reached.
fn load_files<'s>(
    root: &str,
    sources: Cow<'s, Sources>,
    read: Option<&mut ReadFile<'_>>,
    limits: &Limits,
    tests: bool,
) -> Loaded<'s> {
    let mut loader = Loader {
        sources,
        read,
        asked: std::collections::BTreeSet::new(),
        read_left: limits.max_source_bytes,
        map: SourceMap::default(),
        files: Vec::new(),
        diags: Vec::new(),
        stack: Vec::new(),
        limits: *limits,
        bytes: 0,
        tests,
    };
    let root_name = crate::source::normalize_path(root);
    loader.load_all(&root_name);
    Loaded {
        sources: loader.sources,
        map: loader.map,
        files: loader.files,
        diags: loader.diags,
    }
}

/// Checks what a walk loaded (unless it found errors already).
fn check_loaded(loaded: Loaded<'_>, limits: &Limits, tests: bool) -> (Sources, Compiled) {
    let Loaded {
        sources,
        map,
        files,
        mut diags,
    } = loaded;
    let checked = if diags.iter().any(Diagnostic::is_error) {
        None
    } else {
        let mut cx = Checker::new(&map, &sources, limits);
        cx.tests_read = tests;
        let checked = cx.run(&files);
        if diags.is_empty() {
            diags = cx.diags;
        } else {
            diags.append(&mut cx.diags);
        }
        if diags.iter().any(Diagnostic::is_error) {
            None
        } else {
            Some(checked)
        }
    };
    for d in &mut diags {
        d.locate(&map);
    }
    let compiled = Compiled {
        checked,
        map,
        diagnostics: diags,
    };
    (sources.into_owned(), compiled)
}

struct Loader<'s, 'r, 'd> {
    /// The files given, and those read so far.
    sources: Cow<'s, Sources>,
    /// Where files not given are read from (none: only `sources`).
    read: Option<&'r mut ReadFile<'d>>,
    /// Names already asked of `read`.
    asked: std::collections::BTreeSet<String>,
    /// Bytes `read` may still hand over (every file read counts).
    read_left: usize,
    map: SourceMap,
    /// Files in `use`-expanded order: (file, its syntax tree, is root).
    files: Vec<(FileId, ast::File)>,
    diags: Vec<Diagnostic>,
    stack: Vec<String>,
    limits: Limits,
    /// Bytes of spec text loaded so far.
    bytes: usize,
    /// Whether `test` blocks are read.
    tests: bool,
}

impl Loader<'_, '_, '_> {
    /// Loads `root` and, depth first, every file it uses. The walk keeps its
    /// own stack: a chain of thousands of `use`s must not exhaust the native one.
    fn load_all(&mut self, root: &str) {
        let mut pending: Vec<std::vec::IntoIter<(String, Span)>> = Vec::new();
        if let Some(uses) = self.load(root, None) {
            pending.push(uses.into_iter());
        }
        while let Some(top) = pending.last_mut() {
            match top.next() {
                Some((name, span)) => {
                    if let Some(uses) = self.load(&name, Some(span)) {
                        pending.push(uses.into_iter());
                    }
                }
                None => {
                    pending.pop();
                    self.stack.pop();
                }
            }
        }
    }

    /// Asks the reader for `name` once. A walk with a reader starts from no
    /// files, so what it holds is what the reader gave: asking once is the
    /// whole test.
    fn fetch(&mut self, name: &str) {
        let Some(read) = self.read.as_mut() else {
            return;
        };
        if !self.asked.insert(name.to_string()) {
            return;
        }
        match read(name, self.read_left) {
            FileRead::Text(text) => {
                self.read_left = self.read_left.saturating_sub(text.len());
                self.sources.to_mut().insert(name, text);
            }
            FileRead::NotFound => {}
            FileRead::Problem(p) => self.sources.to_mut().set_problem(name, p),
        }
    }

    /// Loads one file. When it is new and parses, it goes on the `use` stack
    /// and its `use`s are returned, to be loaded before it comes off again.
    fn load(&mut self, name: &str, used_at: Option<Span>) -> Option<Vec<(String, Span)>> {
        if self.stack.iter().any(|n| n == name) {
            let chain = format!("{} -> {name}", self.stack.join(" -> "));
            let mut d = Diagnostic::error(
                Code::UseCycle,
                format!("`{name}` uses itself through {chain}"),
            );
            if let Some(s) = used_at {
                d = d.at(s);
            }
            self.diags.push(d);
            return None;
        }
        if self.map.find(name).is_some() {
            return None; // already loaded: a file is included once
        }
        self.fetch(name);
        if self.sources.get(name).is_none() {
            if let Some(problem) = self.sources.problem(name) {
                let mut d = file_problem(name, problem, &self.limits);
                if let Some(s) = used_at {
                    d = d.at(s);
                } else {
                    // the root file: point at its start
                    let id = self.map.add(name.to_string(), std::sync::Arc::from(""));
                    d = d.at(Span::new(id, 0, 0));
                }
                self.diags.push(d);
                return None;
            }
        }
        let Some(text) = self.sources.get(name).cloned() else {
            let mut d = Diagnostic::error(Code::UseNotFound, format!("file `{name}` not found"));
            if let Some(s) = used_at {
                // suggest files the spec could use, not those already on the way here
                let avail: Vec<&str> = self
                    .sources
                    .names()
                    .filter(|n| !self.stack.iter().any(|x| x == n))
                    .collect();
                d = d.at(s).with_help_opt(did_you_mean(name, avail));
            }
            self.diags.push(d);
            return None;
        };
        self.bytes = self.bytes.saturating_add(text.len());
        if self.bytes > self.limits.max_source_bytes {
            let mut d = Diagnostic::error(
                Code::SourceTooLarge,
                format!(
                    "with `{name}` the spec text is {} bytes, more than the limit of {} bytes",
                    self.bytes, self.limits.max_source_bytes
                ),
            )
            .with_help("split the spec, or raise `max_source_bytes` in `netspec::Limits`");
            if let Some(s) = used_at {
                d = d.at(s);
            } else {
                // the root file alone: point at its start
                let id = self.map.add(name.to_string(), text.clone());
                d = d.at(Span::new(id, 0, 0));
            }
            self.diags.push(d);
            return None;
        }
        let id = self.map.add(name.to_string(), text.clone());
        let parsed = crate::syntax::parse_for_check(&text, id, &self.limits, self.tests);
        match parsed {
            Ok(file) => {
                self.stack.push(name.to_string());
                let uses: Vec<(String, Span)> = file
                    .items
                    .iter()
                    .filter_map(|i| match i {
                        Item::Use(s) => Some((resolve_relative(name, &s.value), s.span)),
                        _ => None,
                    })
                    .collect();
                if self.tests {
                    // the submissions the tests name, read as the walk goes
                    let given: Vec<String> = file
                        .items
                        .iter()
                        .filter_map(|i| match i {
                            Item::Test(t) => Some(t),
                            _ => None,
                        })
                        .flat_map(|t| &t.clauses)
                        .filter_map(|c| match c {
                            TestClause::GivenFile(f) => Some(resolve_relative(name, &f.value)),
                            _ => None,
                        })
                        .collect();
                    for g in given {
                        self.fetch(&g);
                    }
                }
                // used files come after the file that uses them; requirement order
                // within an area follows this order
                self.files.push((id, file));
                Some(uses)
            }
            Err(errs) => {
                self.diags.extend(errs);
                None
            }
        }
    }
}

/// The diagnostic for a file a reader did not hand over.
fn file_problem(name: &str, problem: &crate::source::FileProblem, limits: &Limits) -> Diagnostic {
    use crate::source::FileProblem;
    match problem {
        FileProblem::Refused => Diagnostic::error(
            Code::FileRefused,
            format!(
                "`{}` may not be read: a spec reads only regular files inside its own folder",
                crate::diagnostic::escape_controls(name)
            ),
        )
        .with_help("move the file into the spec's folder, or name a larger folder with `--root`"),
        FileProblem::TooLarge(left) => Diagnostic::error(
            Code::SourceTooLarge,
            format!(
                "`{}` is larger than the {left} bytes of spec text left under the limit of {} bytes",
                crate::diagnostic::escape_controls(name),
                limits.max_source_bytes
            ),
        )
        .with_help("split the spec, or raise `max_source_bytes` in `netspec::Limits`"),
        FileProblem::NotUtf8(p) => {
            let mut d = crate::diagnostic::not_utf8(*p);
            d.message = format!("`{}`: {}", crate::diagnostic::escape_controls(name), d.message);
            d
        }
    }
}

/// Name resolution and type checking state.
pub(crate) struct Checker<'a> {
    pub(crate) map: &'a SourceMap,
    sources: &'a Sources,
    pub(crate) schema: Schema,
    pub(crate) diags: Vec<Diagnostic>,
    /// Sections of declared inputs for the root, by name -> slot.
    pub(crate) lets: Vec<LetSlot<'a>>,
    pub(crate) let_index: HashMap<String, usize>,
    /// Bound variables, innermost last: (name, type).
    pub(crate) scope: Vec<(&'a str, ir::Ty)>,
    pub(crate) uses_assessment_date: bool,
    /// How many definitions are being checked inside one another.
    let_depth: usize,
    /// How many expressions are being checked inside one another, through
    /// definitions ([`Checker::check_let`] bounds it).
    nesting: usize,
    pub(crate) limits: &'a Limits,
    /// Inputs declared so far (for [`Limits::max_inputs`]).
    pub(crate) inputs_declared: usize,
    /// Definitions seen so far (for [`Limits::max_definitions`]).
    lets_seen: usize,
    /// Whether the files were parsed with their `test` blocks.
    tests_read: bool,
    /// `min`/`max` bounds by other answers, resolved once every input and
    /// definition is known.
    pub(crate) pending_relations: Vec<PendingRelation<'a>>,
    /// The enum of checklist answers, once a checklist is declared.
    pub(crate) checklist_enum: Option<ir::EnumId>,
    /// `evidence "required"` in the spec header.
    evidence_required: bool,
    /// How the one-pass reader reads the schema's submissions, made when a
    /// test's submission is first read.
    reading_plan: Option<crate::fastread::Plan>,
}

/// A `min`/`max` naming another answer, waiting to be resolved.
pub(crate) struct PendingRelation<'a> {
    /// Record of the bounded field.
    pub(crate) record: ir::RecordId,
    /// Its slot.
    pub(crate) slot: usize,
    /// The constraint as written.
    pub(crate) constraint: &'a ast::Constraint,
}

pub(crate) enum LetSlot<'a> {
    Pending(&'a ast::LetDecl),
    InProgress(&'a ast::LetDecl),
    Done(ir::Node, String),
}

impl<'a> Checker<'a> {
    fn new(map: &'a SourceMap, sources: &'a Sources, limits: &'a Limits) -> Self {
        Checker {
            map,
            sources,
            schema: Schema::default(),
            diags: Vec::new(),
            lets: Vec::new(),
            let_index: HashMap::new(),
            scope: Vec::new(),
            uses_assessment_date: false,
            let_depth: 0,
            nesting: 0,
            limits,
            inputs_declared: 0,
            lets_seen: 0,
            tests_read: true,
            pending_relations: Vec::new(),
            checklist_enum: None,
            evidence_required: false,
            reading_plan: None,
        }
    }

    /// Records an error; past [`MAX_DIAGNOSTICS`] errors, one NS0310 says
    /// that checking stopped and the rest are dropped.
    pub(crate) fn error(&mut self, d: Diagnostic) {
        let errors = self.diags.iter().filter(|d| d.is_error()).count();
        if errors < MAX_DIAGNOSTICS {
            self.diags.push(d);
        } else if errors == MAX_DIAGNOSTICS {
            let mut stop = Diagnostic::error(
                Code::TooManyDiagnostics,
                format!("more than {MAX_DIAGNOSTICS} errors; the rest are not shown"),
            )
            .with_help("fix these and check again");
            stop.span = d.span;
            self.diags.push(stop);
        }
    }

    /// Whether the error limit has been reached (callers skip the work of
    /// building a diagnostic nobody will see, such as a "did you mean").
    pub(crate) fn too_many_errors(&self) -> bool {
        self.diags.iter().filter(|d| d.is_error()).count() >= MAX_DIAGNOSTICS
    }

    fn run(&mut self, files: &'a [(FileId, ast::File)]) -> CompiledSpec {
        let info = self.header(files);
        // inputs first: every rule may read any input
        let blocks: Vec<&ast::InputsBlock> = files
            .iter()
            .flat_map(|(_, f)| f.items.iter())
            .filter_map(|i| match i {
                Item::Inputs(b) => Some(b),
                _ => None,
            })
            .collect();
        self.build_schema(&blocks);

        // definitions: registered now, checked on first use (any order)
        for (_, f) in files {
            for item in &f.items {
                if let Item::Let(l) = item {
                    self.register_let(l);
                }
            }
        }
        self.resolve_relations();

        let declared = files
            .iter()
            .flat_map(|(_, f)| f.items.iter())
            .map(|i| match i {
                Item::Area(a) => a.requirements.len(),
                _ => 0,
            })
            .sum();
        let mut requirements = Vec::with_capacity(declared);
        let mut seen_ids: BTreeMap<&'a str, Span> = BTreeMap::new();
        for (_, f) in files {
            for item in &f.items {
                if let Item::Area(a) = item {
                    self.area(a, &mut requirements, &mut seen_ids);
                }
            }
        }
        // stable sort: canonical area order, then declaration order (areas
        // are most often written in that order already)
        if !requirements.is_sorted_by_key(|r| r.area) {
            requirements.sort_by_key(|r: &ir::Requirement| r.area);
        }

        for i in 0..self.lets.len() {
            // at the top, never too deep: where it is used does not matter
            self.check_let(i, Span::default());
        }
        self.check_respondents(&requirements);
        // every definition is checked: the slots are not looked at again
        let lets = std::mem::take(&mut self.lets)
            .into_iter()
            .map(|l| match l {
                LetSlot::Done(value, name) => ir::LetDef { name, value },
                LetSlot::Pending(d) | LetSlot::InProgress(d) => ir::LetDef {
                    name: d.name.name.to_string(),
                    value: ir::Node {
                        kind: ir::NodeKind::Error,
                        span: d.span,
                        ty: ir::Ty::Error,
                    },
                },
            })
            .collect();

        for (_, f) in files {
            for item in &f.items {
                if let Item::Area(a) = item {
                    if a.requirements.is_empty() {
                        self.diags.push(
                            Diagnostic::warning(
                                Code::EmptyArea,
                                format!("area `{}` has no requirements", a.name.name),
                            )
                            .at(a.name.span)
                            .with_help("add requirements or remove the empty block"),
                        );
                    }
                }
            }
        }
        let (rating, custom_rating) = self.rating(files);
        let ids: Vec<&str> = requirements.iter().map(|r| r.id.as_str()).collect();
        let mut tests = Vec::new();
        for (fid, f) in files {
            for item in &f.items {
                if let Item::Test(t) = item {
                    if let Some(tc) = self.test(*fid, t, &ids, &seen_ids) {
                        tests.push(tc);
                    }
                }
            }
        }
        let mut checked = CompiledSpec {
            info,
            schema: std::mem::take(&mut self.schema),
            lets,
            requirements,
            rating,
            custom_rating,
            tests,
            tests_read: self.tests_read,
            uses_assessment_date: self.uses_assessment_date,
            requirement_index: HashMap::new(),
        };
        checked.requirement_index = checked
            .requirements
            .iter()
            .enumerate()
            .map(|(k, r)| (r.id.clone(), k))
            .collect();
        // depth is only meaningful once definitions are known to be acyclic
        if !self.diags.iter().any(Diagnostic::is_error) {
            self.check_depth(&checked);
        }
        if !self.diags.iter().any(Diagnostic::is_error) {
            lints::lint(&checked, &mut self.diags);
        }
        checked.schema.records.shrink_to_fit();
        checked
    }

    fn header(&mut self, files: &[(FileId, ast::File)]) -> SpecInfo {
        let mut info = SpecInfo::default();
        let mut found = false;
        for (i, (_, f)) in files.iter().enumerate() {
            for item in &f.items {
                let Item::Spec(h) = item else { continue };
                if i != 0 {
                    self.error(
                        Diagnostic::error(
                            Code::SpecHeader,
                            "a used file cannot have a `spec` header",
                        )
                        .at(h.span)
                        .with_help("shared files hold inputs, definitions, areas and tests only"),
                    );
                    continue;
                }
                if found {
                    self.error(
                        Diagnostic::error(Code::SpecHeader, "a second `spec` header").at(h.span),
                    );
                    continue;
                }
                found = true;
                info.id = h.id.name.to_string();
                info.title = h.title.value.clone();
                for (k, v) in &h.attrs {
                    match k.name.as_str() {
                        "version" => info.version = Some(v.value.clone()),
                        "source" => info.source = Some(v.value.clone()),
                        "evidence" if v.value == "required" => {
                            info.evidence_required = true;
                            self.evidence_required = true;
                        }
                        "evidence" => self.error(
                            Diagnostic::error(
                                Code::SpecHeader,
                                format!("unknown evidence policy \"{}\"", v.value),
                            )
                            .at(v.span)
                            .with_help("write `evidence \"required\"` to make every declared evidence item required, or leave it out"),
                        ),
                        other => self.error(
                            Diagnostic::error(
                                Code::SpecHeader,
                                format!("unknown spec attribute `{other}`"),
                            )
                            .at(k.span)
                            .with_help_opt(did_you_mean(other, ["version", "source", "evidence"]))
                            .with_note("the header takes `version \"…\"`, `source \"…\"` and `evidence \"required\"`"),
                        ),
                    }
                }
            }
        }
        if !found {
            if let Some((fid, _)) = files.first() {
                self.error(
                    Diagnostic::error(Code::SpecHeader, "missing `spec` header")
                        .at(Span::new(*fid, 0, 0))
                        .with_help(
                            "start the file with `spec my_spec \"Title\" { version \"1\" }`",
                        ),
                );
            }
        }
        info
    }

    fn register_let(&mut self, l: &'a ast::LetDecl) {
        let name = &l.name.name;
        self.lets_seen += 1;
        if self.lets_seen > self.limits.max_definitions {
            if self.lets_seen == self.limits.max_definitions + 1 {
                self.error(
                    Diagnostic::error(
                        Code::TooManyDefinitions,
                        format!(
                            "more than {} definitions; the rest are not checked",
                            self.limits.max_definitions
                        ),
                    )
                    .at(l.name.span)
                    .with_help(
                        "raise `max_definitions` in `netspec::Limits` if the spec needs them",
                    ),
                );
            }
            return;
        }
        if self.let_index.contains_key(name.as_str()) {
            self.error(
                Diagnostic::error(
                    Code::DuplicateDefinition,
                    format!("`{name}` is defined twice"),
                )
                .at(l.name.span),
            );
            return;
        }
        if self.root_field(name).is_some() {
            self.error(
                Diagnostic::error(
                    Code::DuplicateDefinition,
                    format!("`{name}` is already an input"),
                )
                .at(l.name.span)
                .with_help("give the definition another name"),
            );
            return;
        }
        self.let_index.insert(name.to_string(), self.lets.len());
        self.lets.push(LetSlot::Pending(l));
    }

    /// Checks a `let` (once) and returns its type; `used_at` is where it is
    /// used.
    pub(crate) fn check_let(&mut self, i: usize, used_at: Span) -> ir::Ty {
        let decl = match self.lets.get(i) {
            Some(LetSlot::Done(n, _)) => return n.ty.clone(),
            Some(LetSlot::InProgress(d)) => {
                let d = *d;
                self.error(
                    Diagnostic::error(
                        Code::DuplicateDefinition,
                        format!("`{}` depends on itself", d.name.name),
                    )
                    .at(d.name.span),
                );
                return ir::Ty::Error;
            }
            Some(LetSlot::Pending(d)) => *d,
            None => return ir::Ty::Error,
        };
        // a definition used this deep makes its rule nest deeper than
        // `max_depth` (each expression checked inside another is a level of
        // the rule's compiled form at least): refused here, where checking
        // its value would take the stack a level per expression through
        // every definition of the chain
        let max_depth = self.limits.max_depth;
        if self.nesting >= max_depth {
            self.error(
                Diagnostic::error(
                    Code::TooDeep,
                    format!(
                        "the rule nests more than {max_depth} levels deep through its definitions by here"
                    ),
                )
                .at(used_at)
                .with_label(format!("`{}` used {} levels in", decl.name.name, self.nesting))
                .with_help("flatten the definitions this rule uses"),
            );
            return ir::Ty::Error;
        }
        let max_let_depth = self.limits.max_let_depth;
        if self.let_depth >= max_let_depth {
            self.error(
                Diagnostic::error(
                    Code::TooDeep,
                    format!("definitions depend on one another more than {max_let_depth} deep"),
                )
                .at(decl.name.span)
                .with_help("shorten the chain of definitions that use definitions"),
            );
            return ir::Ty::Error;
        }
        if let Some(slot) = self.lets.get_mut(i) {
            *slot = LetSlot::InProgress(decl);
        }
        let saved = std::mem::take(&mut self.scope);
        self.let_depth += 1;
        let node = self.expr(&decl.value);
        self.let_depth -= 1;
        let node = self.value(node);
        self.scope = saved;
        let ty = node.ty.clone();
        if let Some(slot) = self.lets.get_mut(i) {
            *slot = LetSlot::Done(node, decl.name.name.to_string());
        }
        ty
    }

    fn area(
        &mut self,
        a: &'a ast::AreaBlock,
        out: &mut Vec<ir::Requirement>,
        seen: &mut BTreeMap<&'a str, Span>,
    ) {
        let Some(area) = AREAS.iter().position(|(k, _)| *k == a.name.name) else {
            self.error(
                Diagnostic::error(Code::UnknownArea, format!("unknown area `{}`", a.name.name))
                    .at(a.name.span)
                    .with_help_opt(did_you_mean(&a.name.name, AREAS.iter().map(|(k, _)| *k)))
                    .with_note("the areas are service_delivery, resources, workforce, quality, collaboration, transformation, population_health"),
            );
            return;
        };
        for r in &a.requirements {
            if seen.len() >= self.limits.max_requirements {
                if seen.len() == self.limits.max_requirements {
                    self.error(
                        Diagnostic::error(
                            Code::TooManyRequirements,
                            format!(
                                "more than {} requirements; the rest are not checked",
                                self.limits.max_requirements
                            ),
                        )
                        .at(r.id.span)
                        .with_help(
                            "raise `max_requirements` in `netspec::Limits` if the spec needs them",
                        ),
                    );
                    // counts past the limit, so this is said once
                    seen.insert("", r.id.span);
                }
                return;
            }
            if let Some(prev) = seen.get(r.id.name.as_str()) {
                let prev_loc = self
                    .map
                    .locate(*prev)
                    .map(|l| format!("{}:{}:{}", l.file, l.line, l.column));
                self.error(
                    Diagnostic::error(
                        Code::DuplicateRequirement,
                        format!("requirement `{}` is defined twice", r.id.name),
                    )
                    .at(r.id.span)
                    .with_note(format!("first defined at {}", prev_loc.unwrap_or_default())),
                );
                continue;
            }
            seen.insert(&r.id.name, r.id.span);
            if let Some(req) = self.requirement(r, area) {
                out.push(req);
            }
        }
    }

    fn requirement(&mut self, r: &'a ast::Requirement, area: usize) -> Option<ir::Requirement> {
        let mut rule = None;
        let mut applies = None;
        let mut evidence = Vec::new();
        let mut reference = None;
        let mut help = None;
        let mut basis: Option<(Basis, Span)> = None;
        let mut respondent = Respondent::Provider;
        let mut rules = 0;
        for c in &r.clauses {
            match c {
                Clause::Rule(e) => {
                    rules += 1;
                    if rules == 2 {
                        // `basis foo` reads as two rules `basis` and `foo`: say what the clause takes
                        let clause_word = r.clauses.iter().find_map(|c| match c {
                            Clause::Rule(ast::Expr {
                                kind: ast::ExprKind::Name(n),
                                ..
                            }) => match n.name.as_str() {
                                "basis" => {
                                    Some("`basis` takes `standard`, `derived` or `estimate`")
                                }
                                "respondent" => Some("`respondent` takes `provider` or `network`"),
                                _ => None,
                            },
                            _ => None,
                        });
                        self.error(
                            Diagnostic::error(
                                Code::RuleCount,
                                format!("requirement `{}` has more than one rule", r.id.name),
                            )
                            .at(e.span)
                            .with_help(clause_word.unwrap_or("join the conditions with `and`")),
                        );
                    }
                    let n = self.expr(e);
                    rule = Some(self.condition(n, "a requirement's rule"));
                }
                Clause::Applies(e) => {
                    let n = self.expr(e);
                    applies = Some(self.condition(n, "`applies when`"));
                }
                Clause::Basis(b) => {
                    let kind = match b.name.as_str() {
                        "standard" => Basis::Standard,
                        "derived" => Basis::Derived,
                        _ => Basis::Estimate,
                    };
                    basis = Some((kind, b.span));
                }
                Clause::Respondent(w) => respondent = inputs::respondent_of(&w.name),
                Clause::Evidence(k, d, required) => {
                    if evidence.iter().any(|e: &ir::EvidenceDecl| e.key == k.name) {
                        self.error(
                            Diagnostic::error(
                                Code::DuplicateDefinition,
                                format!("evidence `{}` declared twice", k.name),
                            )
                            .at(k.span),
                        );
                    }
                    evidence.push(ir::EvidenceDecl {
                        key: k.name.to_string(),
                        description: d.value.clone(),
                        required: self.evidence_required || required.is_some(),
                    });
                }
                Clause::Ref(s) => reference = Some(s.value.clone()),
                Clause::Help(s) => help = Some(s.value.clone()),
            }
        }
        let Some(rule) = rule else {
            self.error(
                Diagnostic::error(
                    Code::RuleCount,
                    format!("requirement `{}` has no rule", r.id.name),
                )
                .at(r.id.span)
                .with_help("add a condition such as `count_a / count_b >= 90%`"),
            );
            return None;
        };
        if let (Level::Must, Some((Basis::Estimate, span))) = (r.level, basis) {
            self.diags.push(
                Diagnostic::warning(
                    Code::MustOnEstimate,
                    format!(
                        "`{}` is a `must` on an estimated threshold: failing it alone rates the area red",
                        r.id.name
                    ),
                )
                .at(span)
                .with_label("no published figure behind this threshold")
                .with_help("make it a `should`, or give the standard it comes from (`basis standard`) or the calculation from one (`basis derived`)"),
            );
        }
        Some(ir::Requirement {
            id: r.id.name.to_string(),
            area,
            level: r.level,
            title: r.title.value.clone(),
            reference,
            help,
            basis: basis.map(|(b, _)| b),
            respondent,
            applies,
            rule,
            evidence_keys: evidence.iter().map(|e| e.key.clone()).collect(),
            evidence,
            span: r.span,
            id_span: r.id.span,
            title_span: r.title.span,
        })
    }

    fn rating(&mut self, files: &[(FileId, ast::File)]) -> (Vec<RatingRule>, bool) {
        let mut blocks = Vec::new();
        for (i, (_, f)) in files.iter().enumerate() {
            for item in &f.items {
                if let Item::Rating(b) = item {
                    if i != 0 {
                        self.error(
                            Diagnostic::error(
                                Code::RatingBlock,
                                "a used file cannot set the rating",
                            )
                            .at(b.span),
                        );
                    } else {
                        blocks.push(b);
                    }
                }
            }
        }
        let Some(block) = blocks.first() else {
            return (default_rating(), false);
        };
        for extra in blocks.iter().skip(1) {
            self.error(
                Diagnostic::error(Code::RatingBlock, "a second `rating` block").at(extra.span),
            );
        }
        let mut rules = Vec::new();
        for (i, r) in block.rules.iter().enumerate() {
            let Some(rating) = Rating::parse(&r.rating.name) else {
                self.error(
                    Diagnostic::error(
                        Code::RatingBlock,
                        format!("unknown rating `{}`", r.rating.name),
                    )
                    .at(r.rating.span)
                    .with_help_opt(did_you_mean(
                        &r.rating.name,
                        ["green", "amber", "red", "incomplete"],
                    ))
                    .with_note("ratings are green, amber, red and incomplete"),
                );
                continue;
            };
            let last = i + 1 == block.rules.len();
            if r.cond.is_none() && !last {
                self.error(
                    Diagnostic::error(Code::RatingBlock, "`otherwise` must be the last rule")
                        .at(r.span)
                        .with_help(
                            "rules are tried in order, so rules after `otherwise` never apply",
                        ),
                );
            }
            if r.cond.is_some() && last {
                self.error(
                    Diagnostic::error(
                        Code::RatingBlock,
                        "the last rating rule must be `otherwise`",
                    )
                    .at(r.span)
                    .with_help("add `red otherwise` (or another rating) as the last rule"),
                );
            }
            rules.push(RatingRule {
                rating,
                cond: r.cond.as_ref().map(rating_expr),
            });
        }
        if block.rules.is_empty() {
            self.error(
                Diagnostic::error(Code::RatingBlock, "empty `rating` block")
                    .at(block.span)
                    .with_help(
                        "remove it to use the default rating, or add rules ending in `otherwise`",
                    ),
            );
        }
        (rules, true)
    }

    /// A test block → a test case. `ids` are the requirements that
    /// compiled; `declared` every id declared, so that an expectation of a
    /// requirement with errors of its own (a duplicate id, no rule) adds no
    /// second error.
    fn test(
        &mut self,
        fid: FileId,
        t: &ast::TestBlock,
        ids: &[&str],
        declared: &BTreeMap<&str, Span>,
    ) -> Option<ir::TestCase> {
        let mut given = None;
        let mut assessed_on = None;
        let mut respondent = Respondent::Provider;
        let mut expect = Vec::new();
        for c in &t.clauses {
            match c {
                TestClause::GivenJson(text, span) => {
                    match read_given(&self.schema, &mut self.reading_plan, text, self.limits) {
                        Ok((v, read)) => given = Some((v, *span, Some(text.as_str()), read)),
                        Err(e) => {
                            // at the character the reader stopped at, or the key it refused
                            let d = match e {
                                crate::submission::JsonError::Syntax(e) => {
                                    // the caret shows where: the reader's line and column
                                    // (counted in the JSON) would only mislead
                                    let at =
                                        given::at_line_column(*span, text, e.line(), e.column());
                                    let whole = e.to_string();
                                    let place =
                                        format!(" at line {} column {}", e.line(), e.column());
                                    let what = whole.strip_suffix(&place).unwrap_or(&whole);
                                    Diagnostic::error(
                                        Code::InvalidTestSubmission,
                                        format!("invalid JSON: {what}"),
                                    )
                                    .at(at)
                                    .with_label("not JSON from here")
                                }
                                crate::submission::JsonError::Rejected(d) => {
                                    let at = d.path.as_deref().map_or(*span, |p| {
                                        let last = d.code == Code::DuplicateKey;
                                        given::at_pointer(*span, text, p, last)
                                    });
                                    test_json_error(
                                        crate::submission::JsonError::Rejected(d),
                                        "invalid JSON",
                                        at,
                                    )
                                }
                            };
                            self.error(d);
                        }
                    }
                }
                TestClause::GivenFile(path) => {
                    let from = self.map.file(fid).map_or(String::new(), |f| f.name.clone());
                    let name = resolve_relative(&from, &path.value);
                    match self.sources.get(&name) {
                        Some(text) => {
                            match read_given(
                                &self.schema,
                                &mut self.reading_plan,
                                text,
                                self.limits,
                            ) {
                                Ok((v, read)) => given = Some((v, path.span, None, read)),
                                Err(e) => self.error(test_json_error(
                                    e,
                                    &format!("`{name}` is not valid JSON"),
                                    path.span,
                                )),
                            }
                        }
                        None if self.sources.problem(&name).is_some() => {
                            if let Some(p) = self.sources.problem(&name) {
                                let d = file_problem(&name, p, self.limits).at(path.span);
                                self.error(d);
                            }
                        }
                        None => self.error(
                            Diagnostic::error(
                                Code::InvalidTestSubmission,
                                format!("test file `{name}` not found"),
                            )
                            .at(path.span)
                            .with_note("paths are relative to the spec file"),
                        ),
                    }
                }
                TestClause::Respondent(w) => respondent = inputs::respondent_of(&w.name),
                TestClause::AssessedOn(text, span) => match Date::parse(text) {
                    Some(d) => assessed_on = Some(d),
                    None => self.error(
                        Diagnostic::error(
                            Code::InvalidLiteral,
                            format!("`{text}` is not a valid date"),
                        )
                        .at(*span),
                    ),
                },
                TestClause::ExpectOverall(r) => match Rating::parse(&r.name) {
                    Some(rating) => expect.push(Expectation::Overall(rating)),
                    None => self.error(
                        Diagnostic::error(
                            Code::UnknownTestArea,
                            format!("unknown rating `{}`", r.name),
                        )
                        .at(r.span)
                        .with_help_opt(did_you_mean(
                            &r.name,
                            ["green", "amber", "red", "incomplete"],
                        )),
                    ),
                },
                TestClause::ExpectArea(a, r) => {
                    let area = AREAS.iter().position(|(k, _)| *k == a.name);
                    let rating = Rating::parse(&r.name);
                    match (area, rating) {
                        (Some(area), Some(rating)) => expect.push(Expectation::Area(area, rating)),
                        (None, _) => self.error(
                            Diagnostic::error(
                                Code::UnknownTestArea,
                                format!("unknown area `{}`", a.name),
                            )
                            .at(a.span)
                            .with_help_opt(did_you_mean(&a.name, AREAS.iter().map(|(k, _)| *k))),
                        ),
                        (_, None) => self.error(
                            Diagnostic::error(
                                Code::UnknownTestArea,
                                format!("unknown rating `{}`", r.name),
                            )
                            .at(r.span)
                            .with_help_opt(did_you_mean(
                                &r.name,
                                ["green", "amber", "red", "incomplete"],
                            )),
                        ),
                    }
                }
                TestClause::ExpectRequirement(id, outcome, _) => {
                    if ids.contains(&id.name.as_str()) {
                        expect.push(Expectation::Requirement(id.name.to_string(), *outcome));
                    } else if declared.contains_key(id.name.as_str()) {
                        // declared, but its own errors kept it out: they are reported
                    } else {
                        self.error(
                            Diagnostic::error(
                                Code::UnknownRequirement,
                                format!("no requirement `{}`", id.name),
                            )
                            .at(id.span)
                            .with_help_opt(did_you_mean(&id.name, ids.iter().copied())),
                        );
                    }
                }
            }
        }
        let has_given = t
            .clauses
            .iter()
            .any(|c| matches!(c, TestClause::GivenFile(_) | TestClause::GivenJson(..)));
        let Some((given, gspan, inline, read)) = given else {
            if has_given {
                // the unreadable file or JSON has been reported
                return None;
            }
            self.error(
                Diagnostic::error(
                    Code::InvalidTestSubmission,
                    format!("test \"{}\" has no `given` submission", t.name.value),
                )
                .at(t.name.span),
            );
            return None;
        };
        let ingested = match read {
            // read as written (a clean submission)
            Some(sub) => {
                // builds with debug assertions (every test) hold it to the
                // submission of the text serde_json writes for its value
                #[cfg(debug_assertions)]
                {
                    let written = crate::submission::read_json_written(&given, self.limits)
                        .ok()
                        .and_then(|w| {
                            crate::submission::ingest_written(&self.schema, &w, self.limits).ok()
                        });
                    // the same answers at the same pointers, laid out in the
                    // order they were read
                    debug_assert!(
                        written.as_ref() == Some(&sub),
                        "a test's submission read as written differs from its value's: {sub:?}"
                    );
                }
                Ok(sub)
            }
            // the written text: a clean submission by the one-pass reader
            // (the one the general reader would make, without warnings),
            // anything else by that reader
            None => {
                let plan = self
                    .reading_plan
                    .get_or_insert_with(|| crate::fastread::Plan::of(&self.schema));
                match crate::fastread::read_with(&self.schema, plan, &given, self.limits, false) {
                    Some(sub) => {
                        // builds with debug assertions (every test) hold it
                        // to the general reader
                        #[cfg(debug_assertions)]
                        {
                            let general = crate::submission::ingest_written(
                                &self.schema,
                                &given,
                                self.limits,
                            );
                            debug_assert_eq!(
                                general.map(|g| format!("{g:?}")).ok(),
                                Some(format!("{sub:?}")),
                                "the one-pass reader and the general reader differ on a test's submission"
                            );
                        }
                        Ok(sub)
                    }
                    None => crate::submission::ingest_written(&self.schema, &given, self.limits),
                }
            }
        };
        match ingested {
            Ok(ing) => {
                if self.uses_assessment_date && assessed_on.is_none() && ing.header.is_none() {
                    // `netspec test` could not run it: say so now, and how to fix it
                    self.error(
                        Diagnostic::error(
                            Code::AssessmentDate,
                            format!(
                                "test \"{}\" has no assessment date, and the spec has date rules",
                                t.name.value
                            ),
                        )
                        .at(t.name.span)
                        .with_help("add `assessed_on DATE` to the test (e.g. `assessed_on 2025-06-30`), or give its submission a header with an assessment period"),
                    );
                }
                for w in ing.warnings {
                    let msg = format!("test submission: {}", w.message);
                    let at = given_at(gspan, inline, w.path.as_deref());
                    let mut d = Diagnostic::warning(w.code, msg).at(at);
                    d.path = w.path;
                    d.help = w.help;
                    self.diags.push(d);
                }
            }
            Err(rejected) => {
                for e in rejected.errors {
                    let mut d = Diagnostic::error(
                        Code::InvalidTestSubmission,
                        format!("test submission: {}", e.message),
                    )
                    .at(given_at(gspan, inline, e.path.as_deref()))
                    .with_note(format!("{} {}", e.code, e.code.title()));
                    d.path = e.path;
                    d.help = e.help;
                    self.diags.push(d);
                }
            }
        }
        Some(ir::TestCase {
            name: t.name.value.clone(),
            given,
            assessed_on,
            respondent,
            expect,
            span: t.span,
        })
    }
}

/// A test's `given` JSON text: the text itself and its submission, read
/// as written, when that is the submission of the text serde_json writes
/// for its value and it is clean (no error or warning:
/// [`crate::fastread::read_as_written`]); otherwise the text serde_json
/// writes, to be read by the caller, or why the text is not JSON.
fn read_given(
    schema: &crate::ir::Schema,
    plan: &mut Option<crate::fastread::Plan>,
    text: &str,
    limits: &Limits,
) -> Result<(String, Option<crate::submission::Submission>), crate::submission::JsonError> {
    let plan = plan.get_or_insert_with(|| crate::fastread::Plan::of(schema));
    match crate::fastread::read_as_written(schema, plan, text, limits) {
        // without a byte order mark, which only the reader of text skips
        Some(sub) => Ok((
            text.strip_prefix('\u{FEFF}').unwrap_or(text).to_string(),
            Some(sub),
        )),
        None => crate::submission::read_json_written(text, limits).map(|w| (w, None)),
    }
}

/// Where a problem at JSON pointer `path` of a test's submission is shown:
/// the key or element in inline JSON, else the `given` clause's span.
fn given_at(span: Span, inline: Option<&str>, path: Option<&str>) -> Span {
    match (inline, path) {
        (Some(text), Some(p)) => given::at_pointer(span, text, p, false),
        _ => span,
    }
}

/// A test's `given` JSON that could not be read: NS0020, with the reader's
/// own code (duplicate key, nesting, length) in a note.
fn test_json_error(e: crate::submission::JsonError, what: &str, span: Span) -> Diagnostic {
    match e {
        crate::submission::JsonError::Syntax(e) => {
            Diagnostic::error(Code::InvalidTestSubmission, format!("{what}: {e}")).at(span)
        }
        crate::submission::JsonError::Rejected(d) => Diagnostic::error(
            Code::InvalidTestSubmission,
            format!("test submission: {}", d.message),
        )
        .at(span)
        .with_note(format!("{} {}", d.code, d.code.title()))
        .with_note_opt(d.path.map(|p| format!("at {p}"))),
    }
}

impl Checker<'_> {
    /// Rejects rules whose evaluation would nest deeper than the parser's
    /// limit once definitions are followed: the evaluator recurses through them.
    fn check_depth(&mut self, checked: &CompiledSpec) {
        let max_depth = self.limits.max_depth;
        let cap = depth_cap(max_depth);
        let mut memo = vec![None; checked.lets.len()];
        for r in &checked.requirements {
            for n in r.applies.iter().chain(std::iter::once(&r.rule)) {
                let levels = match depth(n, &checked.lets, &mut memo, 0, cap) {
                    Some(d) if d > max_depth => d.to_string(),
                    Some(_) => continue,
                    None => format!("more than {cap}"),
                };
                self.error(
                    Diagnostic::error(
                        Code::TooDeep,
                        format!(
                            "`{}` nests {levels} levels deep through its definitions (at most {max_depth})",
                            r.id,
                        ),
                    )
                    .at(n.span)
                    .with_help("flatten the definitions this rule uses"),
                );
            }
        }
    }
}

/// How deep [`depth`] follows a rule before it stops counting: four times
/// the limit, enough for any message to say how far over a rule is while
/// the walk's own recursion stays bounded.
fn depth_cap(max_depth: usize) -> usize {
    max_depth.saturating_mul(4)
}

/// Nesting depth of a compiled expression, following definitions, counting
/// every node one level and a definition one level above its value; `None`
/// when it is deeper than `cap` (`level` is how deep `n` itself sits). A
/// definition's depth is remembered only when it was counted in full.
fn depth(
    n: &ir::Node,
    lets: &[ir::LetDef],
    memo: &mut Vec<Option<usize>>,
    level: usize,
    cap: usize,
) -> Option<usize> {
    use ir::NodeKind as K;
    if level >= cap {
        return None;
    }
    let below = match &n.kind {
        K::Let(i) => match memo.get(*i) {
            Some(Some(d)) => *d,
            _ => {
                let value = lets.get(*i).map(|l| &l.value);
                let d = match value {
                    Some(v) => depth(v, lets, memo, level + 1, cap)?,
                    None => 0,
                };
                if let Some(m) = memo.get_mut(*i) {
                    *m = Some(d);
                }
                d
            }
        },
        _ => {
            let mut deepest = 0;
            for child in n.children() {
                deepest = deepest.max(depth(child, lets, memo, level + 1, cap)?);
            }
            deepest
        }
    };
    let total = 1 + below;
    // a remembered definition can put the total past the cap from here
    (level + total <= cap).then_some(total)
}

fn rating_expr(c: &ast::RatingCond) -> RatingExpr {
    match c {
        ast::RatingCond::And(xs) => RatingExpr::And(xs.iter().map(rating_expr).collect()),
        ast::RatingCond::Or(xs) => RatingExpr::Or(xs.iter().map(rating_expr).collect()),
        ast::RatingCond::Not(x) => RatingExpr::Not(Box::new(rating_expr(x))),
        ast::RatingCond::Quant(q, l, o) => RatingExpr::Quant(*q, *l, *o),
        ast::RatingCond::Count(l, o, op, n) => RatingExpr::Count(*l, *o, expr::cmp_of(*op), *n),
    }
}

/// The rating used when a spec has no `rating` block:
///
/// ```text
/// rating {
///   red when any must not_met
///   incomplete when any must incomplete or any should incomplete
///   amber when any should not_met
///   green otherwise
/// }
/// ```
pub fn default_rating() -> Vec<RatingRule> {
    use crate::vocab::{LevelSet as L, Outcome as O, RatingQuant as Q};
    vec![
        RatingRule {
            rating: Rating::Red,
            cond: Some(RatingExpr::Quant(Q::Any, L::Must, O::NotMet)),
        },
        RatingRule {
            rating: Rating::Incomplete,
            cond: Some(RatingExpr::Or(vec![
                RatingExpr::Quant(Q::Any, L::Must, O::Incomplete),
                RatingExpr::Quant(Q::Any, L::Should, O::Incomplete),
            ])),
        },
        RatingRule {
            rating: Rating::Amber,
            cond: Some(RatingExpr::Quant(Q::Any, L::Should, O::NotMet)),
        },
        RatingRule {
            rating: Rating::Green,
            cond: None,
        },
    ]
}
