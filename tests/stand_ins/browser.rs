//! The system browser the end-to-end tests give the app (`INVOICE_DESK_BROWSER`), on every
//! system: it notes each address it is asked to open in `opened` beside itself, and follows
//! only loopback pages (the local authority's redirect to the app's sign-in listener, as a real
//! browser does once the user picked an account), so no test reaches a remote host.

use std::io::Write as _;
use std::time::Duration;

fn main() {
    let Some(address) = std::env::args().nth(1) else {
        eprintln!("usage: e2e-browser URL");
        std::process::exit(2);
    };
    let here = std::env::current_exe().expect("the stand-in knows where it lies");
    let opened = here.with_file_name("opened");
    let mut notes = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&opened)
        .expect("the stand-in browser can note what it opened");
    writeln!(notes, "{address}").expect("the note is written");
    drop(notes);
    if is_loopback_page(&address) {
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            // Redirects are followed only while they stay on this machine.
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                if is_loopback_page(attempt.url().as_str()) {
                    attempt.follow()
                } else {
                    attempt.stop()
                }
            }))
            .build()
            .expect("an HTTP client");
        if let Err(err) = client.get(&address).send() {
            eprintln!("e2e-browser: {address}: {err}");
            std::process::exit(1);
        }
    }
}

fn is_loopback_page(address: &str) -> bool {
    address.starts_with("http://127.0.0.1:") || address.starts_with("http://localhost:")
}
