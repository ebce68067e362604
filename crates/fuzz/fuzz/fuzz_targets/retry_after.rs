#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    (invoice_desk_fuzz::target("retry_after").expect("a known target").run)(data);
});
