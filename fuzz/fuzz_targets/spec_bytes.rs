//! Fuzz target: arbitrary bytes as the spec text. Most inputs fail to load, which is the point:
//! the loader and its error paths must turn any text into diagnostics, never a crash.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    generator_fuzz::remember(data);
    // `generate` takes text, so bytes that are not UTF-8 go in with their bad sequences
    // replaced rather than being thrown away: the rest of them still says something.
    let text = String::from_utf8_lossy(data);
    generator_fuzz::check(&text, &generator_fuzz::default_settings());
});
