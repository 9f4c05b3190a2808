//! End-to-end tests of `netspec serve`: the real binary on a free loopback
//! port, driven by a real HTTP client (reqwest) and, where the test needs
//! control of the bytes on the wire (streaming, slow and cut-off bodies,
//! graceful shutdown), by plain TCP. Every route and status, report bytes
//! equal to `netspec eval --format json` over every bundled example, the
//! batch route equal to `netspec eval --batch` and streamed, reload with a
//! broken spec (admin route and SIGHUP), graceful shutdown with a request in
//! flight, hostile requests after which the server still answers, slow and
//! idle clients cut off by the header timeout, the cap on open connections,
//! and accept errors (too many open files) that do not stop the server.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use reqwest::StatusCode;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const BIN: &str = env!("CARGO_BIN_EXE_netspec");

/// A running `netspec serve`, stopped (killed) when dropped.
struct Server {
    child: Child,
    addr: String,
    base: String,
    logs: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `netspec serve --addr 127.0.0.1:0 ARGS...` in the repository
    /// root and waits until it is ready (or, with `ready` false, listening).
    fn start_with(args: &[&str], ready: bool) -> Server {
        let child = Command::new(BIN)
            .arg("serve")
            .args(["--addr", "127.0.0.1:0"])
            .args(args)
            .current_dir(root())
            .env("RUST_LOG", "info")
            .env_remove("NETSPEC_ADMIN_TOKEN")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("netspec serve starts");
        let server = Server::attach(child);
        if ready {
            server.wait_ready();
        }
        server
    }

    fn start(args: &[&str]) -> Server {
        Server::start_with(args, true)
    }

    /// A started `netspec serve` (stdout and stderr piped): its logs
    /// collected, and its address read from the line it prints first.
    fn attach(mut child: Child) -> Server {
        let logs = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = logs.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut l = sink.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        });
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        std::thread::spawn(move || {
            let mut rest = String::new();
            let _ = stdout.read_to_string(&mut rest);
        });
        let addr = first
            .trim()
            .strip_prefix("netspec serve: listening on http://")
            .unwrap_or_else(|| panic!("no address in {first:?}; logs: {}", logs.lock().unwrap()))
            .to_string();
        Server {
            child,
            base: format!("http://{addr}"),
            addr,
            logs,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn wait_ready(&self) {
        let c = client();
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(r) = c.get(self.url("/readyz")).send() {
                if r.status() == StatusCode::OK {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("not ready after 60 s; logs:\n{}", self.logs());
    }

    fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }

    fn signal(&self, name: &str) {
        let ok = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -{name}");
    }

    /// Waits for the process to end; its exit status.
    fn wait_exit(&mut self, within: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "still running after {within:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn client() -> Client {
    Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

fn post_json(c: &Client, url: &str, body: Vec<u8>) -> reqwest::blocking::Response {
    c.post(url)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .unwrap()
}

/// Every bundled example: (spec id, example file).
fn examples() -> Vec<(String, PathBuf)> {
    let mut all = Vec::new();
    let dir = root().join("specs/examples");
    let mut specs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    specs.sort();
    for spec_dir in specs {
        let id = spec_dir.file_name().unwrap().to_str().unwrap().to_string();
        let mut files: Vec<_> = std::fs::read_dir(&spec_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        for f in files {
            all.push((id.clone(), f));
        }
    }
    all
}

/// `netspec ARGS` run in the repository root: its stdout, and whether it succeeded.
fn cli(args: &[&str]) -> (Vec<u8>, bool) {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    (out.stdout, out.status.success())
}

/// Sends `head` then reads a whole HTTP/1.1 answer from `s`: its status and body.
fn read_answer(s: &mut TcpStream) -> (u16, String) {
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut text = Vec::new();
    let _ = s.read_to_end(&mut text);
    let text = String::from_utf8_lossy(&text).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn reports_equal_the_cli_over_every_bundled_example() {
    let server = Server::start(&["--no-web"]);
    let c = client();
    let all = examples();
    assert!(all.len() >= 60, "{} examples", all.len());
    for (id, file) in &all {
        let spec = format!("specs/{id}.netspec");
        let (want, ok) = cli(&["eval", "--format", "json", &spec, file.to_str().unwrap()]);
        assert!(ok, "netspec eval {spec} {}", file.display());
        assert!(want.ends_with(b"}\n"));
        let r = post_json(
            &c,
            &server.url(&format!("/v1/specs/{id}/evaluate")),
            std::fs::read(file).unwrap(),
        );
        assert_eq!(r.status(), StatusCode::OK, "{}", file.display());
        assert_eq!(
            r.headers()["content-type"].to_str().unwrap(),
            "application/json"
        );
        let got = r.bytes().unwrap();
        assert!(
            got.as_ref() == want.as_slice(),
            "{}: the report differs from netspec eval --format json",
            file.display()
        );
    }
    // the options, as the CLI's flags
    let file = "specs/examples/adult_critical_care/partly_compliant.json";
    let (want, ok) = cli(&[
        "eval",
        "--format",
        "json",
        "--as-of",
        "2025-01-31",
        "--no-explanations",
        "specs/adult_critical_care.netspec",
        file,
    ]);
    assert!(ok);
    let r = post_json(
        &c,
        &server.url("/v1/specs/adult_critical_care/evaluate?as_of=2025-01-31&explanations=false"),
        std::fs::read(root().join(file)).unwrap(),
    );
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.bytes().unwrap().as_ref() == want.as_slice());
    // compact: the line `eval --batch` writes
    let batch = root().join("target/serve-test-one.ndjson");
    let one: Value = serde_json::from_slice(&std::fs::read(root().join(file)).unwrap()).unwrap();
    std::fs::write(&batch, format!("{one}\n")).unwrap();
    let (want, _) = cli(&[
        "eval",
        "specs/adult_critical_care.netspec",
        "--batch",
        batch.to_str().unwrap(),
    ]);
    let r = post_json(
        &c,
        &server.url("/v1/specs/adult_critical_care/evaluate?compact=true"),
        serde_json::to_vec(&one).unwrap(),
    );
    assert_eq!(r.status(), StatusCode::OK);
    let got = r.bytes().unwrap();
    // the batch line ends with its line number and ODS code; the rest is the report
    let code = one["header"]["organisation"]["ods_code"].as_str().unwrap();
    let tail = format!(",\"line\":1,\"ods_code\":\"{code}\"}}\n");
    let want = String::from_utf8(want).unwrap();
    let report = want.strip_suffix(&tail).map(|r| format!("{r}}}\n"));
    assert!(want.len() > 1000 && report.as_deref().map(str::as_bytes) == Some(got.as_ref()));
    let _ = std::fs::remove_file(batch);
}

#[test]
fn every_route_and_status() {
    // a web folder of our own: the pages and a built package
    let tmp = root().join("target/serve-test-web");
    let _ = std::fs::remove_dir_all(&tmp);
    for (f, text) in [
        ("web/index.html", "<!doctype html><title>form</title>"),
        (
            "web/playground.html",
            "<!doctype html><title>playground</title>",
        ),
        ("web/css/site.css", "body{}"),
        ("web/generated/specs.js", "export default {}"),
        ("web/server.mjs", "secret"),
        ("wasm/web.js", "export {}"),
        ("wasm/pkg/core.mjs", "export {}"),
        ("wasm/pkg/web/netspec_wasm.js", "export {}"),
        ("wasm/pkg/web/netspec_wasm_bg.wasm", "\0asm"),
        ("wasm/Cargo.toml", "secret"),
    ] {
        let p = tmp.join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let web = tmp.join("web");
    let server = Server::start(&[
        "--admin-token",
        "s3cret-token",
        "--web",
        web.to_str().unwrap(),
    ]);
    let c = client();
    let get = |path: &str| c.get(server.url(path)).send().unwrap();

    // operations
    let r = get("/healthz");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers().contains_key("x-request-id"));
    assert_eq!(r.json::<Value>().unwrap()["status"], "ok");
    let r = get("/readyz");
    assert_eq!(r.status(), StatusCode::OK);
    let ready: Value = r.json().unwrap();
    assert_eq!(ready["ready"], true);
    assert_eq!(ready["generation"], 1);
    assert_eq!(ready["specs"].as_array().unwrap().len(), 12);
    let r = get("/openapi.json");
    assert_eq!(r.status(), StatusCode::OK);
    let doc: Value = r.json().unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let (printed, ok) = cli(&["serve", "--print-openapi"]);
    assert!(ok);
    assert_eq!(serde_json::from_slice::<Value>(&printed).unwrap(), doc);

    // specs
    let r = get("/v1/specs");
    assert_eq!(r.status(), StatusCode::OK);
    let list: Value = r.json().unwrap();
    let acc = list
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "adult_critical_care")
        .unwrap();
    assert_eq!(
        acc["title"],
        "Adult critical care operational delivery network"
    );
    assert_eq!(
        acc["respondents"],
        serde_json::json!(["provider", "network"])
    );
    assert!(acc["version"].is_string());
    let r = get("/v1/specs/adult_critical_care");
    assert_eq!(r.status(), StatusCode::OK);
    let detail: Value = r.json().unwrap();
    let (inputs, ok) = cli(&[
        "inputs",
        "--format",
        "json",
        "specs/adult_critical_care.netspec",
    ]);
    assert!(ok);
    assert_eq!(
        detail["inputs"],
        serde_json::from_slice::<Value>(&inputs).unwrap()
    );
    assert_eq!(
        detail["requirement_ids"].as_array().unwrap().len(),
        acc["requirements"].as_u64().unwrap() as usize
    );
    let r = get("/v1/specs/adult_critical_care/schema");
    assert_eq!(r.status(), StatusCode::OK);
    let (schema, ok) = cli(&["schema", "specs/adult_critical_care.netspec"]);
    assert!(ok);
    assert_eq!(
        r.json::<Value>().unwrap(),
        serde_json::from_slice::<Value>(&schema).unwrap()
    );
    for path in [
        "/v1/specs/nope",
        "/v1/specs/nope/schema",
        "/v1/specs/..%2Fspecs%2Fadult_critical_care",
    ] {
        let r = get(path);
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(r.json::<Value>().unwrap()["kind"], "usage");
    }

    // evaluate: every status
    let eval = server.url("/v1/specs/adult_critical_care/evaluate");
    let example =
        std::fs::read(root().join("specs/examples/adult_critical_care/compliant.json")).unwrap();
    let r = post_json(&c, &eval, example.clone());
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().unwrap()["overall"]["rating"], "green");
    let r = post_json(&c, &server.url("/v1/specs/nope/evaluate"), example.clone());
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = c
        .post(&eval)
        .header("content-type", "text/plain")
        .body(example.clone())
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = c.post(&eval).body(example.clone()).send().unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = c
        .post(&eval)
        .header("content-type", "application/json; charset=utf-8")
        .body(example.clone())
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    for query in [
        "as_of=2025-02-30",
        "unattributed=everyone",
        "explanations=maybe",
        "asof=2025-01-01",
    ] {
        let r = post_json(&c, &format!("{eval}?{query}"), example.clone());
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(r.json::<Value>().unwrap()["kind"], "usage");
    }
    let r = post_json(&c, &eval, b"{\n  \"header\": 1,,\n}".to_vec());
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let f: Value = r.json().unwrap();
    assert_eq!(f["kind"], "submission");
    assert_eq!(f["diagnostics"][0]["code"], "NS0207");
    assert_eq!(f["json_position"]["line"], 2);
    let r = post_json(&c, &eval, br#"{"beds": 2}"#.to_vec());
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json::<Value>().unwrap()["diagnostics"][0]["code"],
        "NS0211"
    );
    let r = post_json(&c, &eval, b"{\"a\": \"\xff\"}".to_vec());
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json::<Value>().unwrap()["diagnostics"][0]["code"],
        "NS0309"
    );
    // over the limit: answered before the body is read (and the connection
    // closed), so sent by hand
    let (status, body) = declared(
        &server,
        "/v1/specs/adult_critical_care/evaluate",
        4 * 1024 * 1024 + 1,
    );
    assert_eq!(status, 413);
    let f: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(f["diagnostics"][0]["code"], "NS0305");
    assert!(f["message"].as_str().unwrap().contains("4194305"), "{f}");
    let r = c.get(&eval).send().unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);

    // batch
    let batch = server.url("/v1/specs/adult_critical_care/evaluate-batch");
    let r = c
        .post(&batch)
        .header("content-type", "application/json")
        .body("{}\n")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = c
        .post(server.url("/v1/specs/nope/evaluate-batch"))
        .header("content-type", "application/x-ndjson")
        .body("{}\n")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = c
        .post(format!("{batch}?compact=true"))
        .header("content-type", "application/x-ndjson")
        .body("{}\n")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = c
        .post(&batch)
        .header("content-type", "application/x-ndjson")
        .body("{,}\n\n{}")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/x-ndjson");
    let text = r.text().unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["line"], 1);
    assert_eq!(lines[0]["diagnostics"][0]["code"], "NS0207");
    assert_eq!(lines[1]["line"], 3);
    assert_eq!(lines[1]["diagnostics"][0]["code"], "NS0211");

    // check: diagnostics, no file access
    let check = server.url("/v1/check");
    let good = std::fs::read_to_string(root().join("specs/hepatitis_c.netspec")).unwrap();
    let call = serde_json::json!({"name": "demo.netspec", "source": "spec demo \"Demo\" { version \"1\" }\ninputs { beds: int min 0 \"Beds\" }\narea resources { requirement R-1 must \"Some beds\" { beds > 0 } }\n"});
    let r = post_json(&c, &check, serde_json::to_vec(&call).unwrap());
    assert_eq!(r.status(), StatusCode::OK);
    let a: Value = r.json().unwrap();
    assert_eq!(a["ok"], true);
    assert_eq!(a["errors"], 0);
    // a spec whose `use`d files are not given: the files on disk are not read
    let call =
        serde_json::json!({"name": "specs/hepatitis_c.netspec", "source": good, "tests": false});
    let r = post_json(&c, &check, serde_json::to_vec(&call).unwrap());
    assert_eq!(r.status(), StatusCode::OK);
    let a: Value = r.json().unwrap();
    assert_eq!(a["ok"], false);
    assert!(a["errors"].as_u64().unwrap() >= 1);
    let call = serde_json::json!({"source": "spec {"});
    let a: Value = post_json(&c, &check, serde_json::to_vec(&call).unwrap())
        .json()
        .unwrap();
    assert_eq!(a["ok"], false);
    assert_eq!(a["diagnostics"][0]["severity"], "error");
    let r = post_json(&c, &check, b"{\"sauce\": \"x\"}".to_vec());
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = post_json(&c, &check, b"not json".to_vec());
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = c
        .post(&check)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, _) = declared(&server, "/v1/check", 9 * 1024 * 1024);
    assert_eq!(status, 413);

    // admin reload
    let reload = server.url("/v1/admin/reload");
    let r = c.post(&reload).send().unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
    let r = c.post(&reload).bearer_auth("s3cret-tokem").send().unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = c.post(&reload).bearer_auth("s3cret-token").send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let a: Value = r.json().unwrap();
    assert_eq!(a["generation"], 2);
    assert_eq!(a["ready"], true);

    // pages: only the files the pages need
    let r = get("/");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    let etag = r.headers()["etag"].clone();
    assert!(r.text().unwrap().contains("<title>form</title>"));
    let r = c
        .get(server.url("/"))
        .header("if-none-match", etag)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    let r = get("/playground");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().unwrap().contains("playground"));
    assert_eq!(
        get("/wasm/pkg/web/netspec_wasm_bg.wasm").headers()["content-type"],
        "application/wasm"
    );
    assert_eq!(get("/css/site.css").status(), StatusCode::OK);
    for hidden in [
        "/server.mjs",
        "/wasm/Cargo.toml",
        "/css/../server.mjs",
        "/css/%2e%2e/server.mjs",
        "/nothing",
    ] {
        assert_eq!(get(hidden).status(), StatusCode::NOT_FOUND, "{hidden}");
    }

    // metrics: the requests above, by route and status; outcomes by spec
    let r = get("/metrics");
    assert_eq!(r.status(), StatusCode::OK);
    let m = r.text().unwrap();
    for want in [
        "netspec_http_requests_total{route=\"/v1/specs/{id}/evaluate\",method=\"POST\",status=\"422\"} 3",
        "netspec_http_requests_total{route=\"/v1/specs/{id}/evaluate\",method=\"POST\",status=\"415\"} 2",
        "netspec_http_requests_total{route=\"/v1/specs/{id}/evaluate\",method=\"POST\",status=\"413\"} 1",
        "netspec_http_requests_total{route=\"/v1/admin/reload\",method=\"POST\",status=\"401\"} 2",
        "netspec_evaluations_total{spec=\"adult_critical_care\",outcome=\"report\"} 2",
        "netspec_requirement_outcomes_total{spec=\"adult_critical_care\",outcome=\"met\"}",
        "netspec_evaluation_seconds_count{spec=\"adult_critical_care\"}",
        "netspec_specs_loaded 12",
        "netspec_spec_loads_total{result=\"ok\"} 2",
    ] {
        assert!(m.contains(want), "{want} not in\n{m}");
    }

    // logs: JSON lines with a request id, never a body
    let logs = server.logs();
    assert!(
        logs.lines()
            .all(|l| serde_json::from_str::<Value>(l).is_ok()),
        "{logs}"
    );
    assert!(logs.contains("\"request_id\""));
    assert!(
        !logs.contains("Hospitals NHS"),
        "a submission's text in the logs"
    );
    assert!(!logs.contains("Beds\\\""), "a spec's text in the logs");
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn pages_answer_503_saying_how_to_build_them() {
    let tmp = root().join("target/serve-test-unbuilt/web");
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::write(tmp.join("index.html"), "<title>form</title>").unwrap();
    let server = Server::start(&["--web", tmp.to_str().unwrap()]);
    let r = client().get(server.url("/")).send().unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.text().unwrap().contains("bash bindings/wasm/build.sh"));
    // the API is not affected
    let r = client().get(server.url("/v1/specs")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // and with no pages, / is not found
    let server = Server::start(&["--no-web"]);
    let r = client().get(server.url("/")).send().unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[test]
fn batch_equals_eval_batch_and_streams() {
    let server = Server::start(&["--no-web"]);
    let c = client();
    // every adult critical care example on a line, a blank line, a bad line, CRLF
    let mut ndjson = String::new();
    for (id, file) in examples() {
        if id == "adult_critical_care" {
            let v: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
            ndjson.push_str(&format!("{v}\n"));
        }
    }
    ndjson.push_str("\n{\"header\": 1,,}\r\n   \n");
    let first: Value = serde_json::from_slice(
        &std::fs::read(root().join("specs/examples/adult_critical_care/compliant.json")).unwrap(),
    )
    .unwrap();
    ndjson.push_str(&format!("{first}"));
    let file = root().join("target/serve-test-batch.ndjson");
    std::fs::write(&file, &ndjson).unwrap();
    let (want, _) = cli(&[
        "eval",
        "specs/adult_critical_care.netspec",
        "--batch",
        file.to_str().unwrap(),
    ]);
    assert_eq!(want.iter().filter(|&&b| b == b'\n').count(), 8);
    let r = c
        .post(server.url("/v1/specs/adult_critical_care/evaluate-batch"))
        .header("content-type", "application/x-ndjson")
        .body(ndjson.clone())
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let got = r.bytes().unwrap();
    assert!(
        got.as_ref() == want.as_slice(),
        "the batch differs from netspec eval --batch"
    );
    let _ = std::fs::remove_file(file);

    // streamed: the first report arrives before the rest of the body is sent
    let mut s = TcpStream::connect(&server.addr).unwrap();
    write!(
        s,
        "POST /v1/specs/adult_critical_care/evaluate-batch HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-ndjson\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
    )
    .unwrap();
    let line = format!("{first}\n");
    write!(s, "{:x}\r\n{line}\r\n", line.len()).unwrap();
    s.flush().unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 65536];
    while !String::from_utf8_lossy(&seen).contains("\"overall\"") {
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0, "the answer ended early");
        seen.extend_from_slice(&buf[..n]);
    }
    assert!(String::from_utf8_lossy(&seen).starts_with("HTTP/1.1 200"));
    // the rest, then the end of the body
    write!(s, "{:x}\r\n{line}\r\n0\r\n\r\n", line.len()).unwrap();
    let mut rest = Vec::new();
    let _ = s.read_to_end(&mut rest);
    seen.extend_from_slice(&rest);
    let text = String::from_utf8_lossy(&seen);
    assert_eq!(text.matches("\"overall\"").count(), 2);
}

/// A folder with one spec (adult critical care and the files it uses).
fn spec_folder(name: &str) -> PathBuf {
    let dir = root().join(format!("target/serve-test-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("common")).unwrap();
    std::fs::copy(
        root().join("specs/adult_critical_care.netspec"),
        dir.join("adult_critical_care.netspec"),
    )
    .unwrap();
    for e in std::fs::read_dir(root().join("specs/common")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.join("common").join(p.file_name().unwrap())).unwrap();
    }
    dir
}

#[test]
fn reload_keeps_the_last_good_version_of_a_broken_spec() {
    let dir = spec_folder("reload");
    let server = Server::start(&[
        "--no-web",
        "--specs",
        dir.to_str().unwrap(),
        "--admin-token",
        "tok",
    ]);
    let c = client();
    let example =
        std::fs::read(root().join("specs/examples/adult_critical_care/non_compliant.json"))
            .unwrap();
    let eval = server.url("/v1/specs/adult_critical_care/evaluate");
    let before = post_json(&c, &eval, example.clone()).bytes().unwrap();

    // broken: the admin reload says so, /readyz shows it, the last good version serves
    let good = std::fs::read_to_string(dir.join("adult_critical_care.netspec")).unwrap();
    std::fs::write(
        dir.join("adult_critical_care.netspec"),
        format!("{good}\nrequirement {{"),
    )
    .unwrap();
    let r = c
        .post(server.url("/v1/admin/reload"))
        .bearer_auth("tok")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let a: Value = r.json().unwrap();
    assert_eq!(a["generation"], 2);
    assert_eq!(a["failures"][0]["id"], "adult_critical_care");
    assert_eq!(a["failures"][0]["serving_previous"], true);
    assert_eq!(a["failures"][0]["previous_generation"], 1);
    assert_eq!(a["failures"][0]["diagnostics"][0]["severity"], "error");
    let r = c.get(server.url("/readyz")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let ready: Value = r.json().unwrap();
    assert_eq!(ready["failures"][0]["id"], "adult_critical_care");
    let after = post_json(&c, &eval, example.clone()).bytes().unwrap();
    assert!(before.len() > 1000 && before == after);
    assert!(server.logs().contains("spec does not compile"));

    // a new spec that never compiled: not ready
    std::fs::write(dir.join("broken.netspec"), "spec {").unwrap();
    server.signal("HUP");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let r = c.get(server.url("/readyz")).send().unwrap();
        let v: Value = r.json().unwrap();
        if v["generation"] == 3 {
            assert_eq!(v["ready"], false);
            assert_eq!(v["failures"].as_array().unwrap().len(), 2);
            break;
        }
        assert!(Instant::now() < deadline, "SIGHUP did not reload");
        std::thread::sleep(Duration::from_millis(50));
    }

    // fixed, with a new title: SIGHUP serves the new version
    std::fs::remove_file(dir.join("broken.netspec")).unwrap();
    std::fs::write(
        dir.join("adult_critical_care.netspec"),
        good.replacen(
            "Adult critical care operational delivery network",
            "Adult critical care (revised)",
            1,
        ),
    )
    .unwrap();
    server.signal("HUP");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let v: Value = c
            .get(server.url("/v1/specs"))
            .send()
            .unwrap()
            .json()
            .unwrap();
        if v[0]["title"] == "Adult critical care (revised)" {
            assert_eq!(v[0]["generation"], 4);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "SIGHUP did not serve the new version"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let r = c.get(server.url("/readyz")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.json::<Value>().unwrap()["failures"],
        serde_json::json!([])
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn graceful_shutdown_finishes_requests_in_flight() {
    let mut server = Server::start(&["--no-web"]);
    let body = std::fs::read(root().join("specs/examples/adult_critical_care/non_compliant.json"))
        .unwrap();
    let mut s = TcpStream::connect(&server.addr).unwrap();
    write!(
        s,
        "POST /v1/specs/adult_critical_care/evaluate HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    let half = body.len() / 2;
    s.write_all(&body[..half]).unwrap();
    s.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    server.signal("TERM");
    std::thread::sleep(Duration::from_millis(500));
    // no new connections are taken
    let refused = TcpStream::connect(&server.addr)
        .map(|mut n| {
            let _ = n.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n");
            n.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut b = [0u8; 16];
            !matches!(n.read(&mut b), Ok(k) if k > 0)
        })
        .unwrap_or(true);
    assert!(refused, "a new connection was answered after SIGTERM");
    // the request in flight finishes
    s.write_all(&body[half..]).unwrap();
    let (status, answer) = read_answer(&mut s);
    assert_eq!(status, 200);
    assert!(answer.contains("\"overall\""));
    let exit = server.wait_exit(Duration::from_secs(20));
    assert!(exit.success(), "{exit:?}");
    assert!(server.logs().contains("finishing the requests in flight"));
}

#[test]
fn hostile_requests_then_still_answering() {
    let server = Server::start(&["--no-web", "--request-timeout", "1"]);
    let c = client();
    let eval_path = "/v1/specs/adult_critical_care/evaluate";
    let example =
        std::fs::read(root().join("specs/examples/adult_critical_care/compliant.json")).unwrap();

    // oversize, declared: refused unread
    let mut s = TcpStream::connect(&server.addr).unwrap();
    write!(s, "POST {eval_path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000000000\r\nconnection: close\r\n\r\n{{").unwrap();
    let (status, body) = read_answer(&mut s);
    assert_eq!(status, 413);
    assert!(body.contains("NS0305"));
    // oversize, chunked without a length: cut off at the limit
    let mut s = TcpStream::connect(&server.addr).unwrap();
    write!(s, "POST {eval_path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n").unwrap();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..5 {
        if write!(s, "{:x}\r\n", chunk.len())
            .and_then(|()| s.write_all(&chunk))
            .and_then(|()| s.write_all(b"\r\n"))
            .is_err()
        {
            break;
        }
    }
    let (status, body) = read_answer(&mut s);
    assert_eq!(status, 413);
    assert!(body.contains("NS0305"));

    // slow body: 408 after the request timeout
    let started = Instant::now();
    let mut s = TcpStream::connect(&server.addr).unwrap();
    write!(s, "POST {eval_path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{{\"he").unwrap();
    let (status, _) = read_answer(&mut s);
    assert_eq!(status, 408);
    assert!(started.elapsed() < Duration::from_secs(10));

    // malformed JSON, wrong content type, not a request at all
    let r = post_json(&c, &server.url(eval_path), b"{\"header\": [".to_vec());
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = c
        .post(server.url(eval_path))
        .header("content-type", "application/xml")
        .body("<a/>")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let mut s = TcpStream::connect(&server.addr).unwrap();
    s.write_all(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n")
        .unwrap();
    let _ = read_answer_or_close(&mut s);

    // headers: 40 KiB of them answered; past the 64 KiB read buffer, 431
    // (hyper's default buffer would take up to about 400 KiB of them)
    for (kib, want) in [(40, 200), (70, 431), (300, 431)] {
        let mut s = TcpStream::connect(&server.addr).unwrap();
        let filler = "a".repeat(kib * 1024);
        let _ = write!(
            s,
            "GET /healthz HTTP/1.1\r\nhost: x\r\nx-filler: {filler}\r\nconnection: close\r\n\r\n"
        );
        let (status, _) = read_answer(&mut s);
        assert_eq!(status, want, "{kib} KiB of headers");
    }

    // 1,000 connections opened at once, some with half a request, then dropped
    let mut open = Vec::new();
    for i in 0..1000 {
        let mut s = TcpStream::connect(&server.addr).unwrap();
        if i % 3 == 0 {
            let _ = write!(s, "POST {eval_path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n\r\n{{");
        } else if i % 3 == 1 {
            let _ = s.write_all(b"GET /v1/spe");
        }
        open.push(s);
    }
    drop(open);

    // still answering, correctly
    let r = c.get(server.url("/healthz")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = post_json(&c, &server.url(eval_path), example);
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().unwrap()["overall"]["rating"], "green");
}

/// A JSON POST to `path` declaring `len` bytes and sending one: the status
/// and body of the answer.
fn declared(server: &Server, path: &str, len: usize) -> (u16, String) {
    let mut s = TcpStream::connect(&server.addr).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {len}\r\nconnection: close\r\n\r\n{{"
    )
    .unwrap();
    read_answer(&mut s)
}

/// Reads what the server sends before closing, if anything.
fn read_answer_or_close(s: &mut TcpStream) -> Vec<u8> {
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    out
}

#[test]
fn saturated_answers_503_with_retry_after() {
    let server = Server::start(&[
        "--no-web",
        "--max-concurrency",
        "1",
        "--request-timeout",
        "5",
    ]);
    // one request holds the only slot, its body half sent
    let mut s = TcpStream::connect(&server.addr).unwrap();
    write!(s, "POST /v1/specs/adult_critical_care/evaluate HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{{").unwrap();
    s.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let c = client();
    let r = c.get(server.url("/v1/specs")).send().unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.headers()["retry-after"], "1");
    // health, readiness and metrics are not limited
    assert_eq!(
        c.get(server.url("/healthz")).send().unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        c.get(server.url("/readyz")).send().unwrap().status(),
        StatusCode::OK
    );
    drop(s);
    // the slot is free again once the request is gone
    let deadline = Instant::now() + Duration::from_secs(10);
    while c.get(server.url("/v1/specs")).send().unwrap().status() != StatusCode::OK {
        assert!(Instant::now() < deadline, "the slot was not given back");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn cors_is_off_by_default_and_allows_one_origin() {
    let c = client();
    let server = Server::start(&["--no-web"]);
    let r = c
        .get(server.url("/v1/specs"))
        .header("origin", "https://forms.example.nhs.uk")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(!r.headers().contains_key("access-control-allow-origin"));
    drop(server);
    let server = Server::start(&["--no-web", "--cors-origin", "https://forms.example.nhs.uk"]);
    let r = c
        .get(server.url("/v1/specs"))
        .header("origin", "https://forms.example.nhs.uk")
        .send()
        .unwrap();
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "https://forms.example.nhs.uk"
    );
    let r = c
        .request(
            reqwest::Method::OPTIONS,
            server.url("/v1/specs/adult_critical_care/evaluate"),
        )
        .header("origin", "https://forms.example.nhs.uk")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .unwrap();
    assert!(r.status().is_success());
    assert!(r.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .contains("POST"));
    let r = c
        .get(server.url("/v1/specs"))
        .header("origin", "https://evil.example")
        .send()
        .unwrap();
    assert_ne!(
        r.headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap()),
        Some("https://evil.example")
    );
    // a bad origin is a usage error
    let out = Command::new(BIN)
        .args(["serve", "--cors-origin", "*"])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an origin"));
    let out = Command::new(BIN)
        .args([
            "serve",
            "--specs",
            "no/such/folder",
            "--addr",
            "127.0.0.1:0",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/folder"));
}

/// Reads from `s` until the server closes the connection (end of stream
/// or reset): what it sent before; `None` when nothing ends it within
/// `fail_safe`.
fn closed_by_server(s: &mut TcpStream, fail_safe: Duration) -> Option<Vec<u8>> {
    let deadline = Instant::now() + fail_safe;
    s.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    let mut b = [0u8; 512];
    let mut got = Vec::new();
    loop {
        match s.read(&mut b) {
            Ok(0) => return Some(got),
            Ok(n) => got.extend_from_slice(&b[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted
                ) =>
            {
                return Some(got)
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                if Instant::now() >= deadline {
                    return None;
                }
            }
            Err(e) => panic!("reading: {e}"),
        }
    }
}

/// `GET /healthz` on a kept-alive connection: the answer's status line.
fn health_on(s: &mut TcpStream) -> String {
    get_on(s, "/healthz").0
}

/// `GET path` on a kept-alive connection: reads exactly one answer (by its
/// content-length) and gives its status line and body.
fn get_on(s: &mut TcpStream, path: &str) -> (String, String) {
    write!(s, "GET {path} HTTP/1.1\r\nhost: x\r\n\r\n").unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut got = Vec::new();
    let mut b = [0u8; 1024];
    loop {
        let n = s.read(&mut b).expect("an answer within 60 s");
        assert!(n > 0, "closed before answering: {got:?}");
        got.extend_from_slice(&b[..n]);
        let text = String::from_utf8_lossy(&got).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length: usize = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .expect("a content-length");
            if body.len() >= length {
                let status = head.lines().next().unwrap_or_default().to_string();
                return (status, body.to_string());
            }
        }
    }
}

#[test]
fn slow_and_idle_clients_are_disconnected_after_the_header_timeout() {
    let server = Server::start(&["--no-web", "--header-timeout", "1"]);
    // half a request line, then nothing
    let mut half = TcpStream::connect(&server.addr).unwrap();
    half.write_all(b"GET /heal").unwrap();
    // nothing at all
    let mut idle = TcpStream::connect(&server.addr).unwrap();
    // the start of the HTTP/2 preface (refused at once: HTTP/1.1 only)
    let mut preface = TcpStream::connect(&server.addr).unwrap();
    preface.write_all(b"PRI * HTTP/2.0\r\n").unwrap();
    // whole headers but one, sent a byte at a time well within each read
    let mut dribble = TcpStream::connect(&server.addr).unwrap();
    dribble.write_all(b"GET /healthz HTTP/1.1\r\n").unwrap();
    let mut dribbled = 0;
    let fail_safe = Instant::now() + Duration::from_secs(60);
    let cut = loop {
        // one byte every 200 ms of a header that never ends
        if dribble.write_all(b"x").is_err() {
            break true;
        }
        dribbled += 1;
        std::thread::sleep(Duration::from_millis(200));
        if Instant::now() >= fail_safe {
            break false;
        }
    };
    assert!(
        cut,
        "a client sending its headers a byte at a time kept its connection ({dribbled} bytes)"
    );
    // closed without an answer; the preface with a 400
    for (what, s, answer) in [
        ("half a request line", &mut half, ""),
        ("nothing", &mut idle, ""),
        (
            "the start of the HTTP/2 preface",
            &mut preface,
            "HTTP/1.1 400 ",
        ),
    ] {
        let sent = closed_by_server(s, Duration::from_secs(60))
            .unwrap_or_else(|| panic!("a connection that sent {what} was still open after 60 s"));
        let sent = String::from_utf8_lossy(&sent);
        if answer.is_empty() {
            assert!(sent.is_empty(), "{what}: answered {sent:?}");
        } else {
            assert!(sent.starts_with(answer), "{what}: answered {sent:?}");
        }
    }
    // a new connection is served as before
    let r = client().get(server.url("/healthz")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let mut fresh = TcpStream::connect(&server.addr).unwrap();
    assert_eq!(health_on(&mut fresh), "HTTP/1.1 200 OK");
    // the other three counted as closed on the header timeout
    let (status, metrics) = get_on(&mut fresh, "/metrics");
    assert_eq!(status, "HTTP/1.1 200 OK");
    let timeouts: u64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("netspec_header_timeouts_total "))
        .unwrap_or_else(|| panic!("no header timeouts in\n{metrics}"))
        .parse()
        .unwrap();
    assert!(timeouts >= 3, "{timeouts} header timeouts counted");
    // a kept-alive connection left idle is closed the same way
    let after = closed_by_server(&mut fresh, Duration::from_secs(60))
        .expect("an idle kept-alive connection was still open after 60 s");
    assert!(after.is_empty(), "answered {after:?}");
}

#[test]
fn past_max_connections_new_connections_wait_until_one_closes() {
    let server = Server::start(&[
        "--no-web",
        "--max-connections",
        "2",
        "--header-timeout",
        "600",
    ]);
    // two connections, answered once and kept open, idle
    let mut first = TcpStream::connect(&server.addr).unwrap();
    assert_eq!(health_on(&mut first), "HTTP/1.1 200 OK");
    let mut second = TcpStream::connect(&server.addr).unwrap();
    assert_eq!(health_on(&mut second), "HTTP/1.1 200 OK");
    // a third is not served while both are open
    let mut third = TcpStream::connect(&server.addr).unwrap();
    third
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n")
        .unwrap();
    third
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut b = [0u8; 64];
    match third.read(&mut b) {
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) => {}
        other => panic!("the third connection was answered at the limit: {other:?}"),
    }
    // once one closes, it is
    drop(first);
    third
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut got = Vec::new();
    while !got.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = third
            .read(&mut b)
            .expect("served within 60 s of a slot freeing");
        assert!(n > 0, "closed unanswered: {got:?}");
        got.extend_from_slice(&b[..n]);
    }
    assert!(got.starts_with(b"HTTP/1.1 200 OK\r\n"), "{got:?}");
    // the one still open is still served; two are open
    assert_eq!(health_on(&mut second), "HTTP/1.1 200 OK");
    let (status, metrics) = get_on(&mut second, "/metrics");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(
        metrics.lines().any(|l| l == "netspec_connections_open 2"),
        "not 2 connections open in\n{metrics}"
    );
    // bad values are usage errors
    for flags in [
        ["--max-connections", "0"],
        ["--header-timeout", "0"],
        ["--header-timeout", "nan"],
    ] {
        let out = Command::new(BIN)
            .arg("serve")
            .args(flags)
            .current_dir(root())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(flags[0]),
            "{flags:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// With a limit of open files far below the connections opened, accept
/// fails (EMFILE): the server logs it, pauses and goes on serving.
#[cfg(target_os = "linux")]
#[test]
fn accept_errors_do_not_stop_the_server() {
    let quoted = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -n 48 && exec {} serve --addr 127.0.0.1:0 --no-web",
            quoted(BIN)
        ))
        .current_dir(root())
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let server = Server::attach(child);
    server.wait_ready();
    // more connections than the server may have files
    let mut open = Vec::new();
    for _ in 0..80 {
        open.push(TcpStream::connect(&server.addr).unwrap());
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while !server.logs().contains("cannot accept a connection") {
        assert!(
            Instant::now() < deadline,
            "no accept error logged; logs:\n{}",
            server.logs()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(open);
    // still serving
    let mut s = TcpStream::connect(&server.addr).unwrap();
    assert_eq!(health_on(&mut s), "HTTP/1.1 200 OK");
    let r = client().get(server.url("/healthz")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}
