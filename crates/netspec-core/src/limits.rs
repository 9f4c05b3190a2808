//! Resource limits for input the engine does not control.
//!
//! netspec runs inside other services and in browsers, on specs and
//! submissions from anyone. Every way an input can make the engine work
//! harder (size, nesting, counts, evaluation work) has a limit here, with a
//! default that is safe on a 2 MiB stack (a thread, or a WebAssembly module)
//! and far above what a real network specification or submission needs.
//! Going over a limit gives a diagnostic with a stable code (never a panic,
//! an abort, a stack overflow, unbounded memory or unbounded time).
//!
//! [`Spec::compile`](crate::Spec::compile) uses [`Limits::default`];
//! [`Spec::compile_with`](crate::Spec::compile_with) takes others, and the
//! compiled spec keeps them for its evaluations
//! ([`Spec::with_limits`](crate::Spec::with_limits) changes them afterwards).
//!
//! | limit | default | over it |
//! |---|---|---|
//! | [`max_source_bytes`](Limits::max_source_bytes) | 4 MiB | NS0301 |
//! | [`max_expression_terms`](Limits::max_expression_terms) | 250,000 | NS0301 |
//! | [`max_depth`](Limits::max_depth) | 128 | NS0026 |
//! | [`max_prefix_run`](Limits::max_prefix_run) | 64 | NS0026 |
//! | [`max_implies`](Limits::max_implies) | 64 | NS0026 |
//! | [`max_nesting_keywords`](Limits::max_nesting_keywords) | 256 | NS0026 |
//! | [`max_let_depth`](Limits::max_let_depth) | 32 | NS0026 |
//! | [`max_binders`](Limits::max_binders) | 4 | NS0026 |
//! | [`max_inputs`](Limits::max_inputs) | 5,000 | NS0302 |
//! | [`max_requirements`](Limits::max_requirements) | 5,000 | NS0303 |
//! | [`max_definitions`](Limits::max_definitions) | 5,000 | NS0304 |
//! | [`max_submission_bytes`](Limits::max_submission_bytes) | 4 MiB | NS0305 |
//! | [`max_json_depth`](Limits::max_json_depth) | 64 | NS0306 |
//! | [`max_list_len`](Limits::max_list_len) | 10,000 | NS0307 |
//! | [`max_eval_steps`](Limits::max_eval_steps) | 10,000,000 | NS0308 |
//!
//! The depth limits bound recursion: raising one above its default needs a
//! larger stack than 2 MiB (run the engine on a thread with a bigger stack).
//! Besides these, a compilation reports at most 100 errors, and a submission
//! at most 100 errors and 100 warnings ([`MAX_DIAGNOSTICS`]): past 100
//! errors the engine stops looking, past 100 warnings it keeps the first
//! 100, and says so (NS0310).

/// Most errors (and, for a submission, most warnings) reported for one
/// compilation or one submission; past it a final NS0310 says the rest were
/// not looked for (errors) or not shown (warnings).
pub const MAX_DIAGNOSTICS: usize = 100;

/// Deepest bracket or expression nesting accepted by default (an operator
/// chain of `a and b and …` nests one level per operator): the default of
/// [`Limits::max_depth`].
pub const MAX_DEPTH: usize = 128;

/// Most definitions that may depend on one another in a chain, by default:
/// the default of [`Limits::max_let_depth`].
pub const MAX_LET_DEPTH: usize = 32;

/// Most quantifiers and aggregates nested in one another, by default: the
/// default of [`Limits::max_binders`].
pub const MAX_BINDERS: usize = 4;

/// Resource limits for compiling specs and evaluating submissions.
///
/// Build one from the defaults and change what you need:
///
/// ```
/// let mut limits = netspec_core::Limits::default();
/// limits.max_list_len = 500;
/// limits.max_eval_steps = 1_000_000;
/// # let _ = limits;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Limits {
    /// Most bytes of spec text in one compilation: the root file, every file
    /// it `use`s and every test submission file it names, together (NS0301).
    pub max_source_bytes: usize,
    /// Most list items and operators in one spec file (counted as commas,
    /// arithmetic and comparison operators, `and` and `or`, before it is
    /// parsed): each costs a few hundred bytes once parsed, so this bounds
    /// the memory of compiling a file within `max_source_bytes` (250,000
    /// take about 100 MB) (NS0301).
    pub max_expression_terms: usize,
    /// Deepest bracket nesting (`(`, `[`, `{`) in a spec, and deepest
    /// expression nesting, also counted through definitions (NS0026).
    pub max_depth: usize,
    /// Most prefix operators in a row (`not not … x`, `- - … x`) (NS0026).
    pub max_prefix_run: usize,
    /// Most `implies` in one expression (they nest to the right) (NS0026).
    pub max_implies: usize,
    /// Most `if`/`all`/`any` in one expression (NS0026).
    pub max_nesting_keywords: usize,
    /// Longest chain of definitions that use definitions (NS0026).
    pub max_let_depth: usize,
    /// Most quantifiers and aggregates nested in one another: each level
    /// multiplies the work by a list's length (NS0026).
    pub max_binders: usize,
    /// Most declared inputs, counting the fields of lists and groups (NS0302).
    pub max_inputs: usize,
    /// Most requirements (NS0303).
    pub max_requirements: usize,
    /// Most `let` definitions (NS0304).
    pub max_definitions: usize,
    /// Most bytes of submission text (NS0305).
    pub max_submission_bytes: usize,
    /// Deepest nesting of arrays and objects in submission JSON (NS0306).
    /// serde_json stops at 128 levels whatever this says; that too is NS0306.
    pub max_json_depth: usize,
    /// Most entries in one array or object of a submission, and so most
    /// elements in a list input (NS0307).
    pub max_list_len: usize,
    /// Most evaluation steps for one submission, explanations included: the
    /// work budget that bounds evaluation time. Each expression node
    /// evaluated is a step, and each list element a quantifier, count or
    /// aggregate visits is one more. When the budget runs out, the
    /// requirement being evaluated and every later one are `incomplete` with
    /// the problem "the evaluation work budget … was exceeded", and the
    /// report carries an NS0308 warning (NS0308). A spec's tests
    /// ([`Spec::run_tests`](crate::Spec::run_tests)) share one such budget.
    pub max_eval_steps: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_source_bytes: 4 * 1024 * 1024,
            max_expression_terms: 250_000,
            max_depth: MAX_DEPTH,
            max_prefix_run: 64,
            max_implies: 64,
            max_nesting_keywords: 256,
            max_let_depth: MAX_LET_DEPTH,
            max_binders: MAX_BINDERS,
            max_inputs: 5_000,
            max_requirements: 5_000,
            max_definitions: 5_000,
            max_submission_bytes: 4 * 1024 * 1024,
            max_json_depth: 64,
            max_list_len: 10_000,
            max_eval_steps: 10_000_000,
        }
    }
}
