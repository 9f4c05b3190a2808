//! Diagnostics: stable codes, messages and locations.
//!
//! Every problem the engine reports to a person is a [`Diagnostic`] with a
//! [`Code`] that never changes meaning, a one-line message, a location (a span
//! in a spec file, or a JSON pointer into a submission) and optional help.
//! They are data: the `netspec` crate's `render` module draws them as text.
//! [`escape_controls`] and [`escape_terminal`] keep control characters from
//! the input off a terminal.

use std::fmt;

use serde::Serialize;

use crate::source::{Location, NotUtf8, Span};

macro_rules! codes {
    ($( $variant:ident = $code:literal, $title:literal, $explain:literal; )*) => {
        /// A stable diagnostic code. The text form (`NS0002`) never changes meaning.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code { $( #[doc = $title] $variant, )* }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The text form, e.g. `NS0002`.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $code, )* }
            }

            /// A short title.
            pub fn title(self) -> &'static str {
                match self { $( Code::$variant => $title, )* }
            }

            /// A longer explanation with an example.
            pub fn explanation(self) -> &'static str {
                match self { $( Code::$variant => $explain, )* }
            }

            /// Looks a code up by its text form (case-insensitive).
            pub fn parse(text: &str) -> Option<Code> {
                let t = text.trim().to_ascii_uppercase();
                Code::ALL.iter().copied().find(|c| c.as_str() == t)
            }
        }
    };
}

codes! {
    Syntax = "NS0001", "syntax error",
        "The text does not follow the grammar. The message names what was expected at the caret.\nExample: `let x = ` with nothing after `=`.";
    UnknownName = "NS0002", "unknown name",
        "An expression names an input, definition or variable that does not exist.\nExample: `units_count > 0` when no input or `let` is called `units_count`.";
    TypeMismatch = "NS0003", "type mismatch",
        "An operator or function got operands of types it does not accept, such as a count compared with a percent or a date added to a number.\nExample: `u.beds >= 50%` (int vs percent). Compare a rate instead: `u.occupied / u.beds >= 50%`.";
    DuplicateRequirement = "NS0004", "duplicate requirement id",
        "Two requirements share an id. Ids are unique across the spec and every file it uses.";
    DuplicateInput = "NS0005", "duplicate input",
        "Two inputs (or two fields of one list or group) have the same name.";
    UnknownEnumValue = "NS0006", "unknown enum value",
        "A name compared with an enum input is not one of that input's values.\nExample: `provider.role == level_3` when the values are `level3_unit, level2_unit`.";
    UnknownFunction = "NS0007", "unknown function or wrong arguments",
        "A call names a function the language does not have, or passes the wrong number of arguments.";
    UseNotFound = "NS0008", "used file not found",
        "A `use` names a file that was not supplied. Paths are relative to the file that has the `use`.";
    UseCycle = "NS0009", "use cycle",
        "Files `use` each other in a cycle.";
    InvalidLiteral = "NS0010", "invalid literal",
        "A date, number or duration literal is not valid: a day that does not exist (2025-02-30), or a number too large to hold exactly.";
    NotBoolean = "NS0011", "rule is not a condition",
        "A requirement's rule, an `applies when`, a quantifier body or a `where` filter must be true/false.\nExample: `requirement X must \"t\" { u.beds }` - compare it with something.";
    DuplicateDefinition = "NS0012", "duplicate or circular definition",
        "A `let` is defined twice, shadows an input, or depends on itself.";
    UnknownArea = "NS0013", "unknown area",
        "Areas are the seven functional areas: service_delivery, resources, workforce, quality, collaboration, transformation, population_health.";
    SpecHeader = "NS0014", "missing or repeated spec header",
        "The compiled file must start with exactly one `spec id \"title\" { version \"...\" }`; used files have none.";
    RuleCount = "NS0015", "requirement without exactly one rule",
        "A requirement body holds exactly one rule expression besides its clauses.";
    NotAList = "NS0016", "not a list",
        "A quantifier, aggregate, count or `len` needs a list input (or a list literal).";
    UnknownField = "NS0017", "unknown field",
        "A field is read from a group or list element that does not declare it.\nExample: `u.beds` when the list `units` declares `l3_beds` and `l2_beds`.";
    InvalidConstraint = "NS0018", "invalid input constraint",
        "`min`/`max` only apply to numbers, percents, dates and list lengths, and `min` must not exceed `max`.";
    UnknownRequirement = "NS0019", "test names an unknown requirement",
        "An `expect` names a requirement id the spec does not have.";
    InvalidTestSubmission = "NS0020", "invalid test submission",
        "A test's `given` submission is not valid against the spec's inputs, or its file is missing.";
    ReservedName = "NS0021", "reserved name",
        "`assessed_on` and `evidence` are submission keys and cannot name inputs.";
    PresentNeedsInput = "NS0023", "present() needs an input",
        "`present(x)` asks whether a question was answered, so `x` must be an input or a field of a list element.";
    RatingBlock = "NS0024", "invalid rating block",
        "Ratings are green, amber, red and incomplete; the last rule must be `otherwise`; a spec has at most one rating block.";
    TooDeep = "NS0026", "too deeply nested",
        "An expression or bracket nesting exceeds the engine's depth limit.";
    UnknownTestArea = "NS0027", "test names an unknown area or rating",
        "`expect area NAME RATING` needs one of the seven areas and a rating name.";
    WrongRespondent = "NS0028", "requirement reads the other respondent's answer",
        "A requirement is judged on one respondent's submission (`respondent provider`, the default, or `respondent network`), so it can only read inputs asked of that respondent. The rule (directly or through a `let`) reads an input declared in an `inputs \"...\" respondent ...` block of the other respondent, whose answer is never in the same submission.\nExample: `requirement COL-01 should \"...\" { network.hosting_agreement }` where `network.hosting_agreement` is in `inputs \"Network\" respondent network { ... }`. Add `respondent network` to the requirement, or ask the question of the provider.";
    EmptyArea = "NS0101", "area with no requirements",
        "(warning) An `area` block holds no requirements. Every functional area should be assessed; remove the block or add requirements.";
    UnreadInput = "NS0102", "input no rule reads",
        "(warning) An input is declared but no requirement reads it, directly or through a `let`. Providers would answer a question that decides nothing. (Text fields of list elements are exempt: they name elements in explanations.)";
    ConstantRule = "NS0103", "rule does not depend on any answer",
        "(warning) A requirement's rule reads no input and no date, so every submission gets the same outcome.";
    NeverNotMet = "NS0104", "requirement can never be not met",
        "(warning) Whatever the answers, the rule cannot be false (e.g. `x >= 1 or true`), so the requirement is never not_met and never lowers a rating.";
    DuplicateTitle = "NS0105", "duplicate requirement title",
        "(warning) Two requirements share a title; readers of a report cannot tell them apart.";
    MustOnEstimate = "NS0106", "`must` on an estimated threshold",
        "(warning) A `must` requirement declares `basis estimate`: its threshold is not a published figure, yet failing it alone rates the area red. Make it a `should`, or give the standard it comes from (`basis standard`) or the calculation from one (`basis derived`).";
    MissingBasis = "NS0107", "requirement without a basis",
        "Reserved; the checker does not emit it. `basis` is optional in the language (the report shows `null`), but the specs bundled with netspec must state the basis of every requirement: their tests (tests/tests/specs.rs) fail on a bundled requirement without `basis standard`, `basis derived` or `basis estimate`.";
    EmptyList = "NS0108", "`all` over a list that may be empty",
        "(warning) `all x in L: ...` is true when `L` has no elements, so a provider that lists nothing meets the requirement. `L` is a list input without `min 1` (or more), and the requirement's `applies when` does not exclude the empty list. Give the list `min 1`, add a conjunct to `applies when` that excludes the empty case (`any x in L: ...`, `len(L) > 0`, `len(L) >= 1`, `count(x in L ...) > 0`), or use a `checklist` whose items the spec owns. The same holds for a list field inside a list element (there only `min 1` silences it). Checklists never warn.\nExample: `all s in standards: s.met` with `standards: list \"...\" { ... }`.";
    MissingRef = "NS0109", "requirement without `ref`",
        "(warning) A requirement has no `ref` clause, so a reader of the report cannot tell which standard or source its threshold comes from. The bundled specs give one for every requirement (specs/README.md).\nExample: `requirement SD-01 must \"...\" { basis standard  beds > 0 }`. Add `ref \"Service specification 220502S, section 3.2\"`.";
    SubmissionType = "NS0201", "wrong type in submission",
        "A submission value has the wrong JSON type for its input, e.g. a string where a number is expected.";
    SubmissionRange = "NS0202", "value out of range",
        "A number, percent, date or list length is outside the input's min/max, or an int has a fraction.";
    SubmissionDate = "NS0203", "malformed date",
        "Dates are written YYYY-MM-DD and must exist (2025-02-30 does not).";
    SubmissionEnum = "NS0204", "not one of the allowed values",
        "An enum input was answered with a value it does not list. Values are case-sensitive.";
    SubmissionUnknownField = "NS0205", "unknown field in submission",
        "The submission has a field the spec does not declare. It is ignored; check for a misspelling.";
    SubmissionNotObject = "NS0206", "submission is not a JSON object",
        "A submission is one JSON object whose keys are the spec's inputs.";
    SubmissionJson = "NS0207", "submission is not valid JSON",
        "The submission text could not be parsed as JSON.";
    AssessmentDate = "NS0208", "no valid assessment date",
        "Rules that use dates (`within`, `assessment_date`) are judged on an assessment date, never taken from the clock: the end of the assessment period in the submission's header (`header.period.end`), or the caller's date (`--as-of`). A spec's `test` whose `given` has no header needs `assessed_on DATE` in the test.\nExample: `test \"late review\" { given { \"reviewed_on\": \"2023-01-01\" }  assessed_on 2025-06-30  expect QU-01 not_met }`.";
    SubmissionEvidence = "NS0209", "malformed evidence",
        "`evidence` maps requirement ids to objects of evidence key -> reference text.";
    DuplicateKey = "NS0210", "duplicate key in JSON",
        "An object in the submission (or a test's `given` JSON) has the same key twice. JSON readers disagree about which value wins (many silently keep the last), so netspec rejects the submission and names the key.\nExample: `{\"beds\": 10, \"beds\": 12}` - keep one of them.";
    MissingHeader = "NS0211", "submission without a header",
        "Every submission starts with a `header` object saying who answers, for which organisation and period:\n`\"header\": {\"respondent\": \"provider\", \"organisation\": {\"ods_code\": \"RRK\", \"name\": \"...\"}, \"period\": {\"start\": \"2024-07-01\", \"end\": \"2025-06-30\"}, \"completed_by\": \"...\", \"signed_off\": {\"by\": \"...\", \"on\": \"2025-07-10\"}}`\n`signed_off` is optional. An embedding application can evaluate a submission without a header as from one respondent (`EvalOptions::unattributed`); the report then has the warning NS0217.";
    BadOdsCode = "NS0212", "malformed ODS code",
        "`header.organisation.ods_code` is an NHS ODS organisation code: 3 to 6 upper-case letters or digits, such as `RRK` or `R0A`.";
    BadPeriod = "NS0213", "assessment period ends before it starts",
        "`header.period.end` is before `header.period.start`. Both are YYYY-MM-DD dates and the period includes both days.";
    AssessedOnMoved = "NS0214", "`assessed_on` is replaced by the header's period end",
        "The submission key `assessed_on` is no longer read: the assessment date is `header.period.end` (`--as-of` still overrides it). Remove `assessed_on` and give the period in the header.";
    OtherRespondent = "NS0215", "answer to the other respondent's question",
        "(warning) The submission answers an input asked of the other respondent (a provider answering a network question, or the reverse). The answer is ignored; send it in that respondent's submission.";
    BrokenRelation = "NS0216", "answer breaks a declared relation",
        "An input declares that its answer is at most (`max other`) or at least (`min other`) another answer, and the submission breaks it, e.g. more shifts with a coordinator than shifts in total. The message names both JSON pointers and both questions; correct one of the answers.";
    Unattributed = "NS0217", "unattributed submission",
        "(warning) The submission has no header, and the application evaluated it as from the respondent it was configured with. The report has no header (`null`); add one (see NS0211).";
    FhirMalformed = "NS0220", "not a QuestionnaireResponse netspec can read",
        "The FHIR resource is not a `QuestionnaireResponse` (its `resourceType`), or a part of it does not have the shape FHIR R4 gives it: `item` and `answer` are arrays of objects, every item has a `linkId`, an answer holds one `value[x]` and no nested items. The message names the FHIR path (`item[3].item[0]`) of the part.";
    FhirOtherQuestionnaire = "NS0221", "response to another Questionnaire",
        "A `QuestionnaireResponse` is read against the Questionnaire netspec exports for the same spec (`netspec fhir questionnaire`): its `questionnaire` must be that Questionnaire's canonical URL (`urn:netspec:spec:<id>:questionnaire:<respondent>`), optionally with `|<version>`, the spec's version. A response to another spec's Questionnaire, to another version of this one, or naming none, is refused: export the Questionnaire again from this spec and answer it.";
    FhirUnknownLinkId = "NS0222", "unknown linkId",
        "An item of the `QuestionnaireResponse` has a `linkId` that the Questionnaire does not have at that place (the linkId is the question's JSON pointer, `/units/*/l3_beds`, nested as the Questionnaire nests it). The message names the FHIR path and the linkId; the answer is not read.";
    FhirAnswerType = "NS0223", "answer of the wrong type",
        "An answer's `value[x]` does not match its item's type: an `integer` item takes `valueInteger`, `decimal` takes `valueDecimal`, `boolean` `valueBoolean`, `date` `valueDate`, `string` `valueString`, and `choice` a `valueCoding` whose `system` (when given) is the spec's (`urn:netspec:spec:<id>`); `integer` and `decimal` also take a `valueQuantity` with a `value`. The diagnostic names the FHIR path of the answer and the JSON pointer of the input.";
    FhirRepeated = "NS0224", "more than one answer to a single question",
        "An item that does not repeat in the Questionnaire has more than one answer, or appears more than once in the same group. Only lists (`repeats: true` groups) may appear several times; they become list elements in order.";
    SourceTooLarge = "NS0301", "spec source too large",
        "The spec text of one compilation (the root file, every file it uses and every test file it names, together) is larger than the limit `max_source_bytes` (default 4 MiB). Real specifications are a few tens of KiB; split a generated file, or raise the limit through `netspec::Limits` if you embed the engine. It is also given for a file with more than `max_expression_terms` (default 250,000) list items and operators, which would take too much memory to compile.";
    TooManyInputs = "NS0302", "too many inputs",
        "The spec declares more inputs (counting the fields of lists and groups) than the limit `max_inputs` (default 5,000). Inputs after the limit are not checked.";
    TooManyRequirements = "NS0303", "too many requirements",
        "The spec has more requirements than the limit `max_requirements` (default 5,000). Requirements after the limit are not checked.";
    TooManyDefinitions = "NS0304", "too many definitions",
        "The spec has more `let` definitions than the limit `max_definitions` (default 5,000). Definitions after the limit are not checked.";
    SubmissionTooLarge = "NS0305", "submission too large",
        "The submission text is larger than the limit `max_submission_bytes` (default 4 MiB). It is rejected before it is read. A network's self-assessment is a few KiB; check that the right file was sent.";
    SubmissionTooDeep = "NS0306", "submission nested too deeply",
        "Arrays and objects in the submission nest deeper than the limit `max_json_depth` (default 64; the JSON reader never goes past 128). A submission nests only as deep as the spec's lists and groups, a handful of levels.";
    ListTooLong = "NS0307", "list or object too long",
        "An array or object in the submission has more entries than the limit `max_list_len` (default 10,000). It is rejected as soon as the reader passes the limit, so a huge list costs neither memory nor time. The error names the array's JSON pointer.";
    BudgetExceeded = "NS0308", "evaluation work budget exceeded",
        "Evaluating the submission took more steps than the limit `max_eval_steps` (default 10,000,000; each expression evaluated and each list element visited is a step, explanations included). The requirement being evaluated when the budget ran out, and every later one, is `incomplete` with a problem saying so, and the report has this warning. It means very long lists meeting deeply nested quantifiers; the report is otherwise valid.";
    NotUtf8 = "NS0309", "text is not UTF-8",
        "A spec file or a submission is not valid UTF-8 text. The message gives the byte offset of the first invalid byte. Save the file as UTF-8.";
    TooManyDiagnostics = "NS0310", "too many problems",
        "A compilation found 100 errors, or a submission 100 errors: the engine stopped looking for more. Or a submission (or a compilation) gave more than 100 warnings: only the first 100 are shown, and a submission's errors were still looked for. Fix the ones shown and run again.";
    FileRefused = "NS0311", "file may not be read",
        "A spec (through `use`) or one of its tests (through `given file`) names a file that may not be read. Files are read only inside the folder of the spec being compiled (or the folder given with `netspec --root DIR`), only regular files (no devices, FIFOs or folders), and never through a symlink leading out of that folder. The message is the same whether or not the file exists. Move the file into the spec's folder, or name a larger folder with `--root`.";
    DocumentRefused = "NS0312", "compiled document refused",
        "A compiled document (written by `netspec compile`) could not be loaded: it is not such a document, it is of another document format or was written by another version of netspec, or it fails the checks made before a document is used (every index in range, every span inside its file, records nested as a tree, definitions without cycles, nesting and limits within the defaults). A document is read as untrusted input and is never partly used. Compile the spec again with this version of netspec: `netspec compile SPEC -o FILE`.";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Code, D::Error> {
        let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        Code::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("`{text}` is not a netspec diagnostic code"))
        })
    }
}

/// In TypeScript a code is `DiagnosticCode`: its text, `NS` and four digits.
#[cfg(feature = "ts")]
impl ts_rs::TS for Code {
    type WithoutGenerics = Code;
    type OptionInnerType = Code;

    fn docs() -> Option<String> {
        Some(ts_rs::format_docs(&[
            " A stable diagnostic code such as `\"NS0002\"` (`explain(code)` describes it).",
        ]))
    }

    fn name(_: &ts_rs::Config) -> String {
        "DiagnosticCode".to_owned()
    }

    fn inline(_: &ts_rs::Config) -> String {
        "`NS${string}`".to_owned()
    }

    fn decl(cfg: &ts_rs::Config) -> String {
        format!("type DiagnosticCode = {};", Self::inline(cfg))
    }

    fn decl_concrete(cfg: &ts_rs::Config) -> String {
        Self::decl(cfg)
    }

    fn output_path() -> Option<std::path::PathBuf> {
        Some("DiagnosticCode.ts".into())
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Severity {
    /// Stops compilation or evaluation.
    Error,
    /// Worth a look; nothing stops.
    Warning,
}

/// One problem found in a spec or a submission.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Diagnostic {
    /// Stable code.
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// One line, lower-case start, no trailing period.
    pub message: String,
    /// Where in a spec file, once resolved.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub location: Option<Location>,
    /// JSON pointer into the submission, for submission diagnostics.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub path: Option<String>,
    /// Short text shown under the caret.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub label: Option<String>,
    /// A suggestion, e.g. "did you mean `rn_per_shift`?".
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub help: Option<String>,
    /// Extra notes (left out when there are none, so none when read back
    /// without them).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub notes: Vec<String>,
    /// Other places the problem involves, each with what it is (an editor's
    /// related information): for an unclosed `{`, where that was noticed.
    /// Left out when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub related: Vec<Related>,
    #[serde(skip)]
    pub(crate) span: Option<Span>,
}

/// Another place in a spec that a [`Diagnostic`] involves.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Related {
    /// What is there, e.g. "noticed here: expected `requirement`".
    pub message: String,
    /// Where, once resolved.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub location: Option<Location>,
    #[serde(skip)]
    pub(crate) span: Option<Span>,
}

impl Related {
    /// The span in the compilation's source map, if any.
    pub fn span(&self) -> Option<Span> {
        self.span
    }
}

impl Diagnostic {
    /// An error with a message.
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            location: None,
            path: None,
            label: None,
            help: None,
            notes: Vec::new(),
            related: Vec::new(),
            span: None,
        }
    }

    /// A warning with a message.
    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// Attaches a source span.
    #[must_use]
    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    /// Attaches a JSON pointer.
    #[must_use]
    pub fn at_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Adds a label shown under the caret.
    #[must_use]
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds help.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds help only when there is some.
    #[must_use]
    pub fn with_help_opt(self, help: Option<String>) -> Self {
        match help {
            Some(h) => self.with_help(h),
            None => self,
        }
    }

    /// Adds a note.
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Adds a note only when there is one.
    #[must_use]
    pub fn with_note_opt(self, note: Option<String>) -> Self {
        match note {
            Some(n) => self.with_note(n),
            None => self,
        }
    }

    /// Adds a related place with what it is.
    #[must_use]
    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            message: message.into(),
            location: None,
            span: Some(span),
        });
        self
    }

    /// Is this an error?
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Fills `location` from the span.
    #[cfg(feature = "compile")]
    pub(crate) fn locate(&mut self, map: &crate::source::SourceMap) {
        if let Some(span) = self.span {
            self.location = map.locate(span);
        }
        for r in &mut self.related {
            if let Some(span) = r.span {
                r.location = map.locate(span);
            }
        }
    }

    /// The span in the compilation's source map, if any.
    pub fn span(&self) -> Option<Span> {
        self.span
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}[{}]: {}", self.code, self.message)?;
        if let Some(loc) = &self.location {
            write!(f, " at {}:{}:{}", loc.file, loc.line, loc.column)?;
        }
        match self.path.as_deref() {
            Some("") => f.write_str(" at the top level of the submission")?,
            Some(p) => write!(f, " at {p}")?,
            None => {}
        }
        Ok(())
    }
}

/// Whether a character must not reach a terminal as it is: C0 and C1
/// controls, DEL, and the bidirectional overrides that reorder what is shown.
fn is_terminal_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every control character (newlines and tabs included) written
/// as an escape such as `\u{1b}`, for one line of terminal output. Text
/// without one is returned as it is.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_terminal_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_terminal_control(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Terminal output made safe: control characters escaped as in
/// [`escape_controls`], except line ends (`\n`, and `\r` before one) and tabs.
pub fn escape_terminal(text: &str) -> std::borrow::Cow<'_, str> {
    let needs = |c: char| is_terminal_control(c) && c != '\n' && c != '\t';
    if !text.chars().any(needs) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            out.push(c);
        } else if needs(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The closest of `candidates` to `name`, if close enough to suggest.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    // bounded work: long names are never typos of a short one, and a huge
    // candidate list is cut (input that is not a spec a person wrote)
    const LONGEST: usize = 64;
    const MOST: usize = 2_000;
    if name.len() > LONGEST {
        return None;
    }
    let mut best: Option<(f64, &str)> = None;
    for c in candidates.into_iter().take(MOST) {
        if c == name || c.len() > LONGEST {
            continue;
        }
        let score = strsim::jaro_winkler(&name.to_lowercase(), &c.to_lowercase());
        if score > 0.8 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| format!("did you mean `{c}`?"))
}

/// Text from bytes that must be UTF-8 (a spec file, a submission); invalid
/// UTF-8 is an NS0309 error naming the offset of the first bad byte. A
/// caller that reads files can pass their bytes here before handing the
/// text to [`crate::source::Sources`] or [`crate::Spec::evaluate_str`].
pub fn decode_utf8(bytes: &[u8]) -> Result<&str, Box<Diagnostic>> {
    crate::source::utf8(bytes).map_err(|e| Box::new(not_utf8(e)))
}

/// The NS0309 error for text that is not UTF-8.
pub fn not_utf8(e: NotUtf8) -> Diagnostic {
    Diagnostic::error(
        Code::NotUtf8,
        format!(
            "the text is not UTF-8: invalid byte at offset {} (line {})",
            e.offset, e.line
        ),
    )
    .with_help("save the file as UTF-8")
}

#[cfg(test)]
#[cfg(feature = "compile")]
#[allow(clippy::panic)]
mod tests {
    use super::Code;

    /// The codes of the diagnostics table (grammar/README.md §10): one row
    /// per code, in order.
    fn table_codes(reference: &str) -> Vec<String> {
        let heading = "## 10. Diagnostics";
        let Some(start) = reference.find(heading) else {
            panic!("no `{heading}` in grammar/README.md");
        };
        let section = reference.get(start + heading.len()..).unwrap_or_default();
        let section = section.split("\n#").next().unwrap_or_default();
        section
            .lines()
            .filter_map(|l| l.strip_prefix("| NS"))
            .map(|l| format!("NS{}", l.split(' ').next().unwrap_or_default()))
            .collect()
    }

    /// Every code has its own row in the reference's diagnostics table, and
    /// the table names no code that does not exist.
    #[test]
    fn reference_lists_every_code() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../grammar/README.md");
        let reference = std::fs::read_to_string(&path).unwrap_or_default();
        let listed = table_codes(&reference);
        let codes: Vec<String> = Code::ALL.iter().map(|c| c.as_str().to_string()).collect();
        for c in &codes {
            assert!(
                listed.contains(c),
                "{c} ({}) has no row in the diagnostics table of grammar/README.md §10",
                Code::parse(c).map_or("", Code::title)
            );
        }
        for l in &listed {
            assert!(
                codes.contains(l),
                "grammar/README.md §10 lists {l}, which is no code"
            );
        }
        assert_eq!(listed, codes, "one row per code, in order");
    }
}
