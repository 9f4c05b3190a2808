//! Prints the TypeScript declarations of the JSON shapes the package
//! returns (reports, diagnostics, the form, test results), generated from
//! the Rust types: `netspec::ffi::typescript_declarations`.
//!
//! Usage: `cargo run -q -p netspec-wasm --example typescript > generated.d.ts`
//! (`build.sh` does this). The package's `types.d.ts` re-exports them.
//! The example needs `netspec`'s `ts` feature, which only this crate's
//! dev-dependency turns on: the WebAssembly module itself is built without
//! `ts-rs`.

fn main() {
    print!("{}", netspec::ffi::typescript_declarations());
}
