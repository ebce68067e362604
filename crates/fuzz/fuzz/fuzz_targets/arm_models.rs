#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    (invoice_desk_fuzz::target("arm_models").expect("a known target").run)(data);
});
