// The netspec JavaScript API over the raw wasm-bindgen exports.
//
// Shared by the node entry point (index.js) and the browser one (web.js):
// build.sh copies this file to pkg/core.cjs (CommonJS) and pkg/core.mjs
// (ES module), adding the one export line each needs. The types are in
// types.d.ts.
//
// Everything structured crosses the boundary as JSON text written by
// serde_json in Rust, so a report is exactly what the native engine makes.
// A failure inside Rust is thrown as a JSON string and becomes a
// NetspecError here. Anything else thrown from inside the module (a trap:
// a panic, a stack overflow, running out of memory) also becomes a
// NetspecError, and the module is re-instantiated so that later calls work;
// compiled specs recompile from their source on their next use.

'use strict';

const SPEC_TOKEN = Symbol('netspec.Spec');
const DEFAULT_NAME = 'spec.netspec';

class NetspecError extends Error {
  constructor(message, init) {
    const opts = init || {};
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'NetspecError';
    this.kind = opts.kind || 'usage';
    this.diagnostics = opts.diagnostics || [];
    const first = this.diagnostics.find((d) => d.severity === 'error') || this.diagnostics[0];
    this.code = first ? first.code : undefined;
    this.rendered = opts.rendered || '';
  }
}

function usage(message) {
  return new NetspecError(message, { kind: 'usage' });
}

// Adds the flat fields (file, line, column, endLine, endColumn, span) next to
// the serde form of a diagnostic, and makes `notes` always an array.
function flatten(d) {
  const out = Object.assign({}, d);
  out.notes = Array.isArray(d.notes) ? d.notes : [];
  const loc = d.location;
  if (loc) {
    out.file = loc.file;
    out.line = loc.line;
    out.column = loc.column;
    out.endLine = loc.end_line;
    out.endColumn = loc.end_column;
    out.span = { start: loc.start, end: loc.end };
  }
  return out;
}

function fromBody(text) {
  let body;
  try {
    body = JSON.parse(text);
  } catch (_) {
    return new NetspecError(String(text), { kind: 'internal' });
  }
  const diagnostics = (body.diagnostics || []).map(flatten);
  const at = body.json_position;
  if (at) {
    // a submission that is not JSON: where the JSON text goes wrong
    for (const d of diagnostics) {
      if (d.code === 'NS0207' && d.line === undefined) {
        d.line = at.line;
        d.column = at.column;
      }
    }
  }
  return new NetspecError(body.message, { kind: body.kind, diagnostics, rendered: body.rendered });
}

function describe(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v}`;
}

// Bytes (a Uint8Array, another typed array or DataView, or an ArrayBuffer)
// as a Uint8Array over the same memory; anything else as undefined.
function bytesOf(v) {
  if (v instanceof Uint8Array) return v;
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  return undefined;
}

// Text given as a string or as bytes. Bytes are read as UTF-8 by the engine,
// as the CLI reads a file: bytes that are not UTF-8 are an NS0309 error of
// `kind`, naming the first bad byte.
function textOf(engine, value, kind, what) {
  if (typeof value === 'string') return value;
  const bytes = bytesOf(value);
  if (bytes === undefined) return undefined;
  return engine.call((r) => r.decodeUtf8(bytes, kind, what));
}

function pointerSegment(key) {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

function submissionDiagnostic(message, path, help) {
  const d = { code: 'NS0207', severity: 'error', message };
  if (path !== undefined) d.path = path;
  if (help !== undefined) d.help = help;
  d.notes = [];
  return d;
}

function submissionError(message, path, help, cause) {
  const d = submissionDiagnostic(message, path, help);
  return new NetspecError(`error[NS0207]: ${message}${path !== undefined ? ` at ${path || '/'}` : ''}`, {
    kind: 'submission',
    diagnostics: [d],
    cause,
  });
}

// A submission object as JSON text. Values JSON cannot hold are errors with
// a JSON pointer, never silently turned into null.
function submissionText(engine, submission, where) {
  const text = textOf(engine, submission, 'submission', 'the submission');
  if (text !== undefined) return text;
  if (submission === undefined) {
    throw usage(`${where}: a submission is required (an object, or JSON text)`);
  }
  if (typeof submission === 'function' || typeof submission === 'symbol') {
    throw usage(`${where}: the submission must be an object or JSON text, got ${typeof submission}`);
  }
  const paths = new WeakMap();
  let root = true;
  let problem;
  function replacer(key, value) {
    let path;
    if (root) {
      root = false;
      path = '';
    } else {
      path = `${paths.get(this) || ''}/${pointerSegment(key)}`;
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
      problem = submissionError(`${value} is not a JSON number`, path,
        'give a finite number, or leave the question out (or null) when it is not answered');
      throw problem;
    }
    if (typeof value === 'bigint') {
      const n = Number(value);
      if (Number.isSafeInteger(n)) return n;
      problem = submissionError(`the BigInt ${value} is too large to pass as a number`, path,
        'pass the submission as JSON text to keep a large number exact');
      throw problem;
    }
    if (value !== null && typeof value === 'object') paths.set(value, path);
    return value;
  }
  try {
    const text = JSON.stringify(submission, replacer);
    return text === undefined ? 'null' : text;
  } catch (e) {
    if (problem !== undefined && e === problem) throw problem;
    if (e instanceof RangeError) {
      throw submissionError('the submission is nested too deeply to write as JSON', undefined,
        'a submission is a JSON object of answers; lists and groups nest a few levels at most', e);
    }
    throw submissionError(`the submission cannot be written as JSON: ${e && e.message ? e.message : e}`,
      undefined, undefined, e);
  }
}

function checkOptions(options, where, allowed) {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw usage(`${where}: options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw usage(`${where}: unknown option \`${key}\` (options are ${allowed.map((k) => `\`${k}\``).join(', ')})`);
    }
  }
  return options;
}

function evalOptions(options, where, allowed) {
  const o = checkOptions(options, where, allowed);
  let asOf = o.asOf;
  if (asOf === undefined || asOf === null) {
    asOf = undefined;
  } else if (typeof asOf !== 'string') {
    throw usage(`${where}: \`asOf\` must be a date written YYYY-MM-DD, got ${describe(asOf)}`);
  }
  const explanations = o.explanations === undefined ? true : o.explanations;
  if (typeof explanations !== 'boolean') {
    throw usage(`${where}: \`explanations\` must be true or false, got ${describe(explanations)}`);
  }
  const pretty = o.pretty === undefined ? false : o.pretty;
  if (typeof pretty !== 'boolean') {
    throw usage(`${where}: \`pretty\` must be true or false, got ${describe(pretty)}`);
  }
  let unattributed = o.unattributed;
  if (unattributed === undefined || unattributed === null) {
    unattributed = undefined;
  } else if (unattributed !== 'provider' && unattributed !== 'network') {
    const got = typeof unattributed === 'string' ? `"${unattributed}"` : describe(unattributed);
    throw usage(`${where}: \`unattributed\` must be "provider" or "network", got ${got}`);
  }
  return { asOf, explanations, pretty, unattributed };
}

function compileRecipe(engine, source, options) {
  if (typeof source !== 'string' && bytesOf(source) === undefined) {
    throw usage(`compile: the spec source must be a string or a Uint8Array, got ${describe(source)}`);
  }
  const o = checkOptions(options, 'compile', ['name', 'files', 'tests']);
  const tests = o.tests === undefined ? true : o.tests;
  if (typeof tests !== 'boolean') {
    throw usage(`compile: \`tests\` must be true or false, got ${describe(tests)}`);
  }
  let name = DEFAULT_NAME;
  if (o.name !== undefined && o.name !== null) {
    if (typeof o.name !== 'string' || o.name.trim() === '') {
      throw usage(`compile: \`name\` must be a non-empty string, got ${describe(o.name)}`);
    }
    name = o.name;
  }
  const files = Object.create(null); // a file may be called __proto__
  if (o.files !== undefined && o.files !== null) {
    const entries = o.files instanceof Map ? Array.from(o.files.entries())
      : typeof o.files === 'object' && !Array.isArray(o.files) ? Object.entries(o.files)
        : undefined;
    if (entries === undefined) {
      throw usage(`compile: \`files\` must map file names to their text, got ${describe(o.files)}`);
    }
    for (const [file, text] of entries) {
      if (typeof file !== 'string' || (typeof text !== 'string' && bytesOf(text) === undefined)) {
        throw usage(`compile: \`files\` must map file names to their text (a string or a Uint8Array); \`${String(file)}\` maps to ${describe(text)}`);
      }
      files[file] = textOf(engine, text, 'compile', file);
    }
  }
  return [name, textOf(engine, source, 'compile', name), JSON.stringify(files), tests];
}

// The engine: one wasm instance, replaced after a trap.
class Engine {
  constructor(raw) {
    this.raw = raw;
    this.generation = 0;
  }

  // Runs `fn` against the module, turning every failure into a NetspecError.
  call(fn) {
    try {
      return fn(this.raw);
    } catch (e) {
      if (typeof e === 'string') throw fromBody(e);
      if (e instanceof NetspecError) throw e;
      let panic;
      try {
        panic = this.raw.takePanicMessage();
      } catch (_) {
        panic = undefined;
      }
      this.reset();
      const why = panic || (e && e.message) || String(e);
      throw new NetspecError(
        `internal error in the netspec engine: ${why} (the engine was restarted; please report this with the spec and submission)`,
        { kind: 'internal', cause: e },
      );
    }
  }

  reset() {
    this.generation += 1;
    try {
      if (typeof this.raw.__wbg_reset_state === 'function') this.raw.__wbg_reset_state();
    } catch (_) {
      // the next call tries again through a fresh instance or fails the same way
    }
  }
}

// A spec's raw handle made again: compiled from its recipe, or loaded
// from its compiled document (the form's module).
function rebuild(raw, recipe) {
  return Array.isArray(recipe)
    ? raw.compileRaw(recipe[0], recipe[1], recipe[2], recipe[3])
    : raw.loadCompiled(recipe.document);
}

class Spec {
  #engine;
  #recipe;
  #handle;
  #generation;

  constructor(token, engine, recipe, handle) {
    if (token !== SPEC_TOKEN) throw usage('use compile() to make a Spec');
    this.#engine = engine;
    this.#recipe = recipe;
    this.#handle = handle;
    this.#generation = engine.generation;
    const info = engine.call(() => ({
      id: handle.id,
      title: handle.title,
      version: handle.version === undefined ? null : handle.version,
      warnings: JSON.parse(handle.warnings()),
    }));
    this.id = info.id;
    this.title = info.title;
    this.version = info.version;
    this.warnings = Object.freeze(info.warnings.map(flatten));
    Object.freeze(this);
  }

  // The raw handle, recompiled when the engine was restarted since.
  #raw(where) {
    if (this.#recipe === null) throw usage(`${where}: this Spec was freed`);
    if (this.#generation !== this.#engine.generation || this.#handle === null) {
      const recipe = this.#recipe;
      this.#handle = this.#engine.call((raw) => rebuild(raw, recipe));
      this.#generation = this.#engine.generation;
    }
    return this.#handle;
  }

  #evaluate(submission, options, where, allowed) {
    const text = submissionText(this.#engine, submission, where);
    const o = evalOptions(options, where, allowed);
    return this.#engine.call(() => this.#raw(where).evaluate(text, o.asOf, o.explanations, o.pretty, o.unattributed));
  }

  evaluate(submission, options) {
    return JSON.parse(this.#evaluate(submission, options, 'evaluate', ['asOf', 'explanations', 'unattributed']));
  }

  evaluateJson(submission, options) {
    return this.#evaluate(submission, options, 'evaluateJson', ['asOf', 'explanations', 'unattributed', 'pretty']);
  }

  inputs() {
    return JSON.parse(this.#engine.call(() => this.#raw('inputs').inputs()));
  }

  jsonSchema() {
    this.#has('jsonSchema', 'jsonSchema');
    return JSON.parse(this.#engine.call(() => this.#raw('jsonSchema').jsonSchema()));
  }

  runTests() {
    return JSON.parse(this.#engine.call(() => this.#raw('runTests').runTests()));
  }

  // FHIR R4 SDC: the spec's form as a Questionnaire, a QuestionnaireResponse
  // read as a submission, a submission written as a QuestionnaireResponse.
  fhirQuestionnaire(respondent) {
    if (respondent !== undefined && respondent !== null && respondent !== 'provider' && respondent !== 'network') {
      throw usage(`fhirQuestionnaire: \`respondent\` must be "provider" or "network", got ${describe(respondent)}`);
    }
    const who = respondent === null ? undefined : respondent;
    this.#has('fhirQuestionnaire', 'fhirQuestionnaire');
    return JSON.parse(this.#engine.call(() => this.#raw('fhirQuestionnaire').fhirQuestionnaire(who)));
  }

  fromFhir(response) {
    this.#has('fromFhir', 'fhirToSubmission');
    const text = submissionText(this.#engine, response, 'fromFhir');
    return JSON.parse(this.#engine.call(() => this.#raw('fromFhir').fhirToSubmission(text)));
  }

  toFhir(submission, options) {
    this.#has('toFhir', 'submissionToFhir');
    const text = submissionText(this.#engine, submission, 'toFhir');
    const o = evalOptions(options, 'toFhir', ['unattributed']);
    return JSON.parse(this.#engine.call(() => this.#raw('toFhir').submissionToFhir(text, o.unattributed)));
  }

  // A usage error when this Spec's module has no `method`: the form's
  // module has neither the JSON Schema nor FHIR.
  #has(where, method) {
    const proto = this.#engine.raw.RawSpec ? this.#engine.raw.RawSpec.prototype : undefined;
    if (proto !== undefined && typeof proto[method] !== 'function') {
      throw usage(`${where}: the form's module does not have it; compile the spec with the full module (the \`netspec\` package) for ${where}`);
    }
  }

  // Every submission rolled up by the engine's own roll-up (netspec-network),
  // one at a time: the network report and its tidy CSV.
  network(submissions, options) {
    if (!Array.isArray(submissions)) throw usage('network: `submissions` must be an array of { name, text or bytes }');
    const o = evalOptions(options, 'network', ['asOf', 'explanations']);
    const items = submissions.map((s, k) => {
      if (s === null || typeof s !== 'object') throw usage(`network: submission ${k} must be { name, text or bytes }`);
      const bytes = typeof s.text === 'string' ? new TextEncoder().encode(s.text) : bytesOf(s.bytes);
      if (bytes === undefined) throw usage(`network: submission ${k} has neither \`text\` (a string) nor \`bytes\``);
      return [String(s.name === undefined ? `submission ${k + 1}` : s.name), bytes];
    });
    return this.#engine.call((raw) => {
      const rollup = new raw.RawRollup(this.#raw('network'), o.asOf, o.explanations);
      try {
        for (const [name, bytes] of items) rollup.add(name, bytes);
        const report = JSON.parse(rollup.finish(false));
        return { report, csv: rollup.csv() };
      } finally {
        rollup.free();
      }
    });
  }

  free() {
    const h = this.#handle;
    this.#handle = null;
    this.#recipe = null;
    if (h !== null && this.#generation === this.#engine.generation) {
      try {
        h.free();
      } catch (_) {
        // from a replaced instance: nothing to release
      }
    }
  }
}
if (typeof Symbol.dispose === 'symbol') Spec.prototype[Symbol.dispose] = Spec.prototype.free;

// An editor query's offset (a JavaScript string index) clamped to the
// source, or undefined when the arguments are not a string and a number.
function editorOffset(source, offset) {
  if (typeof source !== 'string' || typeof offset !== 'number' || Number.isNaN(offset)) return undefined;
  return Math.min(source.length, Math.max(0, Math.floor(offset)));
}

function createApi(raw) {
  const engine = new Engine(raw);
  // (the form's module has no code table)
  const codeList = typeof raw.allCodes === 'function' ? engine.call((r) => JSON.parse(r.allCodes())) : [];
  return {
    version: engine.call((r) => r.version()),
    NetspecError,
    Spec,
    compile(source, options) {
      const recipe = compileRecipe(engine, source, options);
      const handle = engine.call((r) => r.compileRaw(recipe[0], recipe[1], recipe[2], recipe[3]));
      return new Spec(SPEC_TOKEN, engine, recipe, handle);
    },
    // A spec from its compiled document (`netspec compile`): the form's module.
    loadCompiled(document) {
      if (typeof document !== 'string') {
        throw usage(`loadCompiled: the compiled document must be a string, got ${describe(document)}`);
      }
      const recipe = { document };
      const handle = engine.call((r) => r.loadCompiled(document));
      return new Spec(SPEC_TOKEN, engine, recipe, handle);
    },
    explain(code) {
      if (typeof code !== 'string') throw usage(`explain: the code must be a string like "NS0002", got ${describe(code)}`);
      const text = engine.call((r) => r.explainCode(code));
      return text === undefined || text === null ? undefined : JSON.parse(text);
    },
    codes() {
      return codeList.map((c) => Object.assign({}, c));
    },
    hover(source, offset) {
      const at = editorOffset(source, offset);
      if (at === undefined) return null;
      try {
        const text = engine.call((r) => r.ideHover(source, at));
        return text === undefined || text === null ? null : JSON.parse(text);
      } catch (_) {
        return null;
      }
    },
    complete(source, offset) {
      const at = editorOffset(source, offset);
      if (at === undefined) return { from: typeof offset === 'number' && Number.isFinite(offset) ? Math.max(0, Math.floor(offset)) : 0, options: [] };
      try {
        return JSON.parse(engine.call((r) => r.ideComplete(source, at)));
      } catch (_) {
        return { from: at, options: [] };
      }
    },
    // For the package's own tests: panics inside the module on purpose.
    __panicForTests(message) {
      engine.call((r) => r.__panicForTests(String(message)));
    },
  };
}
