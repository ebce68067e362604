fn main() {
    // The config lives at the repository root (the product's layout), not in src-tauri/.
    println!("cargo:rerun-if-changed=../tauri.conf.json");
    println!("cargo:rerun-if-changed=capabilities");
    let manifest = tauri_build::AppManifest::new().commands(invoice_desk_commands());
    tauri_build::try_build(
        tauri_build::Attributes::new().config_path("../tauri.conf.json").app_manifest(manifest),
    )
    .expect("failed to run tauri-build");
}

/// Every command the web view may call. Listing them here generates one `allow-<command>`
/// permission each; `capabilities/main.json` then grants exactly those the UI uses.
fn invoice_desk_commands() -> &'static [&'static str] {
    &[
        "get_settings",
        "save_settings",
        "app_info",
        "choose_folder",
        "show_logs",
        "list_accounts",
        "sign_in",
        "list_jobs",
        "cancel_job",
    ]
}
