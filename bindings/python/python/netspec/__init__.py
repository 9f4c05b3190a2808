"""netspec: the rules engine for NHS England specialised-services clinical
network specifications, from Python.

Compile a spec once, then evaluate as many submissions as you like::

    import netspec

    spec = netspec.Spec.from_file("specs/adult_critical_care.netspec")
    report = spec.evaluate(open("submission.json").read())
    print(report.overall.rating, report.overall.compliance)

The engine is the Rust one the ``netspec`` command line uses: a report's
:meth:`Report.to_json` is byte for byte what ``netspec eval --format json``
prints. Evaluation releases the GIL, and :meth:`Spec.evaluate_many` spreads
a batch over several threads.
"""

from __future__ import annotations

import datetime as _dt
import json as _json
import os as _os
from dataclasses import dataclass
from typing import (
    Any,
    Dict,
    Iterable,
    List,
    Literal,
    Mapping,
    Optional,
    Tuple,
    Union,
    cast,
)

from . import _netspec

__all__ = [
    "AreaSummary",
    "Check",
    "CompileError",
    "Counts",
    "DeclaredEvidence",
    "Diagnostic",
    "Evidence",
    "GivenEvidence",
    "Header",
    "JsonPosition",
    "Location",
    "MissingInput",
    "NetspecError",
    "Organisation",
    "Period",
    "Related",
    "Report",
    "Requirement",
    "Spec",
    "SpecSummary",
    "SubmissionError",
    "Summary",
    "ToPass",
    "UsageError",
    "__version__",
    "explain",
]

__version__: str = _netspec.engine_version()

Outcome = Literal["met", "not_met", "not_applicable", "incomplete"]
Rating = Literal["green", "amber", "red", "incomplete"]
Level = Literal["must", "should", "may"]
Basis = Literal["standard", "derived", "estimate"]
Respondent = Literal["provider", "network"]
Severity = Literal["error", "warning"]
#: A value in an explanation: a number, text (dates as ``YYYY-MM-DD``, enum
#: values by name), a truth value or nothing.
Value = Union[int, float, str, bool, None]
#: A submission: a JSON document as text or UTF-8 bytes, or the Python
#: value of one (a ``dict``, as ``json.loads`` gives).
SubmissionInput = Union[str, bytes, bytearray, memoryview, Mapping[str, Any], List[Any]]
#: A row of :meth:`Report.rows`.
Row = Dict[str, Any]

JsonObject = Dict[str, Any]


# ---------------------------------------------------------------- diagnostics


@dataclass(frozen=True)
class Location:
    """Where in a spec file: 1-based line and column (in characters)."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    start: int
    end: int

    @staticmethod
    def _of(d: JsonObject) -> Location:
        return Location(
            file=d["file"],
            line=d["line"],
            column=d["column"],
            end_line=d["end_line"],
            end_column=d["end_column"],
            start=d["start"],
            end=d["end"],
        )


@dataclass(frozen=True)
class Related:
    """Another place a diagnostic points to, e.g. where an unclosed ``{``
    was noticed."""

    message: str
    location: Optional[Location]

    @staticmethod
    def _of(d: JsonObject) -> Related:
        loc = d.get("location")
        return Related(message=d["message"], location=Location._of(loc) if loc else None)


@dataclass(frozen=True)
class Diagnostic:
    """A problem in a spec or a submission, with a stable code (``NS0002``)."""

    code: str
    severity: Severity
    message: str
    #: Where in a spec file (spec diagnostics).
    location: Optional[Location]
    #: JSON pointer into the submission (submission diagnostics).
    path: Optional[str]
    label: Optional[str]
    help: Optional[str]
    notes: Tuple[str, ...]
    #: Other places it points to (``related`` in the JSON).
    related: Tuple[Related, ...] = ()

    @property
    def file(self) -> Optional[str]:
        return self.location.file if self.location else None

    @property
    def line(self) -> Optional[int]:
        return self.location.line if self.location else None

    @property
    def column(self) -> Optional[int]:
        return self.location.column if self.location else None

    def __str__(self) -> str:
        where = ""
        if self.location is not None:
            where = f"{self.location.file}:{self.location.line}:{self.location.column}: "
        elif self.path is not None:
            where = f"{self.path or '/'}: "
        return f"{where}{self.severity}[{self.code}]: {self.message}"

    @staticmethod
    def _of(d: JsonObject) -> Diagnostic:
        loc = d.get("location")
        return Diagnostic(
            code=d["code"],
            severity=d["severity"],
            message=d["message"],
            location=Location._of(loc) if loc else None,
            path=d.get("path"),
            label=d.get("label"),
            help=d.get("help"),
            notes=tuple(d.get("notes", ())),
            related=tuple(Related._of(r) for r in d.get("related", ())),
        )


@dataclass(frozen=True)
class JsonPosition:
    """Where JSON text stops being JSON (1-based line and column)."""

    line: int
    column: int


class NetspecError(Exception):
    """A call that failed: the base of :class:`CompileError`,
    :class:`SubmissionError` and :class:`UsageError`."""

    kind: str = "usage"

    def __init__(
        self,
        message: str,
        diagnostics: Iterable[Diagnostic] = (),
        rendered: str = "",
        json_position: Optional[JsonPosition] = None,
    ) -> None:
        super().__init__(message)
        self.message: str = message
        #: Every diagnostic, in the engine's order.
        self.diagnostics: List[Diagnostic] = list(diagnostics)
        #: The diagnostics drawn for people (rustc-style for a spec).
        self.rendered: str = rendered
        #: For a submission that is not JSON: where it stops being JSON.
        self.json_position: Optional[JsonPosition] = json_position
        #: For an error from :meth:`Spec.evaluate_many`: the submission's
        #: place in the batch (0-based).
        self.index: Optional[int] = None
        self._json: Optional[str] = None

    @property
    def code(self) -> Optional[str]:
        """The code of the first error (or of the first diagnostic)."""
        first = next((d for d in self.diagnostics if d.severity == "error"), None)
        if first is None and self.diagnostics:
            first = self.diagnostics[0]
        return first.code if first else None

    @property
    def errors(self) -> List[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    def to_dict(self) -> JsonObject:
        """The failure as the engine's JSON shape (``kind``, ``message``,
        ``diagnostics``, ``rendered``, and ``json_position`` when known)."""
        if self._json is not None:
            return cast(JsonObject, _json.loads(self._json))
        return {"kind": self.kind, "message": self.message, "diagnostics": [], "rendered": self.rendered}

    def __reduce__(self) -> Tuple[Any, ...]:
        if self._json is None:
            return (type(self), (self.message,))
        return (_error_from_json, (self._json, self.index))


class CompileError(NetspecError):
    """A spec (or a file it uses) that does not compile; every diagnostic
    has a :attr:`Diagnostic.location`."""

    kind = "compile"


class SubmissionError(NetspecError):
    """A submission the spec refuses (not JSON, not valid against the spec's
    inputs, a bad assessment date); diagnostics carry a JSON pointer
    (:attr:`Diagnostic.path`)."""

    kind = "submission"


class UsageError(NetspecError, ValueError):
    """A call that is wrong in itself (an unknown respondent, say)."""

    kind = "usage"


def _error_from_json(text: str, index: Optional[int] = None) -> NetspecError:
    try:
        f = _json.loads(text)
    except ValueError:
        f = {"kind": "usage", "message": text, "diagnostics": [], "rendered": ""}
    cls: "type[NetspecError]" = {
        "compile": CompileError,
        "submission": SubmissionError,
    }.get(f.get("kind"), UsageError)
    pos = f.get("json_position")
    e = cls(
        f.get("message", ""),
        [Diagnostic._of(d) for d in f.get("diagnostics", ())],
        f.get("rendered", ""),
        JsonPosition(pos["line"], pos["column"]) if pos else None,
    )
    e._json = text
    e.index = index
    return e


def _reraise(failure: BaseException) -> NetspecError:
    return _error_from_json(str(failure.args[0]) if failure.args else "")


# --------------------------------------------------------------------- report


@dataclass(frozen=True)
class Counts:
    """How many requirements had each outcome."""

    met: int
    not_met: int
    not_applicable: int
    incomplete: int

    @staticmethod
    def _of(d: JsonObject) -> Counts:
        return Counts(d["met"], d["not_met"], d["not_applicable"], d["incomplete"])


@dataclass(frozen=True)
class Summary:
    """The rating, outcome counts and compliance of the whole report.

    ``str(summary)`` is the rating."""

    rating: Rating
    counts: Counts
    #: met / (met + not met) in percent, 2 decimals; ``None`` when nothing
    #: was met or not met.
    compliance: Optional[float]

    def __str__(self) -> str:
        return self.rating

    @staticmethod
    def _of(d: JsonObject) -> Summary:
        return Summary(d["rating"], Counts._of(d["counts"]), d["compliance"])


@dataclass(frozen=True)
class AreaSummary:
    """The rating, counts and compliance of one area."""

    area: str
    title: str
    rating: Rating
    counts: Counts
    compliance: Optional[float]

    @staticmethod
    def _of(d: JsonObject) -> AreaSummary:
        return AreaSummary(
            d["area"], d["title"], d["rating"], Counts._of(d["counts"]), d["compliance"]
        )


@dataclass(frozen=True)
class ToPass:
    """What it would take for a failing check to hold: one answer changed."""

    path: Optional[str]
    question: str
    label: str
    from_: Value
    to: Value
    change: Optional[Union[int, float]]
    unit: Optional[str]
    message: str

    @staticmethod
    def _of(d: JsonObject) -> ToPass:
        return ToPass(
            d.get("path"),
            d["question"],
            d["label"],
            d.get("from"),
            d.get("to"),
            d.get("change"),
            d.get("unit"),
            d["message"],
        )


@dataclass(frozen=True)
class Check:
    """One check behind a requirement's outcome, explained."""

    #: The condition as written in the spec.
    check: str
    held: bool
    #: The message for providers.
    message: str
    #: The list element it concerns (``units[1] (B)``), if any.
    element: Optional[str]
    element_name: Optional[str]
    #: False for the condition of an ``implies`` out of scope for this element.
    in_scope: bool
    left: Value
    right: Value
    gap: Value
    to_pass: Tuple[ToPass, ...]

    @staticmethod
    def _of(d: JsonObject) -> Check:
        return Check(
            d["check"],
            d["held"],
            d["message"],
            d.get("element"),
            d.get("element_name"),
            d.get("in_scope", True),
            d.get("left"),
            d.get("right"),
            d.get("gap"),
            tuple(ToPass._of(t) for t in d.get("to_pass", ())),
        )


@dataclass(frozen=True)
class MissingInput:
    """An unanswered question that would decide a requirement (or required
    evidence not given)."""

    path: str
    question: str


@dataclass(frozen=True)
class DeclaredEvidence:
    key: str
    description: str
    required: bool


@dataclass(frozen=True)
class GivenEvidence:
    key: str
    reference: str


@dataclass(frozen=True)
class Evidence:
    """Evidence for one requirement: declared by the spec, given, missing."""

    declared: Tuple[DeclaredEvidence, ...]
    given: Tuple[GivenEvidence, ...]
    missing: Tuple[str, ...]

    @staticmethod
    def _of(d: JsonObject) -> Evidence:
        return Evidence(
            tuple(DeclaredEvidence(e["key"], e["description"], e["required"]) for e in d["declared"]),
            tuple(GivenEvidence(e["key"], e["reference"]) for e in d["given"]),
            tuple(d["missing"]),
        )


@dataclass(frozen=True)
class Requirement:
    """The result for one requirement."""

    id: str
    area: str
    level: Level
    title: str
    ref: Optional[str]
    basis: Optional[Basis]
    respondent: Respondent
    help: Optional[str]
    outcome: Outcome
    explanation: Tuple[Check, ...]
    missing: Tuple[MissingInput, ...]
    problems: Tuple[str, ...]
    evidence: Evidence

    @staticmethod
    def _of(d: JsonObject) -> Requirement:
        return Requirement(
            d["id"],
            d["area"],
            d["level"],
            d["title"],
            d["ref"],
            d["basis"],
            d["respondent"],
            d["help"],
            d["outcome"],
            tuple(Check._of(c) for c in d["explanation"]),
            tuple(MissingInput(m["path"], m["question"]) for m in d["missing"]),
            tuple(d["problems"]),
            Evidence._of(d["evidence"]),
        )


@dataclass(frozen=True)
class SpecSummary:
    """Which spec a report is for."""

    id: str
    title: str
    version: Optional[str]


@dataclass(frozen=True)
class Organisation:
    ods_code: str
    name: str


@dataclass(frozen=True)
class Period:
    start: _dt.date
    end: _dt.date


@dataclass(frozen=True)
class Header:
    """The submission's header, echoed in the report."""

    respondent: Respondent
    organisation: Organisation
    period: Period
    completed_by: str
    #: ``(by, on)`` when the submission was signed off.
    signed_off: Optional[Tuple[str, _dt.date]]

    @staticmethod
    def _of(d: JsonObject) -> Header:
        so = d.get("signed_off")
        return Header(
            d["respondent"],
            Organisation(d["organisation"]["ods_code"], d["organisation"]["name"]),
            Period(_date(d["period"]["start"]), _date(d["period"]["end"])),
            d["completed_by"],
            (so["by"], _date(so["on"])) if so else None,
        )


def _date(text: str) -> _dt.date:
    return _dt.date.fromisoformat(text)


class Report:
    """The report for one submission.

    Attributes are read from the engine's report the first time one is
    asked for; :meth:`to_json` gives the report's JSON text exactly as the
    ``netspec`` command line prints it.
    """

    __slots__ = ("_raw", "_parts")

    def __init__(self, raw: _netspec.RawReport) -> None:
        self._raw = raw
        self._parts: Dict[str, Any] = {}

    # the JSON
    def to_json(self, pretty: bool = True) -> str:
        """The report as JSON text: with ``pretty`` (the default) byte for
        byte what ``netspec eval --format json`` prints (indented, keys
        sorted); else one line, as ``netspec eval --batch`` writes it less
        the ``line`` and ``ods_code`` members a batch line ends with. Both
        end with a newline."""
        return self._raw.to_json(pretty)

    def to_dict(self) -> JsonObject:
        """The report as plain Python data (``json.loads`` of its JSON); a
        new copy each call."""
        return cast(JsonObject, _json.loads(self._raw.to_json(False)))

    def _part(self, name: str) -> Any:
        """One top-level field of the report as Python data, read once."""
        try:
            return self._parts[name]
        except KeyError:
            value = self._parts[name] = _json.loads(self._raw.part_json(name))
            return value

    def _cached(self, key: str, part: str, make: Any) -> Any:
        try:
            return self._parts[key]
        except KeyError:
            value = self._parts[key] = make(self._part(part))
            return value

    # typed access
    @property
    def overall(self) -> Summary:
        """The overall rating (``str(report.overall)``), counts and compliance."""
        return cast(Summary, self._cached("Summary", "overall", Summary._of))

    @property
    def rating(self) -> Rating:
        """The overall rating (without reading the rest of the report)."""
        return cast(Rating, self._raw.overall_rating)

    @property
    def compliance(self) -> Optional[float]:
        """Overall compliance: met / (met + not met) in percent, 2 decimals."""
        return self.overall.compliance

    @property
    def areas(self) -> List[AreaSummary]:
        """All seven areas, in the canonical order."""
        return list(self._cached("AreaSummary", "areas", lambda d: tuple(AreaSummary._of(a) for a in d)))

    @property
    def requirements(self) -> List[Requirement]:
        """One result per requirement of the respondent, by area then
        declaration order."""
        return list(
            self._cached(
                "Requirement", "requirements", lambda d: tuple(Requirement._of(r) for r in d)
            )
        )

    @property
    def outcomes(self) -> Dict[str, Outcome]:
        """Each requirement's outcome, by id, in report order."""
        return {r.id: r.outcome for r in self.requirements}

    @property
    def missing_inputs(self) -> List[MissingInput]:
        """Every unanswered question (and missing required evidence) that
        would decide an incomplete requirement, each once, in report order."""
        seen: Dict[str, MissingInput] = {}
        for r in self.requirements:
            for m in r.missing:
                seen.setdefault(m.path, m)
        return list(seen.values())

    @property
    def warnings(self) -> List[Diagnostic]:
        """Warnings about the submission."""
        return list(self._cached("Diagnostic", "warnings", lambda d: tuple(Diagnostic._of(w) for w in d)))

    @property
    def spec(self) -> SpecSummary:
        d = self._part("spec")
        return SpecSummary(d["id"], d["title"], d["version"])

    @property
    def header(self) -> Optional[Header]:
        """The submission's header; ``None`` for an unattributed submission."""
        h = self._part("header")
        return Header._of(h) if h else None

    @property
    def respondent(self) -> Respondent:
        return cast(Respondent, self._part("respondent"))

    @property
    def assessed_on(self) -> Optional[_dt.date]:
        """The assessment date used."""
        a = self._part("assessed_on")
        return _date(a) if a else None

    @property
    def report_format(self) -> int:
        return cast(int, self._part("report_format"))

    @property
    def engine_version(self) -> str:
        return cast(str, self._part("engine_version"))

    def rows(self) -> List[Row]:
        """One flat ``dict`` per requirement, ready for
        ``pandas.DataFrame(report.rows())`` or ``csv.DictWriter``.

        Keys: ``provider`` (ODS code; ``None`` without a header),
        ``provider_name``, ``respondent``, ``period_start``, ``period_end``,
        ``assessed_on`` (``YYYY-MM-DD`` or ``None``), ``spec``,
        ``spec_version``, ``requirement``, ``title``, ``area``, ``level``,
        ``basis``, ``outcome``, and the inputs of compliance: ``decided``
        (met or not met: counted in compliance), ``met``, and ``missing``
        (how many unanswered questions would decide it).
        """
        h = self._part("header") or {}
        spec = self._part("spec")
        org = h.get("organisation") or {}
        period = h.get("period") or {}
        base = {
            "provider": org.get("ods_code"),
            "provider_name": org.get("name"),
            "respondent": self._part("respondent"),
            "period_start": period.get("start"),
            "period_end": period.get("end"),
            "assessed_on": self._part("assessed_on"),
            "spec": spec["id"],
            "spec_version": spec["version"],
        }
        rows: List[Row] = []
        for r in self._part("requirements"):
            row = dict(base)
            row.update(
                requirement=r["id"],
                title=r["title"],
                area=r["area"],
                level=r["level"],
                basis=r["basis"],
                outcome=r["outcome"],
                decided=r["outcome"] in ("met", "not_met"),
                met=r["outcome"] == "met",
                missing=len(r["missing"]),
            )
            rows.append(row)
        return rows

    def __repr__(self) -> str:
        return f"<netspec.Report {self._raw.overall_rating}>"


# ----------------------------------------------------------------------- spec


def _submission_text(submission: SubmissionInput) -> Union[str, bytes]:
    if isinstance(submission, (str, bytes)):
        return submission
    if isinstance(submission, (bytearray, memoryview)):
        return bytes(submission)
    # the Python value of a JSON document: written as JSON text and read as
    # such (ints exactly; floats as their shortest repr; NaN and infinities
    # refused)
    return _json.dumps(submission, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _as_of(as_of: Union[str, _dt.date, None]) -> Optional[str]:
    if as_of is None or isinstance(as_of, str):
        return as_of
    if isinstance(as_of, _dt.datetime):
        raise TypeError("as_of must be a date (datetime.date or 'YYYY-MM-DD'), not a datetime")
    if isinstance(as_of, _dt.date):
        return as_of.isoformat()
    raise TypeError(f"as_of must be a datetime.date or 'YYYY-MM-DD', not {type(as_of).__name__}")


class Spec:
    """A compiled spec: evaluates any number of submissions, from any
    number of threads."""

    __slots__ = ("_raw",)

    def __init__(self, raw: _netspec.RawSpec) -> None:
        self._raw = raw

    @staticmethod
    def from_file(
        path: Union[str, "_os.PathLike[str]"],
        *,
        root: Union[str, "_os.PathLike[str]", None] = None,
        tests: bool = False,
    ) -> Spec:
        """Reads the spec at ``path`` and every file it ``use``s, and
        compiles it. Only regular files inside ``root`` (default: the spec's
        own folder) are read: a path out of it, a link leading out, a file
        too large or not UTF-8 is a :class:`CompileError` (NS0311, NS0301,
        NS0309), never read. With ``tests`` the spec's ``test`` blocks are
        read and checked too (and the files they name must be there).

        Raises :class:`FileNotFoundError` when there is no file at ``path``.
        """
        p = _os.fspath(path)
        if not _os.path.isfile(p):
            raise FileNotFoundError(2, "no spec file", p)
        try:
            raw = _netspec.RawSpec.from_file(p, None if root is None else _os.fspath(root), tests)
        except _netspec._Failure as f:
            raise _reraise(f) from None
        return Spec(raw)

    @staticmethod
    def compile(
        source: Union[str, bytes],
        files: Optional[Mapping[str, Union[str, bytes]]] = None,
        *,
        name: str = "spec.netspec",
        tests: bool = False,
    ) -> Spec:
        """Compiles spec text (``str``, or bytes read as UTF-8) named
        ``name``, with every file it ``use``s in ``files`` (by name relative
        to the spec's folder). Nothing is read from disk."""
        try:
            raw = _netspec.RawSpec.compile(
                source, dict(files) if files is not None else None, name, tests
            )
        except _netspec._Failure as f:
            raise _reraise(f) from None
        return Spec(raw)

    @property
    def id(self) -> str:
        """The spec's id (``spec acc ...``)."""
        return self._raw.id

    @property
    def title(self) -> str:
        return self._raw.title

    @property
    def version(self) -> Optional[str]:
        """The spec's ``version``, if it declares one."""
        return self._raw.version

    @property
    def requirement_ids(self) -> List[str]:
        """The ids of the spec's requirements, in report order."""
        return self._raw.requirement_ids()

    @property
    def warnings(self) -> List[Diagnostic]:
        """Warnings found while compiling."""
        return [Diagnostic._of(d) for d in _json.loads(self._raw.warnings_json())]

    def inputs(self) -> List[JsonObject]:
        """The questions a respondent answers, grouped in sections as a form
        shows them (the JSON of ``netspec inputs --format json``)."""
        return cast(List[JsonObject], _json.loads(self._raw.inputs_json()))

    def json_schema(self) -> JsonObject:
        """The JSON Schema (draft 2020-12) of a valid submission."""
        return cast(JsonObject, _json.loads(self._raw.json_schema_json()))

    def evaluate(
        self,
        submission: SubmissionInput,
        *,
        as_of: Union[str, _dt.date, None] = None,
        explanations: bool = True,
        unattributed: Optional[Respondent] = None,
    ) -> Report:
        """Evaluates a submission: JSON text (``str`` or UTF-8 bytes, read
        exactly, every digit kept) or the Python value of one (a ``dict``,
        written as JSON text first: see the package README on numbers).

        ``as_of`` (a date or ``YYYY-MM-DD``) overrides the end of the
        assessment period in the submission's header; ``explanations=False``
        leaves explanations out (faster); ``unattributed`` (``"provider"`` or
        ``"network"``) accepts a submission without a header, as from that
        respondent.

        Raises :class:`SubmissionError` when the spec refuses the submission.
        """
        text = _submission_text(submission)
        try:
            raw = self._raw.evaluate(text, _as_of(as_of), explanations, unattributed)
        except _netspec._Failure as f:
            raise _reraise(f) from None
        return Report(raw)

    def evaluate_many(
        self,
        submissions: Iterable[SubmissionInput],
        *,
        threads: Optional[int] = None,
        as_of: Union[str, _dt.date, None] = None,
        explanations: bool = True,
        unattributed: Optional[Respondent] = None,
    ) -> List[Union[Report, SubmissionError]]:
        """Evaluates every submission on ``threads`` threads (default: one
        per core) with the GIL released; in input order, a :class:`Report`
        or, for a submission the spec refuses, a :class:`SubmissionError`
        (not raised; its ``index`` is the submission's place). Options as
        :meth:`evaluate`; a bad option raises."""
        if threads is not None and threads < 1:
            raise ValueError(f"threads must be at least 1, got {threads}")
        texts = [_submission_text(s) for s in submissions]
        try:
            raw = self._raw.evaluate_many(texts, threads, _as_of(as_of), explanations, unattributed)
        except _netspec._Failure as f:
            raise _reraise(f) from None
        out: List[Union[Report, SubmissionError]] = []
        for i, r in enumerate(raw):
            if isinstance(r, str):
                e = _error_from_json(r, i)
                if not isinstance(e, SubmissionError):
                    raise e
                out.append(e)
            else:
                out.append(Report(r))
        return out

    def __repr__(self) -> str:
        return f"<netspec.Spec {self.id!r} version {self.version!r}>"


def explain(code: str) -> Optional[Tuple[str, str]]:
    """The title and explanation of a diagnostic code (``NS0002``, any
    case); ``None`` for a code that does not exist."""
    found = _json.loads(_netspec.codes_json(code))
    return (found[0]["title"], found[0]["explanation"]) if found else None
