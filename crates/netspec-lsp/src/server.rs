//! The server's state and its answer to each message.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use netspec::ide::{CompletionKind, Index, SymbolKind};
use netspec::{CompileOptions, Diagnostic, Severity, Sources, Spec};
use serde_json::{json, Value};

use crate::framing::Frame;
use crate::text::{path_uri, uri_path, Lines};
use crate::Error;

/// How long after the last change diagnostics wait.
const DEBOUNCE: Duration = Duration::from_millis(200);
/// At most this many documents are kept open.
const MAX_DOCUMENTS: usize = 256;
/// The open documents' texts together are at most this many bytes.
const MAX_DOCUMENT_BYTES: usize = 256 * 1024 * 1024;
/// At most this many specs are looked at for the references to a file.
const MAX_ROOTS: usize = 64;
/// The command that runs a spec's tests.
pub const RUN_TESTS: &str = "netspec.runTests";
/// Where the diagnostic codes are documented.
const CODES_HREF: &str =
    "https://github.com/netspec/netspec/blob/main/grammar/README.md#10-diagnostics";

/// An open document.
struct Doc {
    text: Arc<str>,
    version: i32,
    /// Its path, for a `file:` URI.
    path: Option<PathBuf>,
    /// Its index, made when first asked for.
    index: Option<Arc<Index>>,
    /// The diagnostics last published: byte range and code.
    diagnostics: Vec<(usize, usize, netspec::Code)>,
    /// The last test run: per test block (by its start), passed and a line.
    tests: Option<BTreeMap<usize, (bool, String)>>,
}

pub struct Server {
    out: Sender<Message>,
    docs: HashMap<String, Doc>,
    /// Documents changed and not yet checked, and since when.
    pending: HashMap<String, Instant>,
    folders: Vec<PathBuf>,
    shutdown: bool,
}

impl Server {
    pub fn new(out: Sender<Message>) -> Self {
        Server {
            out,
            docs: HashMap::new(),
            pending: HashMap::new(),
            folders: Vec::new(),
            shutdown: false,
        }
    }

    fn send(&self, msg: impl Into<Message>) {
        // the writer has gone only when the client has: the reader ends too
        let _ = self.out.send(msg.into());
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        let params = serde_json::to_value(params).unwrap_or(Value::Null);
        self.send(Notification {
            method: method.to_string(),
            params,
        });
    }

    fn log(&self, message: &str) {
        self.notify(
            "window/logMessage",
            json!({"type": 3, "message": netspec::render::escape_controls(message)}),
        );
    }

    /// Serves until `exit` (after `shutdown`: `Ok`) or the end of input.
    pub fn serve(mut self, input: &Receiver<Frame>) -> Result<(), Error> {
        let mut initialized = false;
        loop {
            let next = self
                .pending
                .values()
                .min()
                .map(|t| (*t + DEBOUNCE).saturating_duration_since(Instant::now()));
            let frame = match next {
                Some(wait) => match input.recv_timeout(wait) {
                    Ok(f) => Some(f),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return Err(Error::Disconnected),
                },
                None => match input.recv() {
                    Ok(f) => Some(f),
                    Err(_) => return Err(Error::Disconnected),
                },
            };
            self.check_due();
            let msg = match frame {
                None => continue,
                Some(Frame::Refused(why)) => {
                    self.log(&why);
                    continue;
                }
                Some(Frame::Message(m)) => m,
            };
            match msg {
                Message::Request(req) => {
                    if req.method == "initialize" && initialized {
                        self.send(Response::new_err(
                            req.id,
                            ErrorCode::InvalidRequest as i32,
                            "the server is initialized already".into(),
                        ));
                    } else if req.method == "initialize" {
                        initialized = true;
                        let result = self.initialize(&req.params);
                        self.send(Response::new_ok(req.id, result));
                    } else if !initialized {
                        self.send(Response::new_err(
                            req.id,
                            ErrorCode::ServerNotInitialized as i32,
                            "the server is not initialized".into(),
                        ));
                    } else if self.shutdown {
                        self.send(Response::new_err(
                            req.id,
                            ErrorCode::InvalidRequest as i32,
                            "the server is shutting down".into(),
                        ));
                    } else if req.method == "shutdown" {
                        self.shutdown = true;
                        self.send(Response::new_ok(req.id, Value::Null));
                    } else {
                        self.request(req);
                    }
                }
                Message::Notification(n) => {
                    if n.method == "exit" {
                        return if self.shutdown {
                            Ok(())
                        } else {
                            Err(Error::Disconnected)
                        };
                    }
                    if initialized {
                        self.notification(n);
                    }
                }
                // answers to our own requests (a lens refresh): nothing to do
                Message::Response(_) => {}
            }
        }
    }

    fn initialize(&mut self, params: &Value) -> Value {
        if let Ok(p) = serde_json::from_value::<lsp::InitializeParams>(params.clone()) {
            for f in p.workspace_folders.unwrap_or_default() {
                if let Some(path) = uri_path(f.uri.as_str()) {
                    self.folders.push(path);
                }
            }
            #[allow(deprecated)]
            if self.folders.is_empty() {
                if let Some(path) = p.root_uri.and_then(|u| uri_path(u.as_str())) {
                    self.folders.push(path);
                }
            }
        }
        let legend = lsp::SemanticTokensLegend {
            token_types: netspec::ide::TOKEN_KINDS
                .iter()
                .map(|k| lsp::SemanticTokenType::new(k))
                .collect(),
            token_modifiers: Vec::new(),
        };
        let caps = lsp::ServerCapabilities {
            text_document_sync: Some(lsp::TextDocumentSyncCapability::Kind(
                lsp::TextDocumentSyncKind::FULL,
            )),
            hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
            completion_provider: Some(lsp::CompletionOptions {
                trigger_characters: Some(vec![".".into(), " ".into(), "-".into()]),
                ..Default::default()
            }),
            definition_provider: Some(lsp::OneOf::Left(true)),
            references_provider: Some(lsp::OneOf::Left(true)),
            document_symbol_provider: Some(lsp::OneOf::Left(true)),
            document_formatting_provider: Some(lsp::OneOf::Left(true)),
            semantic_tokens_provider: Some(
                lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(
                    lsp::SemanticTokensOptions {
                        legend,
                        full: Some(lsp::SemanticTokensFullOptions::Bool(true)),
                        range: None,
                        ..Default::default()
                    },
                ),
            ),
            code_lens_provider: Some(lsp::CodeLensOptions {
                resolve_provider: Some(false),
            }),
            execute_command_provider: Some(lsp::ExecuteCommandOptions {
                commands: vec![RUN_TESTS.into()],
                ..Default::default()
            }),
            ..Default::default()
        };
        json!({
            "capabilities": caps,
            "serverInfo": {"name": "netspec", "version": env!("CARGO_PKG_VERSION")},
        })
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            "textDocument/didOpen" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri.as_str().to_string();
                    let held: usize = self.docs.values().map(|d| d.text.len()).sum();
                    let full = self.docs.len() >= MAX_DOCUMENTS
                        || held.saturating_add(p.text_document.text.len()) > MAX_DOCUMENT_BYTES;
                    if full && !self.docs.contains_key(&uri) {
                        self.log(
                            "too many open documents, or too much text: this one is not checked",
                        );
                        return;
                    }
                    let path = uri_path(&uri);
                    self.docs.insert(
                        uri.clone(),
                        Doc {
                            text: Arc::from(p.text_document.text),
                            version: p.text_document.version,
                            path,
                            index: None,
                            diagnostics: Vec::new(),
                            tests: None,
                        },
                    );
                    self.check(&uri);
                }
            }
            "textDocument/didChange" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(n.params)
                {
                    let uri = p.text_document.uri.as_str().to_string();
                    if let Some(doc) = self.docs.get_mut(&uri) {
                        // full synchronisation: the last change is the text
                        if let Some(c) = p.content_changes.into_iter().last() {
                            doc.text = Arc::from(c.text);
                            doc.version = p.text_document.version;
                            doc.index = None;
                            doc.tests = None;
                            self.pending.insert(uri, Instant::now());
                        }
                    }
                }
            }
            "textDocument/didClose" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri.as_str().to_string();
                    self.docs.remove(&uri);
                    self.pending.remove(&uri);
                    self.notify(
                        "textDocument/publishDiagnostics",
                        json!({"uri": uri, "diagnostics": []}),
                    );
                }
            }
            _ => {}
        }
    }

    /// Checks the documents whose last change is older than [`DEBOUNCE`].
    fn check_due(&mut self) {
        let now = Instant::now();
        let due: Vec<String> = self
            .pending
            .iter()
            .filter(|(_, t)| now.saturating_duration_since(**t) >= DEBOUNCE)
            .map(|(u, _)| u.clone())
            .collect();
        for uri in due {
            self.pending.remove(&uri);
            self.check(&uri);
        }
    }

    /// The files a document's spec reads: the document's text, and from
    /// disk (inside its folder, as `read_spec` reads) what it uses, with the
    /// open documents' texts in place of their files.
    fn sources(&self, doc: &Doc, options: &CompileOptions) -> (String, Sources) {
        let Some(path) = &doc.path else {
            let name = "untitled.netspec".to_string();
            return (name.clone(), Sources::single(name, doc.text.clone()));
        };
        let name = path.to_string_lossy().into_owned();
        let mut sources = netspec::read_spec(&name, Some(doc.text.to_string()), None, options);
        for other in self.docs.values() {
            if let Some(p) = &other.path {
                let n = p.to_string_lossy();
                if n != name && sources.get(&n).is_some() {
                    sources.insert(n.into_owned(), other.text.clone());
                }
            }
        }
        (name, sources)
    }

    fn index(&mut self, uri: &str) -> Option<(Arc<Index>, String)> {
        let doc = self.docs.get(uri)?;
        if let Some(ix) = &doc.index {
            return Some((ix.clone(), ix.files().next()?.to_string()));
        }
        let (name, sources) = self.sources(doc, &CompileOptions::evaluation_only());
        let ix = Arc::new(Index::new(&name, &sources));
        let root = ix.files().next()?.to_string();
        if let Some(doc) = self.docs.get_mut(uri) {
            doc.index = Some(ix.clone());
        }
        Some((ix, root))
    }

    /// Compiles a document and publishes its diagnostics.
    fn check(&mut self, uri: &str) {
        let Some(doc) = self.docs.get(uri) else {
            return;
        };
        let options = CompileOptions::default();
        let (name, sources) = self.sources(doc, &options);
        let is_spec = Spec::declared_in(&doc.text);
        let diags: Vec<Diagnostic> = if is_spec {
            compile(&name, &sources)
        } else {
            // a file other specs use: checked through a spec that uses it
            match self.user_of(uri) {
                Some((root, srcs)) => compile(&root, &srcs),
                // used by no spec in sight: its syntax errors alone
                None => match netspec::format(&name, &doc.text) {
                    Ok(_) => Vec::new(),
                    Err(e) => e.diagnostics,
                },
            }
        };
        let text = doc.text.clone();
        let lines = Lines::new(&text);
        let index = Index::single(&name, &text);
        let root_name = index.files().next().unwrap_or("").to_string();
        let mut out = Vec::new();
        let mut kept = Vec::new();
        for d in diags.iter().take(500) {
            let (range, bytes, related) = match &d.location {
                Some(loc) if loc.file == root_name => (
                    lines.range(loc.start, loc.end),
                    (loc.start, loc.end),
                    Vec::new(),
                ),
                Some(loc) => {
                    if !is_spec {
                        // only this file's own diagnostics
                        continue;
                    }
                    let (s, e) = use_line(&text, &loc.file);
                    let other = sources
                        .get(&loc.file)
                        .map(|t| t.to_string())
                        .unwrap_or_default();
                    let l = Lines::new(&other);
                    let related = vec![json!({
                        "location": {
                            "uri": path_uri(Path::new(&loc.file)),
                            "range": l.range(loc.start, loc.end),
                        },
                        "message": format!("in {}", netspec::render::escape_controls(&loc.file)),
                    })];
                    (lines.range(s, e), (s, e), related)
                }
                None => (lines.range(0, 0), (0, 0), Vec::new()),
            };
            let mut related = related;
            let here = json!({"uri": uri, "range": range});
            for note in d.label.iter().chain(d.help.iter()).chain(d.notes.iter()) {
                related.push(json!({
                    "location": here,
                    "message": netspec::render::escape_controls(note),
                }));
            }
            // the places a diagnostic points to besides its own (e.g. where
            // an unclosed `{` was noticed)
            for r in d.related.iter() {
                let location = match &r.location {
                    Some(loc) if loc.file == root_name => {
                        json!({"uri": uri, "range": lines.range(loc.start, loc.end)})
                    }
                    Some(loc) => {
                        let other = sources
                            .get(&loc.file)
                            .map(|t| t.to_string())
                            .unwrap_or_default();
                        json!({
                            "uri": path_uri(Path::new(&loc.file)),
                            "range": Lines::new(&other).range(loc.start, loc.end),
                        })
                    }
                    None => here.clone(),
                };
                related.push(json!({
                    "location": location,
                    "message": netspec::render::escape_controls(&r.message),
                }));
            }
            kept.push((bytes.0, bytes.1, d.code));
            out.push(json!({
                "range": range,
                "severity": if d.severity == Severity::Error { 1 } else { 2 },
                "code": d.code.as_str(),
                "codeDescription": {"href": CODES_HREF},
                "source": "netspec",
                "message": netspec::render::escape_controls(&d.message),
                "relatedInformation": related,
                "data": {"title": d.code.title()},
            }));
        }
        let version = doc.version;
        if let Some(doc) = self.docs.get_mut(uri) {
            doc.diagnostics = kept;
        }
        self.notify(
            "textDocument/publishDiagnostics",
            json!({"uri": uri, "version": version, "diagnostics": out}),
        );
    }

    /// A spec that uses the document `uri` (an open one, or one in its
    /// folder or the folder above inside the workspace), with its files.
    fn user_of(&self, uri: &str) -> Option<(String, Sources)> {
        let target = self.docs.get(uri)?.path.clone()?;
        let target_name = target.to_string_lossy().into_owned();
        let options = CompileOptions::default();
        for root in self.roots(&target) {
            let name = root.to_string_lossy().into_owned();
            let text = self
                .docs
                .values()
                .find(|d| d.path.as_deref() == Some(root.as_path()))
                .map(|d| d.text.to_string());
            let mut sources = netspec::read_spec(&name, text, None, &options);
            if sources.get(&target_name).is_some() {
                if let Some(doc) = self.docs.get(uri) {
                    sources.insert(target_name.clone(), doc.text.clone());
                }
                return Some((name, sources));
            }
        }
        None
    }

    /// The spec files that may use `path`: the open documents, then the
    /// `.netspec` files of its folder and of the folder above, when that
    /// is inside a workspace folder.
    fn roots(&self, path: &Path) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = self
            .docs
            .values()
            .filter_map(|d| d.path.clone())
            .filter(|p| p != path)
            .collect();
        let inside = |dir: &Path| self.folders.iter().any(|f| dir.starts_with(f));
        let mut dirs = Vec::new();
        if let Some(dir) = path.parent() {
            if inside(dir) {
                dirs.push(dir.to_path_buf());
                if let Some(up) = dir.parent().filter(|u| inside(u)) {
                    dirs.push(up.to_path_buf());
                }
            }
        }
        for dir in dirs {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut found: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "netspec") && p != path)
                .take(MAX_ROOTS)
                .collect();
            found.sort();
            out.extend(found);
        }
        out.dedup();
        out.truncate(MAX_ROOTS);
        out
    }

    fn request(&mut self, req: Request) {
        let id = req.id.clone();
        let result = match req.method.as_str() {
            "textDocument/hover" => self.hover(req.params),
            "textDocument/definition" => self.definition(req.params),
            "textDocument/references" => self.references(req.params),
            "textDocument/completion" => self.completion(req.params),
            "textDocument/documentSymbol" => self.symbols(req.params),
            "textDocument/formatting" => self.formatting(req.params),
            "textDocument/semanticTokens/full" => self.semantic_tokens(req.params),
            "textDocument/codeLens" => self.code_lens(req.params),
            "workspace/executeCommand" => self.execute(req.params),
            _ => {
                self.send(Response::new_err(
                    id,
                    ErrorCode::MethodNotFound as i32,
                    format!(
                        "no such method: {}",
                        netspec::render::escape_controls(&req.method)
                    ),
                ));
                return;
            }
        };
        self.answer(id, result);
    }

    fn answer(&self, id: RequestId, result: Result<Value, String>) {
        match result {
            Ok(v) => self.send(Response::new_ok(id, v)),
            Err(e) => self.send(Response::new_err(id, ErrorCode::InvalidParams as i32, e)),
        }
    }

    /// The document and the byte offset of a position request.
    fn at(&mut self, params: Value) -> Result<(String, usize, Arc<str>), String> {
        let p: lsp::TextDocumentPositionParams =
            serde_json::from_value(params).map_err(|e| format!("invalid parameters: {e}"))?;
        let uri = p.text_document.uri.as_str().to_string();
        let doc = self.docs.get(&uri).ok_or("the document is not open")?;
        let offset = Lines::new(&doc.text).offset(p.position);
        Ok((uri, offset, doc.text.clone()))
    }

    fn hover(&mut self, params: Value) -> Result<Value, String> {
        let (uri, offset, text) = self.at(params)?;
        let (ix, root) = self.index(&uri).ok_or("the document is not open")?;
        let lines = Lines::new(&text);
        let mut parts = Vec::new();
        let mut range = None;
        if let Some(h) = ix.hover(&root, offset) {
            parts.push(h.contents);
            range = Some(lines.range(h.start, h.end));
        }
        if let Some(doc) = self.docs.get(&uri) {
            for (s, e, code) in doc
                .diagnostics
                .iter()
                .filter(|(s, e, _)| *s <= offset && offset <= *e)
            {
                parts.push(format!(
                    "**{}**: {}\n\n{}",
                    code.as_str(),
                    code.title(),
                    code.explanation()
                ));
                range.get_or_insert(lines.range(*s, *e));
            }
        }
        if parts.is_empty() {
            return Ok(Value::Null);
        }
        Ok(json!({
            "contents": {"kind": "markdown", "value": parts.join("\n\n---\n\n")},
            "range": range,
        }))
    }

    /// A location for a target of the index (a file it read, or a file
    /// named by `use` or `given file`).
    fn location(&self, ix: &Index, target: &netspec::ide::Target) -> Option<Value> {
        let path = PathBuf::from(&target.file);
        if !path.is_absolute() {
            return None;
        }
        let uri = path_uri(&path);
        let text = self
            .docs
            .values()
            .find(|d| d.path.as_deref() == Some(path.as_path()))
            .map(|d| d.text.to_string())
            .or_else(|| ix.text(&target.file).map(str::to_string))
            .unwrap_or_default();
        let lines = Lines::new(&text);
        Some(json!({"uri": uri, "range": lines.range(target.start, target.end)}))
    }

    fn definition(&mut self, params: Value) -> Result<Value, String> {
        let (uri, offset, text) = self.at(params)?;
        let (ix, root) = self.index(&uri).ok_or("the document is not open")?;
        let Some(t) = ix.definition(&root, offset) else {
            return Ok(Value::Null);
        };
        if t.file == root {
            let lines = Lines::new(&text);
            return Ok(json!({"uri": uri, "range": lines.range(t.start, t.end)}));
        }
        Ok(self.location(&ix, &t).unwrap_or(Value::Null))
    }

    fn references(&mut self, params: Value) -> Result<Value, String> {
        let p: lsp::ReferenceParams =
            serde_json::from_value(params).map_err(|e| format!("invalid parameters: {e}"))?;
        let uri = p
            .text_document_position
            .text_document
            .uri
            .as_str()
            .to_string();
        let doc = self.docs.get(&uri).ok_or("the document is not open")?;
        let offset = Lines::new(&doc.text).offset(p.text_document_position.position);
        let include = p.context.include_declaration;
        let path = doc.path.clone();
        let (ix, root) = self.index(&uri).ok_or("the document is not open")?;
        let mut found: Vec<(String, usize, usize)> = Vec::new();
        let mut locations = Vec::new();
        let mut add = |server: &Server, ix: &Index, targets: Vec<netspec::ide::Target>| {
            for t in targets {
                let k = (t.file.clone(), t.start, t.end);
                if found.contains(&k) {
                    continue;
                }
                found.push(k);
                let loc = if t.file == root {
                    let text = ix.text(&root).unwrap_or("");
                    Some(json!({"uri": uri, "range": Lines::new(text).range(t.start, t.end)}))
                } else {
                    server.location(ix, &t)
                };
                locations.extend(loc);
            }
        };
        add(self, &ix, ix.references(&root, offset, include));
        // the specs that use this file see its names too
        if let Some(path) = path {
            let options = CompileOptions::evaluation_only();
            for r in self.roots(&path) {
                let name = r.to_string_lossy().into_owned();
                let text = self
                    .docs
                    .values()
                    .find(|d| d.path.as_deref() == Some(r.as_path()))
                    .map(|d| d.text.to_string());
                let mut sources = netspec::read_spec(&name, text, None, &options);
                if sources.get(&root).is_none() {
                    continue;
                }
                sources.insert(root.clone(), ix.text(&root).unwrap_or("").to_string());
                let other = Index::new(&name, &sources);
                add(self, &other, other.references(&root, offset, include));
            }
        }
        Ok(Value::Array(locations))
    }

    fn completion(&mut self, params: Value) -> Result<Value, String> {
        let (uri, offset, text) = self.at(params)?;
        let (ix, root) = self.index_fresh(&uri).ok_or("the document is not open")?;
        let c = ix.complete(&root, offset);
        let lines = Lines::new(&text);
        let range = lines.range(c.from, offset);
        let items: Vec<Value> = c
            .options
            .iter()
            .map(|o| {
                let kind = match o.kind {
                    CompletionKind::Input => lsp::CompletionItemKind::PROPERTY,
                    CompletionKind::Field => lsp::CompletionItemKind::FIELD,
                    CompletionKind::Builtin => lsp::CompletionItemKind::FUNCTION,
                    CompletionKind::Keyword => lsp::CompletionItemKind::KEYWORD,
                    CompletionKind::Enum => lsp::CompletionItemKind::ENUM_MEMBER,
                    CompletionKind::Requirement => lsp::CompletionItemKind::REFERENCE,
                    CompletionKind::Definition => lsp::CompletionItemKind::VARIABLE,
                };
                json!({
                    "label": o.label,
                    "kind": kind,
                    "detail": o.detail,
                    "documentation": o.info.as_ref().map(|i| json!({"kind": "markdown", "value": i})),
                    "textEdit": {"range": range, "newText": o.label},
                    "data": {"kind": o.kind.as_str()},
                })
            })
            .collect();
        Ok(json!({"isIncomplete": false, "items": items}))
    }

    /// The index of the document's text now (completion comes straight
    /// after a change).
    fn index_fresh(&mut self, uri: &str) -> Option<(Arc<Index>, String)> {
        self.index(uri)
    }

    fn symbols(&mut self, params: Value) -> Result<Value, String> {
        let p: lsp::DocumentSymbolParams =
            serde_json::from_value(params).map_err(|e| format!("invalid parameters: {e}"))?;
        let uri = p.text_document.uri.as_str().to_string();
        let (ix, root) = self.index(&uri).ok_or("the document is not open")?;
        let text = ix.text(&root).unwrap_or("").to_string();
        let lines = Lines::new(&text);
        fn convert(lines: &Lines<'_>, s: &netspec::ide::Symbol) -> Value {
            let kind = match s.kind {
                SymbolKind::Spec => lsp::SymbolKind::MODULE,
                SymbolKind::Section => lsp::SymbolKind::NAMESPACE,
                SymbolKind::Input => lsp::SymbolKind::FIELD,
                SymbolKind::Definition => lsp::SymbolKind::VARIABLE,
                SymbolKind::Area => lsp::SymbolKind::PACKAGE,
                SymbolKind::Requirement => lsp::SymbolKind::CLASS,
                SymbolKind::Test => lsp::SymbolKind::METHOD,
                SymbolKind::Rating => lsp::SymbolKind::OBJECT,
            };
            let range = lines.range(s.span.0, s.span.1);
            let mut sel = lines.range(s.name_span.0, s.name_span.1);
            if s.name_span.0 < s.span.0 || s.name_span.1 > s.span.1 {
                sel = range;
            }
            let children: Vec<Value> = s.children.iter().map(|c| convert(lines, c)).collect();
            json!({
                "name": if s.name.is_empty() { "(unnamed)".to_string() } else { netspec::render::escape_controls(&s.name).into_owned() },
                "detail": netspec::render::escape_controls(&s.detail),
                "kind": kind,
                "range": range,
                "selectionRange": sel,
                "children": children,
            })
        }
        let out: Vec<Value> = ix
            .symbols(&root)
            .iter()
            .map(|s| convert(&lines, s))
            .collect();
        Ok(Value::Array(out))
    }

    fn formatting(&mut self, params: Value) -> Result<Value, String> {
        let p: lsp::DocumentFormattingParams =
            serde_json::from_value(params).map_err(|e| format!("invalid parameters: {e}"))?;
        let uri = p.text_document.uri.as_str().to_string();
        let doc = self.docs.get(&uri).ok_or("the document is not open")?;
        match netspec::format("spec.netspec", &doc.text) {
            Ok(new) if new == *doc.text => Ok(json!([])),
            Ok(new) => {
                let lines = Lines::new(&doc.text);
                Ok(json!([{"range": lines.whole(), "newText": new}]))
            }
            // text that does not parse is left as it is (its errors are
            // the diagnostics)
            Err(_) => Ok(Value::Null),
        }
    }

    fn semantic_tokens(&mut self, params: Value) -> Result<Value, String> {
        let p: lsp::SemanticTokensParams =
            serde_json::from_value(params).map_err(|e| format!("invalid parameters: {e}"))?;
        let uri = p.text_document.uri.as_str().to_string();
        let (ix, root) = self.index(&uri).ok_or("the document is not open")?;
        let text = ix.text(&root).unwrap_or("").to_string();
        let lines = Lines::new(&text);
        let mut data: Vec<u32> = Vec::new();
        let (mut line, mut col) = (0u32, 0u32);
        for t in ix.semantic_tokens(&root) {
            let a = lines.position(t.start);
            let b = lines.position(t.start + t.len);
            if a.line != b.line {
                continue;
            }
            let dl = a.line - line;
            let dc = if dl == 0 {
                a.character - col
            } else {
                a.character
            };
            data.extend([dl, dc, b.character - a.character, t.kind.index(), 0]);
            line = a.line;
            col = a.character;
        }
        Ok(json!({"data": data}))
    }

    fn code_lens(&mut self, params: Value) -> Result<Value, String> {
        let p: lsp::CodeLensParams =
            serde_json::from_value(params).map_err(|e| format!("invalid parameters: {e}"))?;
        let uri = p.text_document.uri.as_str().to_string();
        let (ix, root) = self.index(&uri).ok_or("the document is not open")?;
        let text = ix.text(&root).unwrap_or("").to_string();
        let lines = Lines::new(&text);
        let results = self.docs.get(&uri).and_then(|d| d.tests.clone());
        let lenses: Vec<Value> = ix
            .tests(&root)
            .iter()
            .map(|t| {
                let title = match results.as_ref().and_then(|r| r.get(&t.span.0)) {
                    Some((true, _)) => "✓ passed · run the tests".to_string(),
                    Some((false, why)) => format!("✗ failed: {why} · run the tests"),
                    None => "▶ run the tests".to_string(),
                };
                json!({
                    "range": lines.range(t.span.0, t.span.0),
                    "command": {"title": title, "command": RUN_TESTS, "arguments": [uri]},
                })
            })
            .collect();
        Ok(Value::Array(lenses))
    }

    fn execute(&mut self, params: Value) -> Result<Value, String> {
        let p: lsp::ExecuteCommandParams =
            serde_json::from_value(params).map_err(|e| format!("invalid parameters: {e}"))?;
        if p.command != RUN_TESTS {
            return Err("no such command".into());
        }
        let uri = p
            .arguments
            .first()
            .and_then(Value::as_str)
            .ok_or("netspec.runTests takes the document's URI")?
            .to_string();
        let doc = self.docs.get(&uri).ok_or("the document is not open")?;
        let (name, sources) = self.sources(doc, &CompileOptions::default());
        let text = doc.text.clone();
        let spec = match Spec::compile_with_options(&name, &sources, &CompileOptions::default()) {
            Ok(spec) => spec,
            Err(e) => {
                let n = e.diagnostics.iter().filter(|d| d.is_error()).count();
                let msg = format!("the spec has {n} error(s): its tests cannot run");
                self.notify("window/showMessage", json!({"type": 1, "message": msg}));
                return Ok(json!({"error": msg, "tests": []}));
            }
        };
        let results = spec.run_tests();
        let ix = Index::single(&name, &text);
        let root = ix.files().next().unwrap_or("").to_string();
        let blocks = ix.tests(&root);
        let lines = Lines::new(&text);
        let mut by_block = BTreeMap::new();
        let mut out = Vec::new();
        let (mut passed, mut failed) = (0usize, 0usize);
        for r in &results {
            let start = r
                .location
                .as_ref()
                .filter(|l| l.file == root)
                .map(|l| l.start)
                .and_then(|s| {
                    blocks
                        .iter()
                        .find(|b| b.span.0 <= s && s < b.span.1.max(b.span.0 + 1))
                })
                .or_else(|| blocks.iter().find(|b| b.name == r.name))
                .map(|b| b.span.0);
            let why = if r.passed {
                String::new()
            } else if let Some(e) = &r.error {
                e.clone()
            } else {
                r.mismatches
                    .iter()
                    .map(|m| format!("{} expected {}, got {}", m.subject, m.expected, m.actual))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let why = netspec::render::escape_controls(&why).into_owned();
            if r.passed {
                passed += 1;
            } else {
                failed += 1;
            }
            if let Some(s) = start {
                by_block.insert(s, (r.passed, why.clone()));
            }
            out.push(json!({
                "name": netspec::render::escape_controls(&r.name),
                "line": start.map(|s| lines.position(s).line),
                "passed": r.passed,
                "message": why,
            }));
        }
        if let Some(doc) = self.docs.get_mut(&uri) {
            doc.tests = Some(by_block);
        }
        let summary = format!("{}: {passed} passed, {failed} failed", spec.id());
        self.notify(
            "window/showMessage",
            json!({"type": if failed == 0 { 3 } else { 1 }, "message": netspec::render::escape_controls(&summary)}),
        );
        Ok(json!({"passed": passed, "failed": failed, "tests": out}))
    }
}

fn compile(name: &str, sources: &Sources) -> Vec<Diagnostic> {
    match Spec::compile_with_options(name, sources, &CompileOptions::default()) {
        Ok(spec) => spec.warnings().to_vec(),
        Err(e) => e.diagnostics,
    }
}

/// The byte range of the `use` line of `text` that names `file` (or of
/// nothing at the start).
fn use_line(text: &str, file: &str) -> (usize, usize) {
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("use ") {
            let named = rest.trim().trim_matches('"');
            if !named.is_empty() && file.ends_with(named) {
                let lead = line.len() - line.trim_start().len();
                return (offset + lead, offset + lead + t.len());
            }
        }
        offset += line.len();
    }
    (0, 0)
}
