//! `netspec lsp` end to end: a client speaking JSON-RPC to the real binary
//! over its standard input and output, on every bundled spec (diagnostics,
//! hover, definition, references, completion, symbols, formatting, semantic
//! tokens, test lenses and the test command), on edits that leave a spec
//! broken half-way, and on hostile input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(120);

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn uri(p: &Path) -> String {
    let mut s = String::from("file://");
    for b in p.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    next: i64,
    /// Notifications and server requests not yet looked at.
    seen: VecDeque<Value>,
    /// The server's capabilities, from `initialize`.
    caps: Value,
}

impl Client {
    fn start(folder: &Path) -> Client {
        let mut c = Client::spawn();
        let init = c.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(folder),
                "workspaceFolders": [{"uri": uri(folder), "name": "specs"}],
                "capabilities": {},
            }),
        );
        c.caps = init["result"]["capabilities"].clone();
        let caps = &c.caps;
        for cap in [
            "hoverProvider",
            "definitionProvider",
            "referencesProvider",
            "documentSymbolProvider",
            "documentFormattingProvider",
        ] {
            assert_eq!(caps[cap], json!(true), "{cap}: {caps}");
        }
        assert_eq!(caps["textDocumentSync"], json!(1));
        assert_eq!(
            caps["executeCommandProvider"]["commands"],
            json!(["netspec.runTests"])
        );
        assert!(
            caps["semanticTokensProvider"]["legend"]["tokenTypes"]
                .as_array()
                .unwrap()
                .len()
                >= 10
        );
        c.notify("initialized", json!({}));
        c
    }

    fn spawn() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_netspec"))
            .args(["lsp", "--stdio"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = Some(v.parse::<usize>().unwrap());
                    }
                }
                let mut body = vec![0; len.unwrap()];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                let v: Value = serde_json::from_slice(&body).unwrap();
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        let stdin = child.stdin.take();
        Client {
            child,
            stdin,
            rx,
            next: 1,
            seen: VecDeque::new(),
            caps: Value::Null,
        }
    }

    fn write_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    fn send(&mut self, v: Value) {
        let body = serde_json::to_vec(&v).unwrap();
        let mut msg = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        msg.extend(body);
        self.write_raw(&msg);
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn recv(&mut self) -> Value {
        match self.rx.recv_timeout(TIMEOUT) {
            Ok(v) => v,
            Err(RecvTimeoutError::Timeout) => panic!("no message from the server in {TIMEOUT:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        }
    }

    /// The whole response (`result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next;
        self.next += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let v = self.recv();
            if v.get("method").is_none() && v["id"] == json!(id) {
                return v;
            }
            self.seen.push_back(v);
        }
    }

    fn result(&mut self, method: &str, params: Value) -> Value {
        let v = self.request(method, params);
        assert!(v.get("error").is_none(), "{method}: {v}");
        v["result"].clone()
    }

    /// The next notification `method` that `pred` accepts (earlier ones
    /// are dropped).
    fn wait(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let start = Instant::now();
        while let Some(v) = self.seen.pop_front() {
            if v["method"] == json!(method) && pred(&v["params"]) {
                return v["params"].clone();
            }
        }
        loop {
            assert!(start.elapsed() < TIMEOUT, "no {method}");
            let v = self.recv();
            if v["method"] == json!(method) && pred(&v["params"]) {
                return v["params"].clone();
            }
        }
    }

    fn diagnostics(&mut self, u: &str) -> Vec<Value> {
        let p = self.wait("textDocument/publishDiagnostics", |p| p["uri"] == json!(u));
        p["diagnostics"].as_array().unwrap().clone()
    }

    /// The diagnostics published for version `version` of `u`.
    fn diagnostics_of(&mut self, u: &str, version: i64) -> Vec<Value> {
        let p = self.wait("textDocument/publishDiagnostics", |p| {
            p["uri"] == json!(u) && p["version"] == json!(version)
        });
        p["diagnostics"].as_array().unwrap().clone()
    }

    fn open(&mut self, u: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": u, "languageId": "netspec", "version": 1, "text": text}}),
        );
        self.diagnostics(u)
    }

    fn change(&mut self, u: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": u, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    fn at(u: &str, line: usize, character: usize) -> Value {
        json!({"textDocument": {"uri": u}, "position": {"line": line, "character": character}})
    }

    fn stop(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "netspec lsp exited with {status}");
                return;
            }
            assert!(start.elapsed() < TIMEOUT, "netspec lsp did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// (line, UTF-16 column) of byte `offset` of `text`.
fn pos(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[start..offset].encode_utf16().count())
}

fn find(text: &str, needle: &str) -> usize {
    text.find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in the text"))
}

/// The byte offset of (line, character) in `text`.
fn offset_of(text: &str, line: u64, character: u64) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line as usize)
        .map(str::len)
        .sum();
    let l = &text[start..];
    let mut units = 0;
    for (i, c) in l.char_indices() {
        if units >= character as usize {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

fn range_text<'t>(text: &'t str, range: &Value) -> &'t str {
    let a = offset_of(
        text,
        range["start"]["line"].as_u64().unwrap(),
        range["start"]["character"].as_u64().unwrap(),
    );
    let b = offset_of(
        text,
        range["end"]["line"].as_u64().unwrap(),
        range["end"]["character"].as_u64().unwrap(),
    );
    &text[a..b]
}

/// Every capability on every bundled spec.
#[test]
fn every_capability_on_every_bundled_spec() {
    let specs_dir = repo().join("specs");
    let mut c = Client::start(&specs_dir);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&specs_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "netspec"))
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 12);
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap();
        let u = uri(path);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        // diagnostics: a bundled spec has no error
        let diags = c.open(&u, &text);
        assert!(
            diags.iter().all(|d| d["severity"] != json!(1)),
            "{name}: {diags:?}"
        );

        // symbols: every requirement under its area
        let syms = c.result(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": u}}),
        );
        let reqs: Vec<String> = syms
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["kind"] == json!(4)) // package: an area
            .flat_map(|a| a["children"].as_array().unwrap().clone())
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect();
        let written: Vec<String> = text
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("requirement "))
            .map(|l| l.split_whitespace().next().unwrap().to_string())
            .collect();
        assert_eq!(reqs, written, "{name}");
        assert!(
            syms.as_array()
                .unwrap()
                .iter()
                .any(|s| s["kind"] == json!(3) && !s["children"].as_array().unwrap().is_empty()),
            "{name}: an inputs section with inputs"
        );

        // hover on the first requirement: title, level, basis and ref
        let first = &written[0];
        let at = find(&text, &format!("requirement {first} ")) + "requirement ".len() + 1;
        let (l, ch) = pos(&text, at);
        let h = c.result("textDocument/hover", Client::at(&u, l, ch));
        let md = h["contents"]["value"].as_str().unwrap();
        assert!(md.starts_with(&format!("**{first}** ")), "{name}: {md}");
        assert!(
            md.contains("basis: ") && md.contains("ref: "),
            "{name}: {md}"
        );
        assert!(
            !md.contains("basis: not given") && !md.contains("ref: not given"),
            "{name}: {md}"
        );
        assert_eq!(range_text(&text, &h["range"]), first);

        // hover on the first input declared in the spec: its question
        let (decl_at, input, question) = first_input(&text);
        let (l, ch) = pos(&text, decl_at);
        let h = c.result("textDocument/hover", Client::at(&u, l, ch));
        let md = h["contents"]["value"].as_str().unwrap();
        assert!(md.contains(&question), "{name}: {input}: {md}");

        // references to it, and back to its declaration from each
        let refs = c.result(
            "textDocument/references",
            json!({"textDocument": {"uri": u}, "position": {"line": l, "character": ch}, "context": {"includeDeclaration": false}}),
        );
        let refs = refs.as_array().unwrap();
        assert!(!refs.is_empty(), "{name}: no reference to {input}");
        for r in refs.iter().filter(|r| r["uri"] == json!(u)) {
            assert_eq!(
                range_text(&text, &r["range"]),
                input.rsplit('.').next().unwrap(),
                "{name}"
            );
            let start = &r["range"]["start"];
            let d = c.result(
                "textDocument/definition",
                Client::at(
                    &u,
                    start["line"].as_u64().unwrap() as usize,
                    start["character"].as_u64().unwrap() as usize,
                ),
            );
            assert_eq!(d["uri"], json!(u), "{name}");
            assert_eq!(d["range"]["start"]["line"], json!(l), "{name}: {input}");
        }

        // completion of the requirement id of a test's `expect`
        if let Some(e) = text.find("  expect ").filter(|&e| {
            !text[e..].starts_with("  expect area") && !text[e..].starts_with("  expect overall")
        }) {
            let id_at = e + "  expect ".len();
            let id: String = text[id_at..].split_whitespace().next().unwrap().to_string();
            let (l, ch) = pos(&text, id_at + 1);
            let items = c.result("textDocument/completion", Client::at(&u, l, ch));
            let item = items["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["label"] == json!(id));
            let item = item.unwrap_or_else(|| panic!("{name}: {id} not offered"));
            assert_eq!(item["kind"], json!(18), "{name}"); // reference
            assert_eq!(
                item["textEdit"]["range"]["start"]["character"],
                json!(ch - 1)
            );
        }

        // formatting: the bundled specs are formatted already
        let edits = c.result(
            "textDocument/formatting",
            json!({"textDocument": {"uri": u}, "options": {"tabSize": 2, "insertSpaces": true}}),
        );
        assert_eq!(edits, json!([]), "{name}");

        // semantic tokens: the first is the `spec` keyword; all on one line each
        let toks = c.result(
            "textDocument/semanticTokens/full",
            json!({"textDocument": {"uri": u}}),
        );
        let data: Vec<u64> = toks["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        assert!(data.len() > 500 && data.len() % 5 == 0, "{name}");
        if text.starts_with("spec ") {
            assert_eq!(&data[..5], &[0, 0, 4, 0, 0], "{name}");
        }

        // test lenses, one per test block; the command runs them all
        let tests = text.lines().filter(|l| l.starts_with("test \"")).count();
        let lenses = c.result("textDocument/codeLens", json!({"textDocument": {"uri": u}}));
        assert_eq!(lenses.as_array().unwrap().len(), tests, "{name}");
        let ran = c.result(
            "workspace/executeCommand",
            json!({"command": "netspec.runTests", "arguments": [u]}),
        );
        // the tests of the used governance file run too
        let used = if text.contains("use \"common/network_governance.netspec\"") {
            let common =
                std::fs::read_to_string(specs_dir.join("common/network_governance.netspec"))
                    .unwrap();
            common.lines().filter(|l| l.starts_with("test \"")).count()
        } else {
            0
        };
        assert_eq!(ran["failed"], json!(0), "{name}: {ran}");
        assert_eq!(ran["passed"], json!(tests + used), "{name}: {ran}");
        let here = ran["tests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| !t["line"].is_null())
            .count();
        assert_eq!(here, tests, "{name}");
        let shown = c.wait("window/showMessage", |_| true);
        assert!(shown["message"]
            .as_str()
            .unwrap()
            .ends_with(&format!("{} passed, 0 failed", tests + used)));
        let lenses = c.result("textDocument/codeLens", json!({"textDocument": {"uri": u}}));
        for lens in lenses.as_array().unwrap() {
            let title = lens["command"]["title"].as_str().unwrap();
            assert!(title.starts_with("✓ passed"), "{name}: {title}");
            assert_eq!(
                &text
                    .lines()
                    .nth(lens["range"]["start"]["line"].as_u64().unwrap() as usize)
                    .unwrap()[..6],
                "test \""
            );
        }
        c.notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
        let closed = c.diagnostics(&u);
        assert!(closed.is_empty());
    }
    c.stop();
}

/// The first input declared at the top of an `inputs` block: its offset,
/// its name and its question (the first string on its line).
fn first_input(text: &str) -> (usize, String, String) {
    let mut offset = 0;
    let mut in_inputs = false;
    for line in text.split_inclusive('\n') {
        if line.starts_with("inputs ") {
            in_inputs = true;
        } else if line.starts_with(|c: char| c.is_ascii_alphabetic()) {
            in_inputs = false;
        } else if in_inputs && line.starts_with("  ") {
            let t = line.trim_start();
            if let Some((name, rest)) = t.split_once(':') {
                let scalar = ["int", "number", "percent", "bool", "date", "enum"]
                    .iter()
                    .any(|k| rest.trim_start().starts_with(k));
                if scalar && rest.contains('"') {
                    let q = rest.split('"').nth(1).unwrap().to_string();
                    let last = name.rsplit('.').next().unwrap();
                    let indent = line.len() - t.len();
                    let at = offset + indent + name.len() - last.len();
                    return (at, name.to_string(), q);
                }
            }
        }
        offset += line.len();
    }
    panic!("no scalar input at the top of an inputs block");
}

/// renal in detail: hover on fields, functions and enum values, completion
/// while a line is half written, definition across a `use`, diagnostics of
/// the broken text and of the mended one.
#[test]
fn renal_in_detail_and_half_written_lines() {
    let specs_dir = repo().join("specs");
    let path = specs_dir.join("renal.netspec");
    let text = std::fs::read_to_string(&path).unwrap();
    let u = uri(&path);
    let mut c = Client::start(&specs_dir);
    assert!(c.open(&u, &text).iter().all(|d| d["severity"] != json!(1)));

    // a field read through a variable: its question, type and unit
    let at = find(&text, "u.hd_patients / u.hd_places") + 3;
    let (l, ch) = pos(&text, at);
    let h = c.result("textDocument/hover", Client::at(&u, l, ch));
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(
        md.starts_with("**`units.hd_patients`**: int, min 0, in patients"),
        "{md}"
    );
    assert!(md.contains("How many patients have their haemodialysis at this unit now?"));
    // its definition in the list's declaration
    let d = c.result("textDocument/definition", Client::at(&u, l, ch));
    assert_eq!(range_text(&text, &d["range"]), "hd_patients");
    assert_eq!(
        d["range"]["start"]["line"],
        json!(pos(&text, find(&text, "    hd_patients: int")).0)
    );
    // the variable
    let h = c.result("textDocument/hover", Client::at(&u, l, ch - 2));
    assert_eq!(
        h["contents"]["value"],
        json!("variable: one unit of `units`")
    );
    // an enum value
    let at = find(&text, "    applies when provider.centre_type == adult")
        + "    applies when provider.centre_type == ".len();
    let (l, ch) = pos(&text, at);
    let h = c.result("textDocument/hover", Client::at(&u, l, ch));
    assert!(h["contents"]["value"]
        .as_str()
        .unwrap()
        .starts_with("`adult`: a value of `provider.centre_type` (enum(adult, paediatric))"));
    // `use`: the used file
    let at = find(&text, "use \"common/") + 6;
    let (l, ch) = pos(&text, at);
    let d = c.result("textDocument/definition", Client::at(&u, l, ch));
    assert_eq!(
        d["uri"],
        json!(uri(&specs_dir.join("common/network_governance.netspec")))
    );
    // a `let` definition: hover shows it, references find its uses
    let at = find(&text, "let home_dialysis") + 4;
    let (l, ch) = pos(&text, at);
    let h = c.result("textDocument/hover", Client::at(&u, l, ch));
    assert_eq!(
        h["contents"]["value"],
        json!("```netspec\nlet home_dialysis = prevalent.home_hd + prevalent.pd\n```\ndefinition")
    );
    let refs = c.result("textDocument/references", json!({"textDocument": {"uri": u}, "position": {"line": l, "character": ch}, "context": {"includeDeclaration": true}}));
    let n = text.matches("home_dialysis").count();
    assert_eq!(refs.as_array().unwrap().len(), n);

    // semantic tokens, decoded: a requirement id, an input read through a
    // variable, the variable, a function, a keyword, a comment
    let legend: Vec<String> = c.caps["semanticTokensProvider"]["legend"]["tokenTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    // a second initialize is refused
    let again = c.request("initialize", json!({"processId": null, "capabilities": {}}));
    assert_eq!(again["error"]["code"], json!(-32600), "{again}");
    let toks = c.result(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": u}}),
    );
    let data: Vec<u64> = toks["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let mut decoded = std::collections::BTreeMap::new();
    let (mut line, mut col) = (0u64, 0u64);
    for t in data.chunks(5) {
        if t[0] > 0 {
            line += t[0];
            col = t[1];
        } else {
            col += t[1];
        }
        decoded.insert(
            (line as usize, col as usize),
            (t[2] as usize, legend[t[3] as usize].clone()),
        );
    }
    let kind_at = |needle: &str, skip: usize| {
        let at = find(&text, needle) + skip;
        decoded.get(&pos(&text, at)).cloned()
    };
    assert_eq!(
        kind_at("  requirement REN-SD-01 ", 14),
        Some((9, "class".to_string()))
    );
    assert_eq!(
        kind_at("all u in units: u.hd_patients /", 18),
        Some((11, "property".to_string()))
    );
    assert_eq!(
        kind_at("all u in units: u.hd_patients /", 16),
        Some((1, "parameter".to_string()))
    );
    assert_eq!(
        kind_at("all u in units: u.hd_patients /", 0),
        Some((3, "keyword".to_string()))
    );
    assert_eq!(
        kind_at("// A renal centre", 0).map(|k| k.1),
        Some("comment".to_string())
    );
    assert_eq!(
        kind_at("let home_dialysis", 4),
        Some((13, "variable".to_string()))
    );

    // half a line: `all u in units: u.` with nothing after the dot
    let line = "    all u in units: u.patients_with_access_plan >= u.hd_patients";
    let broken = text.replacen(line, "    all u in units: u.", 1);
    c.change(&u, 2, &broken);
    let at = find(&broken, "all u in units: u.\n") + "all u in units: u.".len();
    let (l, ch) = pos(&broken, at);
    let items = c.result("textDocument/completion", Client::at(&u, l, ch));
    let labels: Vec<&str> = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        vec![
            "name",
            "hd_patients",
            "hd_places",
            "patients_with_access_plan",
            "access_lead_named",
            "cannulating_staff",
            "cannulating_staff_trained",
            "transport_journeys",
            "transport_waits_over_30"
        ]
    );
    assert!(items["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["kind"] == json!(5)));
    // the other requirements still answer
    let at = find(&broken, "u.cannulating_staff_trained") + 3;
    let (l2, ch2) = pos(&broken, at);
    let h = c.result("textDocument/hover", Client::at(&u, l2, ch2));
    assert!(h["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("training in assessing the access"));
    // and the diagnostics say where the line breaks off
    let diags = c.diagnostics_of(&u, 2);
    let errors: Vec<&Value> = diags.iter().filter(|d| d["severity"] == json!(1)).collect();
    assert_eq!(errors.len(), 1, "{diags:?}");
    let e = errors[0];
    assert!(e["code"].as_str().unwrap().starts_with("NS00"), "{e}");
    let line_of_error = e["range"]["start"]["line"].as_u64().unwrap() as usize;
    assert!(line_of_error == l || line_of_error == l + 1, "{e}");
    assert_eq!(e["source"], json!("netspec"));
    // the code's explanation on hover where the error is
    let h = c.result(
        "textDocument/hover",
        Client::at(
            &u,
            line_of_error,
            e["range"]["start"]["character"].as_u64().unwrap() as usize,
        ),
    );
    let code = e["code"].as_str().unwrap();
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .contains(&format!("**{code}**")),
        "{h}"
    );
    // formatting leaves broken text alone
    let f = c.result(
        "textDocument/formatting",
        json!({"textDocument": {"uri": u}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(f, Value::Null);

    // enum values after `==`
    let broken2 = text.replacen(
        "    applies when provider.centre_type == adult",
        "    applies when provider.centre_type == ",
        1,
    );
    c.change(&u, 3, &broken2);
    let at = find(&broken2, "    applies when provider.centre_type == ")
        + "    applies when provider.centre_type == ".len();
    let (l, ch) = pos(&broken2, at);
    let items = c.result("textDocument/completion", Client::at(&u, l, ch));
    let labels: Vec<&str> = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, vec!["adult", "paediatric"]);

    // a misspelt field: the checker's error with its help as related information
    let misspelt = text.replacen(
        "u.hd_patients / u.hd_places",
        "u.hd_patients / u.hd_plcaes",
        1,
    );
    c.change(&u, 4, &misspelt);
    let diags = c.diagnostics_of(&u, 4);
    let e = diags.iter().find(|d| d["severity"] == json!(1)).unwrap();
    assert_eq!(e["code"], json!("NS0017"));
    assert_eq!(range_text(&misspelt, &e["range"]), "hd_plcaes");
    let related: Vec<&str> = e["relatedInformation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["message"].as_str().unwrap())
        .collect();
    assert!(
        related.contains(&"did you mean `hd_places`?"),
        "{related:?}"
    );
    assert!(e["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .ends_with("#10-diagnostics"));

    // mended: no error
    c.change(&u, 5, &text);
    assert!(c
        .diagnostics_of(&u, 5)
        .iter()
        .all(|d| d["severity"] != json!(1)));
    c.stop();
}

/// Typing a requirement one character at a time, with queries between the
/// keystrokes: every request is answered, diagnostics come debounced, and
/// the finished text is clean. Across files: definition and references
/// between a spec and the file it uses.
#[test]
fn typing_and_files_used() {
    let dir = support::Dir::new("lsp-typing");
    let shared = "inputs \"Board\" {\n  board_members: int min 0 \"How many members has the board?\"\n}\n\narea collaboration {\n  requirement CO-01 must \"A board\" {\n    basis standard\n    board_members >= 3\n    ref \"Demo standard 3\"\n  }\n}\n";
    let head = "spec demo \"Demo\" { version \"1\" }\n\nuse \"common/shared.netspec\"\n\ninputs \"Units\" {\n  units: list min 1 \"Units\" item \"unit\" {\n    name: text \"Unit name\"\n    beds: int min 0 \"How many beds?\" unit \"beds\"\n  }\n}\n\narea resources {\n";
    let req = "  requirement RE-01 must \"Beds\" {\n    basis standard\n    all u in units: u.beds > 0 and board_members >= 1\n    ref \"Demo standard 1\"\n  }\n";
    let tail = "}\n\ntest \"beds\" {\n  given { \"units\": [{\"name\": \"A\", \"beds\": 2}] }\n  assessed_on 2025-06-30\n  expect RE-01 met\n}\n";
    let main = dir.write("demo.netspec", format!("{head}{req}{tail}"));
    let common = dir.write("common/shared.netspec", shared);
    let u = uri(&main);
    let mut c = Client::start(dir.path());
    let clean = format!("{head}{req}{tail}");
    let diags = c.open(&u, &clean);
    assert!(diags.iter().all(|d| d["severity"] != json!(1)), "{diags:?}");

    // across files: the input of the used file
    let at = find(&clean, "board_members >= 1");
    let (l, ch) = pos(&clean, at);
    let d = c.result("textDocument/definition", Client::at(&u, l, ch));
    assert_eq!(d["uri"], json!(uri(&common)));
    assert_eq!(d["range"]["start"], json!({"line": 1, "character": 2}));
    let h = c.result("textDocument/hover", Client::at(&u, l, ch));
    assert!(h["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("How many members has the board?"));
    // from the used file, opened: its references in the spec that uses it
    let cu = uri(&common);
    let diags = c.open(&cu, shared);
    assert!(diags.iter().all(|d| d["severity"] != json!(1)), "{diags:?}");
    let refs = c.result("textDocument/references", json!({"textDocument": {"uri": cu}, "position": {"line": 1, "character": 4}, "context": {"includeDeclaration": true}}));
    let mut got: Vec<(String, u64)> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["uri"].as_str().unwrap().to_string(),
                r["range"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    got.sort();
    let mut want = vec![(cu.clone(), 1), (cu.clone(), 7), (u.clone(), l as u64)];
    want.sort();
    assert_eq!(got, want);
    // an error in the used file shows in it, checked through the spec
    let bad_shared = shared.replace("board_members >= 3", "board_membres >= 3");
    c.change(&cu, 2, &bad_shared);
    let diags = c.diagnostics_of(&cu, 2);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["code"], json!("NS0002"));
    assert_eq!(range_text(&bad_shared, &diags[0]["range"]), "board_membres");
    c.change(&cu, 3, shared);
    assert!(c.diagnostics_of(&cu, 3).is_empty());

    // typing the requirement one character at a time
    let mut version = 10;
    for n in 0..=req.len() {
        if !req.is_char_boundary(n) {
            continue;
        }
        let text = format!("{head}{}{tail}", &req[..n]);
        version += 1;
        c.change(&u, version, &text);
        let end = head.len() + n;
        let (l, ch) = pos(&text, end);
        if n % 3 == 0 {
            let r = c.request("textDocument/completion", Client::at(&u, l, ch));
            assert!(r.get("error").is_none(), "{r}");
            let r = c.request(
                "textDocument/hover",
                Client::at(&u, l, ch.saturating_sub(1)),
            );
            assert!(r.get("error").is_none(), "{r}");
        }
        if n % 17 == 0 {
            for m in [
                "textDocument/documentSymbol",
                "textDocument/semanticTokens/full",
                "textDocument/codeLens",
                "textDocument/formatting",
            ] {
                let r = c.request(m, json!({"textDocument": {"uri": u}, "options": {"tabSize": 2, "insertSpaces": true}}));
                assert!(r.get("error").is_none(), "{m}: {r}");
            }
        }
    }
    // the finished text is clean
    let last = c.wait("textDocument/publishDiagnostics", |p| {
        p["uri"] == json!(u) && p["version"] == json!(version)
    });
    assert!(
        last["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["severity"] != json!(1)),
        "{last}"
    );
    // debounced: a burst of changes is checked once, at its last version
    let first = version + 1;
    for n in 0..30 {
        version += 1;
        let text = format!("{head}{}{tail}", &req[..req.len() - 30 + n]);
        c.change(&u, version, &text);
    }
    let mut published = Vec::new();
    loop {
        let p = c.wait("textDocument/publishDiagnostics", |p| p["uri"] == json!(u));
        published.push(p["version"].as_i64().unwrap());
        if p["version"] == json!(version) {
            break;
        }
    }
    assert_eq!(
        published,
        vec![version],
        "checked at versions {published:?} of {first}..={version}"
    );
    // half-way: an unclosed block is reported, the server lives on
    let cut = format!("{head}{}", &req[..req.find("basis").unwrap()]);
    version += 1;
    c.change(&u, version, &cut);
    let diags = c.diagnostics_of(&u, version);
    assert!(diags.iter().any(|d| d["severity"] == json!(1)), "{diags:?}");
    let syms = c.result(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": u}}),
    );
    assert!(
        syms.as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == json!("Units")),
        "{syms}"
    );
    // a requirement left open before the next one: the error is at its `{`,
    // and where the parser noticed is related information on the line of
    // the next requirement
    let open_req = req.replacen("\n  }\n", "\n\n", 1);
    let unclosed = format!("{head}{open_req}{req}{tail}");
    version += 1;
    c.change(&u, version, &unclosed);
    let diags = c.diagnostics_of(&u, version);
    let d = diags
        .iter()
        .find(|d| {
            d["message"]
                .as_str()
                .unwrap_or("")
                .starts_with("unclosed `{`")
        })
        .unwrap_or_else(|| panic!("{diags:?}"));
    let brace = find(&unclosed, "\"Beds\" {") + "\"Beds\" ".len();
    assert_eq!(
        d["range"]["start"]["line"],
        json!(pos(&unclosed, brace).0),
        "{d}"
    );
    let next_req = unclosed.rfind("requirement RE-01").unwrap();
    let noticed = d["relatedInformation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["message"]
                .as_str()
                .unwrap_or("")
                .starts_with("noticed here: ")
        })
        .unwrap_or_else(|| panic!("{d}"));
    assert_eq!(noticed["location"]["uri"], json!(u));
    assert_eq!(
        noticed["location"]["range"]["start"]["line"],
        json!(pos(&unclosed, next_req).0),
        "{d}"
    );
    c.stop();
}

/// Messages no client should send: an oversized body, bodies that are not
/// JSON-RPC, unknown methods, requests before `initialize`, and a spec that
/// names files outside its folder. The server answers or skips each and
/// goes on.
#[test]
fn hostile_input() {
    let dir = support::Dir::new("lsp-hostile");
    let outside = support::Dir::new("lsp-outside");
    outside.write(
        "secret.netspec",
        "inputs \"S\" { secret: int \"Secret\" }\n",
    );
    let spec = format!(
        "spec demo \"Demo\" {{ version \"1\" }}\nuse \"{}\"\nuse \"../{}/secret.netspec\"\n",
        outside.path().join("secret.netspec").display(),
        outside.path().file_name().unwrap().to_string_lossy()
    );
    let main = dir.write("demo.netspec", &spec);
    let mut c = Client::spawn();
    // before initialize
    let r = c.request("textDocument/hover", json!({}));
    assert_eq!(r["error"]["code"], json!(-32002));
    c.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(dir.path()), "capabilities": {}}),
    );
    c.notify("initialized", json!({}));
    // over the size limit: skipped unread
    let big = 16 * 1024 * 1024 + 1;
    let mut msg = format!("Content-Length: {big}\r\n\r\n").into_bytes();
    msg.resize(msg.len() + big, b' ');
    c.write_raw(&msg);
    let logged = c.wait("window/logMessage", |_| true);
    assert!(
        logged["message"]
            .as_str()
            .unwrap()
            .contains("over the limit"),
        "{logged}"
    );
    // not JSON, not JSON-RPC
    c.write_raw(b"Content-Length: 5\r\n\r\n{{{{{");
    c.wait("window/logMessage", |p| {
        p["message"]
            .as_str()
            .unwrap()
            .contains("not a JSON-RPC message")
    });
    c.write_raw(b"Content-Length: 2\r\n\r\n[]");
    c.wait("window/logMessage", |p| {
        p["message"]
            .as_str()
            .unwrap()
            .contains("not a JSON-RPC message")
    });
    // an unknown method, and bad parameters
    let r = c.request("netspec/nothing\u{1b}[31m", json!({}));
    assert_eq!(r["error"]["code"], json!(-32601));
    assert!(!r["error"]["message"].as_str().unwrap().contains('\u{1b}'));
    let r = c.request("textDocument/hover", json!({"textDocument": 5}));
    assert_eq!(r["error"]["code"], json!(-32602));
    // a document never opened
    let r = c.request(
        "textDocument/hover",
        Client::at("file:///nowhere.netspec", 0, 0),
    );
    assert_eq!(r["error"]["code"], json!(-32602));
    // files outside the spec's folder are refused, not read
    let u = uri(&main);
    let diags = c.open(&u, &spec);
    let codes: Vec<&str> = diags.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["NS0311", "NS0311"], "{diags:?}");
    let h = c.request("textDocument/hover", Client::at(&u, 0, 0));
    assert!(!h.to_string().contains("Secret"));
    let items = c.result("textDocument/completion", Client::at(&u, 3, 0));
    assert!(!items.to_string().contains("secret"));
    // positions past the end, and on a line of its own
    for (l, ch) in [(0, 9999), (9999, 0), (1, 3)] {
        for m in [
            "textDocument/hover",
            "textDocument/definition",
            "textDocument/completion",
        ] {
            let r = c.request(m, Client::at(&u, l, ch));
            assert!(r.get("error").is_none(), "{m}: {r}");
        }
    }
    // a text of control characters and odd bytes
    c.change(&u, 2, "\u{0}\u{1b}[2J spec \u{202e} {{{{ \"\n\u{feff}");
    let diags = c.diagnostics_of(&u, 2);
    assert!(!diags.is_empty());
    assert!(diags
        .iter()
        .all(|d| !d["message"].as_str().unwrap().contains('\u{1b}')));
    c.stop();
}
