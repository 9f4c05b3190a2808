// The bundled specs (generated/specs.js, built by scripts/bundle-specs.mjs),
// shared by both engines: the form's (form-engine.js) and the full one
// (engine.js). Loaded once, whichever engine asks first.

/** Every bundled file by name relative to specs/, and the spec menu: set by loadBundle(). */
export let bundledFiles = {};
export let bundledSpecs = [];

let loaded;
/** Loads the bundled specs, once. */
export function loadBundle() {
  if (!loaded) {
    loaded = import('../generated/specs.js').then((bundle) => {
      bundledFiles = bundle.files;
      bundledSpecs = bundle.specs;
    });
  }
  return loaded;
}

/** The bundled spec entry for a file name, or undefined. */
export const bundledSpec = (file) => bundledSpecs.find((s) => s.file === file);
