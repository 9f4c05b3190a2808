//! The TypeScript declarations of the JSON shapes (feature `ts`): every type
//! reachable from the answers a binding gives ([`Report`], the form's
//! [`Section`]s, [`TestRun`], [`CodeInfo`], [`Failure`]), declared by
//! `ts_rs`, plus the word lists that are data rather than types (the areas,
//! a checklist item's answers).

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};

use netspec_core::ir::{AREAS, CHECKLIST_VALUES};
use ts_rs::{format_docs, Config, TypeVisitor, TS};

use super::{CodeInfo, Failure, TestRun};
use crate::form::Section;
use crate::Report;

/// The command that writes the declarations, named in their heading.
pub const TYPESCRIPT_COMMAND: &str = "cargo run -q -p netspec-wasm --example typescript";

/// One declaration file (TypeScript) of every JSON shape a binding gives:
/// `export type` declarations with the Rust documentation as JSDoc, in
/// name order, headed by a comment saying they are generated and how.
/// The same types give the same text.
pub fn typescript_declarations() -> String {
    let cfg = Config::new();
    let mut found = Found {
        cfg: &cfg,
        seen: HashSet::new(),
        decls: BTreeMap::new(),
    };
    found.visit::<Report<'static>>();
    found.visit::<Section>();
    found.visit::<TestRun>();
    found.visit::<CodeInfo>();
    found.visit::<Failure>();

    let words = |list: &[&str]| {
        list.iter()
            .map(|w| format!("\"{w}\""))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    let areas: Vec<&str> = AREAS.iter().map(|(key, _)| *key).collect();
    found.decls.insert(
        "Area".to_owned(),
        format!(
            "{}export type Area = {};",
            format_docs(&[" The seven functional areas, in report order."]),
            words(&areas)
        ),
    );
    found.decls.insert(
        "ChecklistAnswer".to_owned(),
        format!(
            "{}export type ChecklistAnswer = {};",
            format_docs(&[" The answer to one checklist item."]),
            words(&CHECKLIST_VALUES)
        ),
    );

    let mut out = format!(
        "// Generated from netspec's Rust types by `{TYPESCRIPT_COMMAND}`\n\
         // (bindings/wasm/build.sh writes it to generated.d.ts): do not edit.\n\
         // The JSON shapes the engine writes: reports, diagnostics, the form,\n\
         // test results and errors. types.d.ts re-exports them.\n"
    );
    for decl in found.decls.values() {
        out.push('\n');
        out.push_str(decl);
        out.push('\n');
    }
    out
}

/// Every declarable type reached, by TypeScript name.
struct Found<'c> {
    cfg: &'c Config,
    seen: HashSet<TypeId>,
    decls: BTreeMap<String, String>,
}

impl TypeVisitor for Found<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // primitives and containers (string, Array, Option) declare nothing:
        // their parameters are visited as the dependencies of their users
        if T::output_path().is_none() || !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        let mut decl = T::docs().unwrap_or_default();
        decl.push_str("export ");
        decl.push_str(&tidy(&T::decl(self.cfg)));
        self.decls.insert(T::ident(self.cfg), decl);
        T::visit_dependencies(self);
    }
}

/// An object type as `ts_rs` writes it (`type X = { ` then each field on
/// its own line after its JSDoc, `name: type, `, closing with `, };`) laid
/// out one field a line, indented, each ending with `;`. Anything else
/// (a union, a type with a field written without docs) is left as it is.
fn tidy(decl: &str) -> String {
    let mut lines = decl.lines();
    let Some(first) = lines.next() else {
        return decl.to_owned();
    };
    let Some(head) = first.strip_suffix("= { ") else {
        return decl.to_owned();
    };
    let mut out = format!("{head}= {{\n");
    let mut closed = false;
    for line in lines {
        if closed {
            return decl.to_owned();
        }
        if line.starts_with("/**") || line.starts_with(" *") {
            out.push_str("  ");
            out.push_str(line);
        } else if let Some(field) = line.strip_suffix(", };") {
            out.push_str(&format!("  {field};\n}};"));
            closed = true;
            continue;
        } else if let Some(field) = line.strip_suffix(", ") {
            out.push_str(&format!("  {field};"));
        } else {
            return decl.to_owned();
        }
        out.push('\n');
    }
    if closed {
        out
    } else {
        decl.to_owned()
    }
}
