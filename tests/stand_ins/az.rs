//! The Azure CLI the end-to-end tests put on the app's PATH (copied there as `az`, or `az.exe`
//! on Windows): `az account get-access-token [--tenant T]` answers with a token the local Azure
//! issues for the user named in `user` beside it (written by a test, as `az login` would), or
//! fails as `az` does when nobody is signed in. The local Azure's address is in `azure` beside it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn main() {
    let here = std::env::current_exe().expect("the stand-in knows where it lies");
    let Ok(user) = std::fs::read_to_string(here.with_file_name("user")) else {
        eprintln!("ERROR: Please run 'az login' to setup account.");
        std::process::exit(1);
    };
    let azure = std::fs::read_to_string(here.with_file_name("azure"))
        .expect("the local Azure's address lies beside the stand-in");
    let mut query = vec![("user", user.trim().to_owned())];
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|arg| arg == "--tenant")
        && let Some(tenant) = args.get(at + 1)
    {
        query.push(("tenant", tenant.clone()));
    }
    let answer = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client")
        .get(format!("{}/_emulator/token", azure.trim()))
        .query(&query)
        .send()
        .and_then(reqwest::blocking::Response::error_for_status)
        .and_then(reqwest::blocking::Response::json::<serde_json::Value>);
    let Some(token) = answer
        .ok()
        .and_then(|body| body["access_token"].as_str().map(str::to_owned))
    else {
        eprintln!("ERROR: AADSTS50076: run 'az login' again.");
        std::process::exit(1);
    };
    let expires_on = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |now| now.as_secs())
        + 3600;
    println!(
        "{}",
        serde_json::json!({ "accessToken": token, "expires_on": expires_on, "tokenType": "Bearer" })
    );
}
