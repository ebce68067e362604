use std::path::Path;

use serde_json::Value;

/// The product's layout keeps `tauri.conf.json` at the repository root. `tauri-build` and the
/// Tauri CLI only look for it next to this crate, so the build derives `src-tauri/tauri.conf.json`
/// (git-ignored) from the root file, with its relative paths re-based onto this folder. A copy
/// keeps Windows checkouts working, where a committed symlink would not.
fn main() {
    println!("cargo:rerun-if-changed=../tauri.conf.json");
    println!("cargo:rerun-if-changed=capabilities");
    derive_config(
        Path::new("../tauri.conf.json"),
        Path::new("tauri.conf.json"),
    );

    let manifest = tauri_build::AppManifest::new().commands(invoice_desk_commands());
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("failed to run tauri-build");
}

fn derive_config(root_file: &Path, derived_file: &Path) {
    let text = std::fs::read_to_string(root_file).expect("tauri.conf.json at the repository root");
    let mut config: Value = serde_json::from_str(&text).expect("tauri.conf.json is valid JSON");
    let rebase = |v: &mut Value| {
        if let Some(p) = v
            .as_str()
            .filter(|p| !p.starts_with("http") && !Path::new(p).is_absolute())
        {
            *v = Value::String(format!("../{p}"));
        }
    };
    if let Some(dist) = config.pointer_mut("/build/frontendDist") {
        rebase(dist);
    }
    for list in ["/bundle/icon", "/bundle/resources"] {
        if let Some(Value::Array(items)) = config.pointer_mut(list) {
            items.iter_mut().for_each(rebase);
        }
    }
    let derived = serde_json::to_string_pretty(&config).expect("serialisable") + "\n";
    // Only write on change: rewriting would bump the mtime and make cargo rebuild every time.
    if std::fs::read_to_string(derived_file).ok().as_deref() != Some(derived.as_str()) {
        std::fs::write(derived_file, derived).expect("src-tauri/tauri.conf.json is writable");
    }
}

/// Every command the web view may call. Listing them here generates one `allow-<command>`
/// permission each; `capabilities/main.json` then grants exactly those the UI uses.
fn invoice_desk_commands() -> &'static [&'static str] {
    &[
        "get_settings",
        "save_settings",
        "app_info",
        "startup_painted",
        "choose_folder",
        "show_logs",
        "list_accounts",
        "keychain_status",
        "sign_in",
        "cancel_sign_in",
        "sign_out",
        "remove_all_accounts",
        "set_tenant_enabled",
        "sign_in_again",
        "start_demo",
        "demo_state",
        "leave_demo",
        "list_scopes",
        "list_periods",
        "cached_scopes",
        "cached_periods",
        "save_invoices",
        "saved_documents",
        "archive_invoices",
        "save_usage_file",
        "usage_at_a_glance",
        "pending_usage_reports",
        "resume_usage_report",
        "dismiss_usage_report",
        "billing_profile_email",
        "change_billing_profile_email",
        "subscription_invoice_email",
        "change_subscription_notification_email",
        "open_web_page",
        "open_help",
        "sync_archive",
        "sync_at_start",
        "save_invoice_as",
        "open_saved",
        "reveal_saved",
        "prepare_drag",
        "start_drag",
        "start_drag_saved",
        "preview_file_name",
        "check_access",
        "list_jobs",
        "cancel_job",
        "check_for_update",
        "install_update",
        "restart_after_update",
    ]
}
