//! Fuzz target: OpenAPI documents built from the input, so that nearly every run gets past the
//! loader and exercises lowering, emitting and printing (see `structured` in the library).
//!
//! With `FUZZ_DUMP_SPEC` set to a file name, each run also writes the document it built there:
//! that is how a crashing input becomes a spec to keep as a regression test. The settings it
//! ran with go beside it, in the same name with `.settings` added.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    generator_fuzz::remember(data);
    let case = generator_fuzz::structured::build(data);
    if let Some(path) = std::env::var_os("FUZZ_DUMP_SPEC") {
        // Written before the run, so that it is there even when the run aborts.
        std::fs::write(&path, &case.text).expect("FUZZ_DUMP_SPEC names a writable file");
        let mut settings = path;
        settings.push(".settings");
        std::fs::write(settings, format!("{:#?}\n", case.settings)).expect("a writable file");
    }
    generator_fuzz::check(&case.text, &case.settings);
});
