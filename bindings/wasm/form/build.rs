//! Gives the WebAssembly module a 2 MiB stack (the wasm32 default is 1 MiB):
//! the engine's depth limits are sized for a 2 MiB stack.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-cdylib=-zstack-size=2097152");
    }
}
