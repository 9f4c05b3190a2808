//! FHIR R4 Structured Data Capture: a spec's form as a `Questionnaire`
//! ([`questionnaire`]), a `QuestionnaireResponse` to it as a submission
//! ([`from_response`]), and a submission as a `QuestionnaireResponse`
//! ([`to_response`]).
//!
//! The Questionnaire is built from the form model ([`crate::inputs`]): one
//! item per input, its `linkId` the input's JSON pointer (`*` standing for
//! list positions), so a response maps back onto a submission by its
//! linkIds alone. Both directions walk the one tree read back from the
//! Questionnaire ([`nodes`]), so they cannot disagree with it. The mapping,
//! item by item, is documented in `docs/fhir.md`.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value as Json};

use crate::diagnostic::{Code, Diagnostic};
use crate::inputs::{form_for, Question};
use crate::ir::CompiledSpec;
use crate::vocab::Respondent;

/// The start of every canonical URL netspec gives: `urn:netspec:spec:<id>`
/// is a spec (and the code system of its enum values and checklist answers).
pub const URL_PREFIX: &str = "urn:netspec:spec:";
/// SDC / core extension: the least answer allowed.
pub const EXT_MIN_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/minValue";
/// SDC / core extension: the greatest answer allowed.
pub const EXT_MAX_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/maxValue";
/// Core extension: the unit of a numeric answer.
pub const EXT_UNIT: &str = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit";
/// Core extension: how an item is shown (`help` for guidance).
pub const EXT_ITEM_CONTROL: &str =
    "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl";
/// Core extension: fewest repeats of a repeating group (a list's `min`).
pub const EXT_MIN_OCCURS: &str = "http://hl7.org/fhir/StructureDefinition/questionnaire-minOccurs";
/// Core extension: most repeats of a repeating group (a list's `max`).
pub const EXT_MAX_OCCURS: &str = "http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs";
/// Core extension: a regular expression a string answer matches.
pub const EXT_REGEX: &str = "http://hl7.org/fhir/StructureDefinition/regex";
/// netspec's extension on a response item of a repeating group: the list
/// was answered and is empty (`valueBoolean: true`; the item has no items).
pub const EXT_EMPTY_LIST: &str = "urn:netspec:fhir:empty-list";
/// The code system of SDC's item controls.
const ITEM_CONTROL_SYSTEM: &str = "http://hl7.org/fhir/questionnaire-item-control";
/// UCUM, for the percent unit.
const UCUM: &str = "http://unitsofmeasure.org";
/// Most diagnostics one response gives before the rest are left out.
const MAX_DIAGNOSTICS: usize = 100;

/// The spec's canonical URL, `urn:netspec:spec:<id>`: the code system of
/// its enum values and checklist answers.
pub fn spec_url(spec: &CompiledSpec) -> String {
    format!("{URL_PREFIX}{}", spec.info.id)
}

/// The canonical URL of the Questionnaire a respondent answers:
/// `urn:netspec:spec:<id>:questionnaire:<respondent>`.
pub fn questionnaire_url(spec: &CompiledSpec, who: Respondent) -> String {
    format!("{}:questionnaire:{}", spec_url(spec), who.as_str())
}

/// The code system of requirement ids: `urn:netspec:spec:<id>:requirement`.
pub fn requirement_system(spec: &CompiledSpec) -> String {
    format!("{}:requirement", spec_url(spec))
}

/// The FHIR R4 `Questionnaire` (JSON) of the questions `who` answers: the
/// submission header as a group, one group per `inputs` section, the
/// evidence the respondent's requirements declare.
pub fn questionnaire(spec: &CompiledSpec, who: Respondent) -> Json {
    let canon = spec_url(spec);
    let titles: BTreeMap<&str, &str> = spec
        .requirements
        .iter()
        .map(|r| (r.id.as_str(), r.title.as_str()))
        .collect();
    let ctx = Ctx {
        canon: &canon,
        req_system: requirement_system(spec),
        titles,
    };
    let mut items = vec![header_item()];
    for (i, s) in form_for(spec, Some(who)).iter().enumerate() {
        let children: Vec<Json> = s.questions.iter().map(|q| ctx.item(q)).collect();
        if children.is_empty() {
            continue;
        }
        items.push(json!({
            "linkId": format!("section-{}", i + 1),
            "text": s.title.clone().unwrap_or_else(|| spec.info.title.clone()),
            "type": "group",
            "item": children,
        }));
    }
    if let Some(e) = ctx.evidence(spec, who) {
        items.push(e);
    }
    let mut q = Map::new();
    q.insert("resourceType".into(), json!("Questionnaire"));
    q.insert("id".into(), json!(fhir_id(&spec.info.id, who)));
    q.insert("url".into(), json!(questionnaire_url(spec, who)));
    if let Some(v) = &spec.info.version {
        q.insert("version".into(), json!(v));
    }
    q.insert("name".into(), json!(computable_name(&spec.info.id, who)));
    q.insert(
        "title".into(),
        json!(format!(
            "{} ({} self-assessment)",
            spec.info.title,
            who.as_str()
        )),
    );
    q.insert("status".into(), json!("active"));
    if let Some(s) = &spec.info.source {
        q.insert("description".into(), json!(s));
    }
    q.insert("item".into(), Json::Array(items));
    Json::Object(q)
}

/// A FHIR resource id (`[A-Za-z0-9\-\.]{1,64}`): the spec id with `-` for
/// `_`, then the respondent.
fn fhir_id(id: &str, who: Respondent) -> String {
    let mut s: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    s.push('-');
    s.push_str(who.as_str());
    let start = s.len().saturating_sub(64);
    s.chars().skip(start).collect()
}

/// A computable name (`[A-Z][A-Za-z0-9_]*`): the spec id in CamelCase, then
/// the respondent.
fn computable_name(id: &str, who: Respondent) -> String {
    let mut out = String::from("Netspec");
    for word in id.split('_').chain(std::iter::once(who.as_str())) {
        let mut cs = word.chars().filter(char::is_ascii_alphanumeric);
        if let Some(c) = cs.next() {
            out.push(c.to_ascii_uppercase());
            out.extend(cs);
        }
    }
    out
}

fn ext(url: &str, key: &str, value: Json) -> Json {
    let mut m = Map::new();
    m.insert("url".into(), json!(url));
    m.insert(key.into(), value);
    Json::Object(m)
}

fn string_item(link: &str, text: &str, required: bool) -> Json {
    json!({"linkId": link, "text": text, "type": "string", "required": required})
}

fn date_item(link: &str, text: &str, required: bool) -> Json {
    json!({"linkId": link, "text": text, "type": "date", "required": required})
}

/// The submission header as a group (the respondent is the Questionnaire's).
fn header_item() -> Json {
    let mut ods = string_item("/header/organisation/ods_code", "ODS code", true);
    if let Some(o) = ods.as_object_mut() {
        o.insert("maxLength".into(), json!(6));
        o.insert(
            "extension".into(),
            json!([ext(EXT_REGEX, "valueString", json!("^[A-Z0-9]{3,6}$"))]),
        );
    }
    json!({
        "linkId": "/header",
        "text": "Submission header",
        "type": "group",
        "required": true,
        "item": [
            {"linkId": "/header/organisation", "text": "Organisation", "type": "group", "required": true,
             "item": [ods, string_item("/header/organisation/name", "Organisation name", true)]},
            {"linkId": "/header/period", "text": "Assessment period", "type": "group", "required": true,
             "item": [date_item("/header/period/start", "First day", true),
                      date_item("/header/period/end", "Last day", true)]},
            string_item("/header/completed_by", "Completed by", true),
            {"linkId": "/header/signed_off", "text": "Signed off", "type": "group", "required": false,
             "item": [string_item("/header/signed_off/by", "Signed off by", false),
                      date_item("/header/signed_off/on", "Signed off on", false)]}
        ]
    })
}

struct Ctx<'a> {
    canon: &'a str,
    req_system: String,
    titles: BTreeMap<&'a str, &'a str>,
}

impl Ctx<'_> {
    fn codes(&self, ids: &[String]) -> Vec<Json> {
        ids.iter()
            .map(|id| {
                let mut c = json!({"system": self.req_system, "code": id});
                if let (Some(t), Some(o)) = (self.titles.get(id.as_str()), c.as_object_mut()) {
                    o.insert("display".into(), json!(t));
                }
                c
            })
            .collect()
    }

    fn coding(&self, value: &str) -> Json {
        json!({"system": self.canon, "code": value, "display": value.replace('_', " ")})
    }

    /// One input as an item (lists and groups with their fields).
    fn item(&self, q: &Question) -> Json {
        let mut m = Map::new();
        m.insert("linkId".into(), json!(q.path));
        let codes = self.codes(&q.read_by);
        if !codes.is_empty() {
            m.insert("code".into(), Json::Array(codes));
        }
        m.insert("text".into(), json!(q.question));
        let mut exts = Vec::new();
        let (ty, value_key) = match q.kind {
            "bool" => ("boolean", None),
            "int" => ("integer", Some("valueInteger")),
            "number" | "percent" => ("decimal", Some("valueDecimal")),
            "date" => ("date", Some("valueDate")),
            "enum" => ("choice", None),
            "list" | "group" | "checklist" => ("group", None),
            _ => ("string", None),
        };
        m.insert("type".into(), json!(ty));
        if let Some(key) = value_key {
            if let Some(lo) = &q.min {
                exts.push(ext(EXT_MIN_VALUE, key, lo.clone()));
            }
            if let Some(hi) = &q.max {
                exts.push(ext(EXT_MAX_VALUE, key, hi.clone()));
            }
        }
        if q.kind == "percent" {
            exts.push(ext(
                EXT_UNIT,
                "valueCoding",
                json!({"system": UCUM, "code": "%", "display": "%"}),
            ));
        } else if let (Some(u), Some(_)) = (&q.unit, value_key.filter(|k| *k != "valueDate")) {
            exts.push(ext(EXT_UNIT, "valueCoding", json!({"display": u})));
        }
        if q.kind == "list" {
            m.insert("repeats".into(), json!(true));
            if let Some(n) = &q.min {
                exts.push(ext(EXT_MIN_OCCURS, "valueInteger", n.clone()));
            }
            if let Some(n) = &q.max {
                exts.push(ext(EXT_MAX_OCCURS, "valueInteger", n.clone()));
            }
        }
        if q.kind == "enum" {
            let options: Vec<Json> = q
                .values
                .iter()
                .map(|v| json!({"valueCoding": self.coding(v)}))
                .collect();
            m.insert("answerOption".into(), Json::Array(options));
        }
        if !exts.is_empty() {
            m.insert("extension".into(), Json::Array(exts));
        }
        let mut children = Vec::new();
        if let Some(h) = &q.help {
            children.push(json!({
                "linkId": format!("{}#help", q.path),
                "text": h,
                "type": "display",
                "extension": [ext(EXT_ITEM_CONTROL, "valueCodeableConcept",
                    json!({"coding": [{"system": ITEM_CONTROL_SYSTEM, "code": "help", "display": "Help-Button"}]}))]
            }));
        }
        children.extend(q.fields.iter().map(|f| self.item(f)));
        if !children.is_empty() {
            m.insert("item".into(), Json::Array(children));
        }
        Json::Object(m)
    }

    /// The evidence the respondent's requirements declare, one group per
    /// requirement (`None` when there is none).
    fn evidence(&self, spec: &CompiledSpec, who: Respondent) -> Option<Json> {
        let groups: Vec<Json> = spec
            .requirements
            .iter()
            .filter(|r| r.respondent == who && !r.evidence.is_empty())
            .map(|r| {
                let code = self.codes(std::slice::from_ref(&r.id));
                let items: Vec<Json> = r
                    .evidence
                    .iter()
                    .map(|e| {
                        let required = e.required || spec.info.evidence_required;
                        let text = if required {
                            format!("{} (required for {} to be met)", e.description, r.id)
                        } else {
                            e.description.clone()
                        };
                        json!({"linkId": format!("/evidence/{}/{}", r.id, e.key), "code": code,
                               "text": text, "type": "string"})
                    })
                    .collect();
                json!({"linkId": format!("/evidence/{}", r.id), "code": code,
                       "text": format!("{}: {}", r.id, r.title), "type": "group", "item": items})
            })
            .collect();
        (!groups.is_empty()).then(|| {
            json!({"linkId": "/evidence", "text": "Evidence (a reference to each document)",
                   "type": "group", "item": groups})
        })
    }
}

/// What an item of the Questionnaire holds, as both directions read it.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// An `inputs` section: a group that is not part of the submission.
    Section,
    /// A group: a JSON object.
    Group,
    /// A repeating group: a JSON array of objects.
    List,
    /// `boolean`.
    Bool,
    /// `integer`.
    Int,
    /// `decimal`.
    Decimal,
    /// `date`.
    Date,
    /// `string`.
    Text,
    /// `choice`: its codes.
    Choice(Vec<String>),
}

/// One item of the Questionnaire, as both directions read it.
#[derive(Debug, Clone)]
pub struct Node {
    /// `linkId`.
    pub link_id: String,
    /// The submission key (the last part of the linkId).
    pub key: String,
    /// The item's text.
    pub text: String,
    /// What it holds.
    pub kind: Kind,
    /// Its items (display items left out).
    pub children: Vec<Node>,
}

/// The tree of a Questionnaire's items (display items left out).
pub fn nodes(questionnaire: &Json) -> Vec<Node> {
    nodes_of(questionnaire.get("item"), 0)
}

fn nodes_of(items: Option<&Json>, depth: usize) -> Vec<Node> {
    let Some(items) = items.and_then(Json::as_array) else {
        return Vec::new();
    };
    if depth > 256 {
        return Vec::new();
    }
    items
        .iter()
        .filter_map(|it| {
            let link_id = it.get("linkId")?.as_str()?.to_string();
            let ty = it.get("type")?.as_str()?;
            let kind = match ty {
                "group" if link_id.starts_with("section-") => Kind::Section,
                "group" if it.get("repeats") == Some(&Json::Bool(true)) => Kind::List,
                "group" => Kind::Group,
                "boolean" => Kind::Bool,
                "integer" => Kind::Int,
                "decimal" => Kind::Decimal,
                "date" => Kind::Date,
                "string" => Kind::Text,
                "choice" => Kind::Choice(
                    it.get("answerOption")
                        .and_then(Json::as_array)
                        .map(|a| {
                            a.iter()
                                .filter_map(|o| o.pointer("/valueCoding/code")?.as_str())
                                .map(str::to_string)
                                .collect()
                        })
                        .unwrap_or_default(),
                ),
                _ => return None,
            };
            let key = link_id.rsplit('/').next().unwrap_or_default().to_string();
            Some(Node {
                key,
                text: it
                    .get("text")
                    .and_then(Json::as_str)
                    .unwrap_or_default()
                    .to_string(),
                kind,
                children: nodes_of(it.get("item"), depth + 1),
                link_id,
            })
        })
        .collect()
}

/// A response read as a submission.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    /// The submission (JSON).
    pub submission: Json,
    /// Who answered: the respondent of the Questionnaire it answers.
    pub respondent: Respondent,
    /// For every JSON pointer the response answers (and every list
    /// element and group), the FHIR path of the answer or item.
    pub fhir_paths: BTreeMap<String, String>,
}

impl Converted {
    /// Adds a note with the FHIR path to each diagnostic whose JSON pointer
    /// (or the nearest part of it) the response answers.
    pub fn locate(&self, diagnostics: &mut [Diagnostic]) {
        locate(&self.fhir_paths, diagnostics);
    }
}

/// Adds a note `FHIR path: …` to each diagnostic whose JSON pointer, or the
/// nearest enclosing one, is in `paths`.
pub fn locate(paths: &BTreeMap<String, String>, diagnostics: &mut [Diagnostic]) {
    for d in diagnostics {
        let Some(mut p) = d.path.clone() else {
            continue;
        };
        loop {
            if let Some(f) = paths.get(&p) {
                let note = format!("FHIR path: {f}");
                if !d.notes.contains(&note) {
                    d.notes.push(note);
                }
                break;
            }
            match p.rfind('/') {
                Some(i) if !p.is_empty() => p.truncate(i),
                _ => break,
            }
        }
    }
}

/// The collected diagnostics of one conversion, capped.
struct Problems {
    list: Vec<Diagnostic>,
    more: usize,
}

impl Problems {
    fn push(&mut self, code: Code, message: String, pointer: &str, fhir_path: &str) {
        if self.list.len() >= MAX_DIAGNOSTICS {
            self.more += 1;
            return;
        }
        let mut d = Diagnostic::error(code, message).with_note(format!("FHIR path: {fhir_path}"));
        if !pointer.is_empty() {
            d = d.at_path(pointer);
        }
        self.list.push(d);
    }
}

/// Reads a `QuestionnaireResponse` (JSON) to the Questionnaire
/// [`questionnaire`] gives for this spec as a submission: repeating groups
/// become list elements in order, unanswered items stay unanswered. Errors
/// (NS0220–NS0224) name the FHIR path in a note and the JSON pointer. The
/// submission is not checked against the spec's inputs here: the reader
/// does that, and [`Converted::locate`] adds the FHIR paths to what it finds.
pub fn from_response(spec: &CompiledSpec, qr: &Json) -> Result<Converted, Vec<Diagnostic>> {
    let mut problems = Problems {
        list: Vec::new(),
        more: 0,
    };
    let refuse = |code: Code, message: String, fhir_path: &str| {
        let mut p = Problems {
            list: Vec::new(),
            more: 0,
        };
        p.push(code, message, "", fhir_path);
        p.list
    };
    let Some(obj) = qr.as_object() else {
        return Err(refuse(
            Code::FhirMalformed,
            "the resource is not a JSON object".into(),
            "(the resource)",
        ));
    };
    match obj.get("resourceType").and_then(Json::as_str) {
        Some("QuestionnaireResponse") => {}
        Some(other) => {
            return Err(refuse(
                Code::FhirMalformed,
                format!("the resource is a `{other}`, not a `QuestionnaireResponse`"),
                "resourceType",
            ))
        }
        None => {
            return Err(refuse(
                Code::FhirMalformed,
                "the resource has no `resourceType` (a `QuestionnaireResponse` is expected)".into(),
                "resourceType",
            ))
        }
    }
    let who = which_questionnaire(spec, obj.get("questionnaire"))
        .map_err(|m| refuse(Code::FhirOtherQuestionnaire, m, "questionnaire"))?;
    let tree = nodes(&questionnaire(spec, who));
    let mut out = Map::new();
    let mut paths = BTreeMap::new();
    walk(
        spec,
        &tree,
        obj.get("item"),
        "",
        "",
        &mut out,
        &mut paths,
        &mut problems,
    );
    if let Some(Json::Object(h)) = out.get_mut("header") {
        h.insert("respondent".into(), json!(who.as_str()));
    }
    if problems.more > 0 {
        problems.list.push(Diagnostic::error(
            Code::TooManyDiagnostics,
            format!(
                "{} more problem(s) in the response are not shown",
                problems.more
            ),
        ));
    }
    if problems.list.is_empty() {
        Ok(Converted {
            submission: Json::Object(out),
            respondent: who,
            fhir_paths: paths,
        })
    } else {
        Err(problems.list)
    }
}

/// The respondent whose Questionnaire `questionnaire` (a canonical, with
/// `|version` or not) names, or why it names none of this spec's.
fn which_questionnaire(
    spec: &CompiledSpec,
    canonical: Option<&Json>,
) -> Result<Respondent, String> {
    let Some(text) = canonical.and_then(Json::as_str) else {
        return Err(format!(
            "the response names no `questionnaire`; this spec's is `{}`",
            questionnaire_url(spec, Respondent::Provider)
        ));
    };
    let (url, version) = match text.split_once('|') {
        Some((u, v)) => (u, Some(v)),
        None => (text, None),
    };
    let who = [Respondent::Provider, Respondent::Network]
        .into_iter()
        .find(|w| questionnaire_url(spec, *w) == url)
        .ok_or_else(|| {
            format!(
                "the response answers the Questionnaire `{}`, not this spec's (`{}` or `{}`)",
                clip(url),
                questionnaire_url(spec, Respondent::Provider),
                questionnaire_url(spec, Respondent::Network)
            )
        })?;
    match (version, spec.info.version.as_deref()) {
        (Some(v), Some(ours)) if v != ours => Err(format!(
            "the response answers version `{}` of the Questionnaire; this spec is version `{ours}`",
            clip(v)
        )),
        (Some(v), None) => Err(format!(
            "the response answers version `{}` of the Questionnaire; this spec has no version",
            clip(v)
        )),
        _ => Ok(who),
    }
}

/// At most 200 characters of a text from the input, for a message.
fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(200).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// The node `link_id` names among `nodes` (sections looked through).
fn find<'n>(nodes: &'n [Node], link_id: &str) -> Option<&'n Node> {
    nodes.iter().find_map(|n| {
        if n.link_id == link_id {
            Some(n)
        } else if n.kind == Kind::Section {
            find(&n.children, link_id)
        } else {
            None
        }
    })
}

/// A JSON pointer's next part (`~` and `/` escaped).
fn child_pointer(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"))
}

#[allow(clippy::too_many_arguments)]
fn walk(
    spec: &CompiledSpec,
    tree: &[Node],
    items: Option<&Json>,
    prefix: &str,
    pointer: &str,
    out: &mut Map<String, Json>,
    paths: &mut BTreeMap<String, String>,
    problems: &mut Problems,
) {
    let Some(items) = items else {
        return;
    };
    let Some(items) = items.as_array() else {
        problems.push(
            Code::FhirMalformed,
            "`item` is not an array".into(),
            pointer,
            &format!("{prefix}item"),
        );
        return;
    };
    for (i, it) in items.iter().enumerate() {
        let here = format!("{prefix}item[{i}]");
        let Some(link_id) = it.get("linkId").and_then(Json::as_str) else {
            problems.push(
                Code::FhirMalformed,
                "an item without a `linkId` (or not an object)".into(),
                pointer,
                &here,
            );
            continue;
        };
        let Some(node) = find(tree, link_id) else {
            problems.push(
                Code::FhirUnknownLinkId,
                format!(
                    "the Questionnaire has no item `{}` here; the answer is not read",
                    clip(link_id)
                ),
                pointer,
                &here,
            );
            continue;
        };
        let at = child_pointer(pointer, &node.key);
        match &node.kind {
            Kind::Section => {
                walk(
                    spec,
                    &node.children,
                    it.get("item"),
                    &format!("{here}."),
                    pointer,
                    out,
                    paths,
                    problems,
                );
            }
            Kind::Group => {
                if out.contains_key(&node.key) {
                    problems.push(
                        Code::FhirRepeated,
                        format!(
                            "the group `{}` appears twice; it does not repeat",
                            clip(link_id)
                        ),
                        &at,
                        &here,
                    );
                    continue;
                }
                paths.insert(at.clone(), here.clone());
                let mut obj = Map::new();
                walk(
                    spec,
                    &node.children,
                    it.get("item"),
                    &format!("{here}."),
                    &at,
                    &mut obj,
                    paths,
                    problems,
                );
                out.insert(node.key.clone(), Json::Object(obj));
            }
            Kind::List => {
                let list = out
                    .entry(node.key.clone())
                    .or_insert_with(|| Json::Array(Vec::new()));
                let Json::Array(list) = list else {
                    continue;
                };
                paths.entry(at.clone()).or_insert_with(|| here.clone());
                let empty = it
                    .get("extension")
                    .and_then(Json::as_array)
                    .is_some_and(|es| {
                        es.iter().any(|e| {
                            e.get("url").and_then(Json::as_str) == Some(EXT_EMPTY_LIST)
                                && e.get("valueBoolean") == Some(&Json::Bool(true))
                        })
                    });
                if empty && it.get("item").is_none() {
                    continue;
                }
                let element = child_pointer(&at, &list.len().to_string());
                paths.insert(element.clone(), here.clone());
                let mut obj = Map::new();
                walk(
                    spec,
                    &node.children,
                    it.get("item"),
                    &format!("{here}."),
                    &element,
                    &mut obj,
                    paths,
                    problems,
                );
                if let Some(Json::Array(list)) = out.get_mut(&node.key) {
                    list.push(Json::Object(obj));
                }
            }
            scalar => {
                if out.contains_key(&node.key) {
                    problems.push(
                        Code::FhirRepeated,
                        format!(
                            "the question `{}` appears twice; it takes one answer",
                            clip(link_id)
                        ),
                        &at,
                        &here,
                    );
                    continue;
                }
                // a question has no items of its own: any is unknown
                walk(
                    spec,
                    &[],
                    it.get("item"),
                    &format!("{here}."),
                    &at,
                    &mut Map::new(),
                    paths,
                    problems,
                );
                paths.insert(at.clone(), here.clone());
                let answers = match it.get("answer") {
                    None => continue,
                    Some(Json::Array(a)) => a,
                    Some(_) => {
                        problems.push(
                            Code::FhirMalformed,
                            "`answer` is not an array".into(),
                            &at,
                            &format!("{here}.answer"),
                        );
                        continue;
                    }
                };
                let Some(first) = answers.first() else {
                    continue;
                };
                let answer_path = format!("{here}.answer[0]");
                paths.insert(at.clone(), answer_path.clone());
                if answers.len() > 1 {
                    problems.push(
                        Code::FhirRepeated,
                        format!(
                            "{} answers to `{}`, which takes one",
                            answers.len(),
                            clip(link_id)
                        ),
                        &at,
                        &format!("{here}.answer[1]"),
                    );
                    continue;
                }
                match answer_value(spec, scalar, first) {
                    Ok(v) => {
                        out.insert(node.key.clone(), v);
                    }
                    Err((code, m)) => problems.push(code, m, &at, &answer_path),
                }
            }
        }
    }
}

/// The `value[x]` an item type takes, in words.
fn expected(kind: &Kind) -> &'static str {
    match kind {
        Kind::Bool => "`valueBoolean` (a boolean item)",
        Kind::Int => "`valueInteger` (an integer item)",
        Kind::Decimal => "`valueDecimal` (a decimal item)",
        Kind::Date => "`valueDate` (a date item)",
        Kind::Text => "`valueString` (a string item)",
        Kind::Choice(_) => "`valueCoding` (a choice item)",
        Kind::Section | Kind::Group | Kind::List => "no answer (a group)",
    }
}

/// An answer's value as the submission's JSON value.
fn answer_value(spec: &CompiledSpec, kind: &Kind, answer: &Json) -> Result<Json, (Code, String)> {
    let Some(obj) = answer.as_object() else {
        return Err((Code::FhirMalformed, "an answer is not an object".into()));
    };
    if obj.get("item").is_some() {
        return Err((
            Code::FhirMalformed,
            "an answer carries nested items; this Questionnaire has none".into(),
        ));
    }
    let mut values = obj.iter().filter(|(k, _)| k.starts_with("value"));
    let Some((key, value)) = values.next() else {
        return Err((Code::FhirMalformed, "an answer without a `value[x]`".into()));
    };
    if values.next().is_some() {
        return Err((
            Code::FhirMalformed,
            "an answer with more than one `value[x]`".into(),
        ));
    }
    let wrong = || {
        (
            Code::FhirAnswerType,
            format!(
                "expected {}, found `{}` {}",
                expected(kind),
                clip(key),
                json_kind(value)
            ),
        )
    };
    let ok = match (kind, key.as_str(), value) {
        (Kind::Bool, "valueBoolean", Json::Bool(_))
        | (Kind::Int, "valueInteger", Json::Number(_))
        | (Kind::Decimal, "valueDecimal", Json::Number(_))
        | (Kind::Date, "valueDate", Json::String(_))
        | (Kind::Text, "valueString", Json::String(_)) => value.clone(),
        (Kind::Int | Kind::Decimal, "valueQuantity", Json::Object(q)) => match q.get("value") {
            Some(n @ Json::Number(_)) => n.clone(),
            _ => return Err(wrong()),
        },
        (Kind::Choice(_), "valueCoding", Json::Object(c)) => {
            let system = c.get("system").and_then(Json::as_str);
            match (system, c.get("code")) {
                (None, Some(code @ Json::String(_))) => code.clone(),
                (Some(s), Some(code @ Json::String(_))) if s == spec_url(spec) => code.clone(),
                (Some(s), _) => {
                    return Err((
                        Code::FhirAnswerType,
                        format!(
                            "the coding's system is `{}`, not this spec's `{}`",
                            clip(s),
                            spec_url(spec)
                        ),
                    ))
                }
                _ => return Err(wrong()),
            }
        }
        _ => return Err(wrong()),
    };
    Ok(ok)
}

fn json_kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "(null)",
        Json::Bool(_) => "(a boolean)",
        Json::Number(_) => "(a number)",
        Json::String(_) => "(a string)",
        Json::Array(_) => "(an array)",
        Json::Object(_) => "(an object)",
    }
}

/// A submission (JSON, already read by the spec, so of the right shape) as
/// the `QuestionnaireResponse` to `who`'s Questionnaire: every answered
/// question an item with one answer, each list element a repeat of its
/// group (an empty list one item with [`EXT_EMPTY_LIST`]), unanswered
/// questions and answers of the wrong JSON type left out.
pub fn to_response(spec: &CompiledSpec, submission: &Json, who: Respondent) -> Json {
    let tree = nodes(&questionnaire(spec, who));
    let canon = spec_url(spec);
    let items = submission
        .as_object()
        .map(|o| emit(&tree, o, &canon, 0))
        .unwrap_or_default();
    let mut qr = Map::new();
    qr.insert("resourceType".into(), json!("QuestionnaireResponse"));
    let mut url = questionnaire_url(spec, who);
    if let Some(v) = &spec.info.version {
        url.push('|');
        url.push_str(v);
    }
    qr.insert("questionnaire".into(), json!(url));
    qr.insert("status".into(), json!("completed"));
    if !items.is_empty() {
        qr.insert("item".into(), Json::Array(items));
    }
    Json::Object(qr)
}

fn response_item(node: &Node, children: Vec<Json>) -> Json {
    let mut m = Map::new();
    m.insert("linkId".into(), json!(node.link_id));
    m.insert("text".into(), json!(node.text));
    if !children.is_empty() {
        m.insert("item".into(), Json::Array(children));
    }
    Json::Object(m)
}

fn emit(tree: &[Node], obj: &Map<String, Json>, canon: &str, depth: usize) -> Vec<Json> {
    let mut out = Vec::new();
    if depth > 256 {
        return out;
    }
    for node in tree {
        match &node.kind {
            Kind::Section => {
                let c = emit(&node.children, obj, canon, depth + 1);
                if !c.is_empty() {
                    out.push(response_item(node, c));
                }
            }
            Kind::Group => {
                if let Some(Json::Object(o)) = obj.get(&node.key) {
                    let c = emit(&node.children, o, canon, depth + 1);
                    if !c.is_empty() {
                        out.push(response_item(node, c));
                    }
                }
            }
            Kind::List => match obj.get(&node.key) {
                Some(Json::Array(a)) if a.is_empty() => {
                    let mut item = response_item(node, Vec::new());
                    if let Some(m) = item.as_object_mut() {
                        m.insert(
                            "extension".into(),
                            json!([ext(EXT_EMPTY_LIST, "valueBoolean", json!(true))]),
                        );
                    }
                    out.push(item);
                }
                Some(Json::Array(a)) => {
                    for el in a {
                        let c = el
                            .as_object()
                            .map(|o| emit(&node.children, o, canon, depth + 1))
                            .unwrap_or_default();
                        out.push(response_item(node, c));
                    }
                }
                _ => {}
            },
            scalar => {
                let Some(v) = obj.get(&node.key) else {
                    continue;
                };
                let value = match (scalar, v) {
                    (Kind::Bool, Json::Bool(_)) => json!({"valueBoolean": v}),
                    (Kind::Int, Json::Number(_)) => json!({"valueInteger": v}),
                    (Kind::Decimal, Json::Number(_)) => json!({"valueDecimal": v}),
                    (Kind::Date, Json::String(_)) => json!({"valueDate": v}),
                    (Kind::Text, Json::String(s)) if !s.is_empty() => json!({"valueString": v}),
                    (Kind::Choice(_), Json::String(s)) => json!({"valueCoding":
                        {"system": canon, "code": s, "display": s.replace('_', " ")}}),
                    _ => continue,
                };
                let mut item = response_item(node, Vec::new());
                if let Some(m) = item.as_object_mut() {
                    m.insert("answer".into(), json!([value]));
                }
                out.push(item);
            }
        }
    }
    out
}
