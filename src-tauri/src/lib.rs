//! The Invoice Desk desktop shell: window, menu, plugins, and the commands the web view calls.
//! Business logic lives in the `crates/`; this crate only wires it to the window.

mod access;
mod browse;
mod catalogue;
mod commands;
mod demo;
mod downloads;
mod drag_out;
mod email;
mod error;
mod file_names;
mod folder_guard;
pub mod jobs;
mod listing_cache;
mod menu;
mod save_as;
mod saved_files;
mod signin;
mod startup;
mod state;
mod sync;
mod updates;
mod usage;
mod web_pages;
mod web_view_painting;
mod window_memory;

use std::sync::Mutex;

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_opener::OpenerExt;
use tauri_specta::Event;

use invoice_desk_settings::{Language, SettingsStore};

use crate::catalogue::{Catalogue, Locale};
use crate::error::{AppError, ErrorCode};
use crate::jobs::{JobProgress, Jobs};
use crate::menu::{MenuAction, MenuEvent};
use crate::state::AppState;

const MAIN_WINDOW: &str = "main";

/// Sent to the web view whenever a job changes.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, specta::Type, tauri_specta::Event)]
pub struct JobProgressEvent(pub JobProgress);

/// Every command and event the web view can use, declared once; the TypeScript bindings in
/// `ui/src/lib/bindings.ts` are generated from this.
fn ipc() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        // One TypeScript type per Rust type: the UI both reads and sends these shapes.
        .disable_serde_phases()
        .commands(tauri_specta::collect_commands![
            commands::get_settings,
            commands::save_settings,
            commands::app_info,
            startup::startup_painted,
            commands::choose_folder,
            commands::show_logs,
            signin::list_accounts,
            signin::keychain_status,
            signin::sign_in,
            signin::cancel_sign_in,
            signin::sign_out,
            signin::remove_all_accounts,
            signin::set_tenant_enabled,
            signin::sign_in_again,
            signin::start_demo,
            signin::demo_state,
            signin::leave_demo,
            browse::list_scopes::<tauri::Wry>,
            browse::list_periods::<tauri::Wry>,
            browse::cached_scopes,
            browse::cached_periods,
            downloads::save_invoices,
            downloads::saved_documents,
            downloads::archive_invoices,
            usage::save_usage_file,
            usage::usage_at_a_glance,
            usage::pending_usage_reports,
            usage::resume_usage_report,
            usage::dismiss_usage_report,
            email::billing_profile_email,
            email::change_billing_profile_email,
            email::subscription_invoice_email,
            email::change_subscription_notification_email,
            web_pages::open_web_page,
            web_pages::open_help,
            sync::sync_archive,
            sync::sync_at_start,
            save_as::save_invoice_as,
            downloads::open_saved,
            downloads::reveal_saved,
            drag_out::prepare_drag,
            drag_out::start_drag,
            drag_out::start_drag_saved,
            file_names::preview_file_name,
            access::check_access,
            commands::list_jobs,
            commands::cancel_job,
            updates::check_for_update,
            updates::install_update,
            updates::restart_after_update,
        ])
        .events(tauri_specta::collect_events![
            MenuEvent,
            commands::SettingsChanged,
            JobProgressEvent,
            signin::AccountsChanged,
            signin::DeviceCodeEvent,
            signin::DemoChanged,
            updates::UpdateProgress
        ])
        // The settings of a fresh install, decided once in crates/settings: the window starts
        // from them until the shell's own answer arrives, and the browser tests' mock uses them.
        .constant(
            "DEFAULT_SETTINGS",
            invoice_desk_settings::Settings::default(),
        )
        // The order the sidebar groups scopes in, decided with the kinds in crates/billing.
        .constant("SCOPE_KINDS", invoice_desk_billing::ScopeKind::ALL)
}

pub fn run() {
    let log_dir = invoice_desk_logging::log_dir();
    let log_guard = invoice_desk_logging::init(&log_dir)
        .inspect_err(|err| eprintln!("Invoice Desk: logging disabled: {err}"))
        .ok();
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "Invoice Desk starting");

    let store = SettingsStore::default_location();
    let loaded = store.load();
    let ipc = ipc();

    let app = tauri::Builder::default()
        // Must come first: a second launch hands over to the running app and exits.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            focus_main_window(app);
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        // Driven from Rust only (`updates`): the web view is granted none of its commands.
        .plugin(tauri_plugin_updater::Builder::new().build())
        .invoke_handler(ipc.invoke_handler())
        .setup(move |app| {
            ipc.mount_events(app);
            let handle = app.handle().clone();
            let jobs = Jobs::new(move |progress: &JobProgress| {
                if let Err(err) = JobProgressEvent(progress.clone()).emit(&handle) {
                    tracing::warn!(%err, "could not report job progress");
                }
            });
            let language = loaded.settings.language;
            app.manage(signin::SignIn::start(loaded.settings.remember_sign_in));
            app.manage(browse::Browse::default());
            app.manage(drag_out::DragCache::default());
            app.manage(saved_files::SavedElsewhere::default());
            app.manage(folder_guard::PickedFolders::default());
            app.manage(updates::Updates::default());
            app.manage(sync::StartSync::default());
            app.manage(std::sync::Arc::new(
                invoice_desk_api::pending::PendingReports::open(
                    app.path()
                        .app_data_dir()
                        .ok()
                        .map(|dir| dir.join("running-usage-reports.json")),
                ),
            ));
            app.manage(listing_cache::ListingCache::open(
                app.path()
                    .app_cache_dir()
                    .ok()
                    .map(|dir| dir.join("listing.json")),
            ));
            app.manage(AppState {
                store,
                settings: Mutex::new(loaded.settings),
                settings_warning: Mutex::new(loaded.warning.map(AppError::from)),
                jobs,
                log_dir,
            });
            apply_menu(app.handle(), language);
            if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
                web_view_painting::paint_without_compositing(&window);
                window_memory::save_when_settled(&window);
            }
            if std::env::args().any(|arg| arg == "--demo") {
                start_demo_at_launch(app.handle());
            }
            Ok(())
        })
        .on_menu_event(|app, event| on_menu(app, event.id().as_ref()))
        .build(tauri::generate_context!())
        .expect("the Invoice Desk window could not be created");

    app.run(|_, _| {});
    drop(log_guard);
}

/// (Re)builds the native menu in the language the setting resolves to.
pub(crate) fn apply_menu<R: Runtime>(app: &AppHandle<R>, language: Language) {
    let words = Catalogue::of(Locale::resolve(language));
    match menu::build(app, words) {
        Ok(menu) => {
            if let Err(err) = app.set_menu(menu) {
                tracing::warn!(%err, "could not install the menu");
            }
        }
        Err(err) => tracing::warn!(%err, "could not build the menu"),
    }
}

fn on_menu(app: &AppHandle, id: &str) {
    let locale = || Locale::resolve(app.state::<AppState>().settings().language);
    if let Some(page) = menu::help_page_for(id) {
        if let Err(err) = web_pages::open_help_page(app, locale(), page) {
            tracing::warn!(code = ?err.code, details = ?err.details, "help page not opened");
        }
        return;
    }
    let Some(action) = menu::action_for(id) else {
        return;
    };
    let outcome = match action {
        MenuAction::ShowLogs => open_log_folder(app),
        MenuAction::SupportRequest => web_pages::open_help_page(app, locale(), "support_request"),
        _ => MenuEvent { action }.emit(app).map_err(|err| {
            AppError::new(ErrorCode::Internal)
                .with_details("The window did not respond.")
                .with_details(err.to_string())
        }),
    };
    if let Err(err) = outcome {
        tracing::warn!(code = ?err.code, details = ?err.details, "menu action failed");
    }
}

pub(crate) fn open_log_folder(app: &AppHandle) -> Result<(), AppError> {
    let dir = app.state::<AppState>().log_dir.clone();
    std::fs::create_dir_all(&dir)
        .and_then(|()| {
            app.opener()
                .open_path(dir.display().to_string(), None::<&str>)
                .map_err(std::io::Error::other)
        })
        .map_err(|err| {
            AppError::new(ErrorCode::LogsUnavailable)
                .with_details("The log folder could not be opened.")
                .with_hint(format!("The logs are in {}", dir.display()))
                .with_details(err.to_string())
        })
}

/// `--demo` (what `cargo xtask run` passes): the window opens on the sample data. The demo
/// starts before the UI asks for accounts, so the first paint already shows it.
fn start_demo_at_launch(app: &AppHandle) {
    let page = signin::completion_page(app);
    app.state::<signin::SignIn>()
        .enter_demo_at_launch(demo::DEFAULT_DEMO_USER, page);
}

fn focus_main_window<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// The browsing commands on any Tauri runtime, for `benches/commands.rs`: it drives the real
/// `list_accounts`, `list_scopes` and `list_periods` over Tauri's IPC on the mock runtime,
/// signed in to demo mode on the emulator's `bench` scenario; `tests/recorded_fixtures.rs`
/// records their answers and `demo_state`'s on the `demo` scenario. Not an API of the app.
#[doc(hidden)]
pub mod harness {
    use tauri::ipc::{CallbackFn, InvokeBody};
    use tauri::webview::InvokeRequest;
    use tauri::{AppHandle, Manager, Runtime};
    use url::Url;

    use crate::catalogue::Locale;
    use crate::{browse, listing_cache, signin};

    /// `builder` with the browsing commands and the state they use. Sign-ins are never
    /// remembered (the keychain is not opened) and nothing is cached on disk.
    pub fn mount<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
        builder
            .invoke_handler(tauri::generate_handler![
                signin::list_accounts,
                signin::demo_state,
                browse::list_scopes,
                browse::list_periods,
            ])
            .manage(signin::SignIn::start(false))
            .manage(browse::Browse::default())
            .manage(listing_cache::ListingCache::open(None))
    }

    /// `cmd` with `args` as the app's own page sends it over IPC. `invoke_key` is the mock
    /// runtime's (`tauri::test::INVOKE_KEY`, which only Tauri's `test` feature has).
    #[must_use]
    pub fn invoke_request(cmd: &str, args: serde_json::Value, invoke_key: &str) -> InvokeRequest {
        InvokeRequest {
            cmd: cmd.to_owned(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: page_origin(),
            body: InvokeBody::Json(args),
            headers: tauri::http::HeaderMap::default(),
            invoke_key: invoke_key.to_owned(),
        }
    }

    /// The origin the app's own page is served from, which Tauri's permissions trust: WebView2
    /// serves custom protocols over `http` on Windows.
    fn page_origin() -> Url {
        let origin = if cfg!(windows) {
            "http://tauri.localhost"
        } else {
            "tauri://localhost"
        };
        Url::parse(origin).expect("a valid origin")
    }

    /// The running demo's emulator.
    pub struct DemoEmulator {
        pub url: Url,
        /// What its control plane (`/_emulator/*`) asks for in
        /// `invoice_desk_emulator::CONTROL_SECRET_HEADER`.
        pub control_secret: Option<String>,
    }

    impl std::fmt::Debug for DemoEmulator {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("DemoEmulator")
                .field("url", &self.url.as_str())
                .finish_non_exhaustive()
        }
    }

    /// Demo mode on the emulator's `scenario`, signed in as `upn` through its authority the
    /// way "Try with demo data" signs in.
    pub async fn start_demo<R: Runtime>(
        app: &AppHandle<R>,
        scenario: &str,
        upn: &str,
    ) -> Result<DemoEmulator, String> {
        let sign_in = app.state::<signin::SignIn>();
        sign_in
            .enter_demo_in(scenario, upn, signin::completion_page_in(Locale::En))
            .await
            .map_err(|err| format!("{}: {:?}", err.message, err.details))?;
        let (url, control_secret) = sign_in
            .demo_control()
            .await
            .ok_or_else(|| "the demo did not start".to_owned())?;
        Ok(DemoEmulator {
            url,
            control_secret,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BINDINGS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/src/lib/bindings.ts");

    /// The checked-in TypeScript bindings must match the Rust declarations. Run
    /// `cargo xtask bindings` to regenerate them after changing a command or event.
    #[test]
    fn typescript_bindings_are_up_to_date() {
        let fresh = tempfile::NamedTempFile::new().unwrap();
        ipc()
            .export(typescript(), fresh.path())
            .expect("bindings could not be generated");
        let generated = std::fs::read_to_string(fresh.path()).unwrap();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(BINDINGS, &generated).unwrap();
            return;
        }
        let checked_in = std::fs::read_to_string(BINDINGS).unwrap_or_default();
        assert!(
            checked_in == generated,
            "ui/src/lib/bindings.ts is stale: run `cargo xtask bindings` and commit the result"
        );
    }

    /// A command the window may call but its capability does not allow fails only at run time,
    /// in the window ("not allowed"): every command the bindings export must be granted.
    #[test]
    fn every_window_command_is_granted_to_the_main_window() {
        let fresh = tempfile::NamedTempFile::new().unwrap();
        ipc().export(typescript(), fresh.path()).unwrap();
        let bindings = std::fs::read_to_string(fresh.path()).unwrap();
        let capability: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/capabilities/main.json"
            ))
            .unwrap(),
        )
        .unwrap();
        let granted: Vec<&str> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(serde_json::Value::as_str)
            .collect();
        // `TAURI_INVOKE("name"` for fallible commands, `__TAURI_INVOKE<T>("name")` for the rest.
        let commands: Vec<&str> = bindings
            .split("TAURI_INVOKE")
            .skip(1)
            .filter_map(|rest| rest.split('"').nth(1))
            .filter(|name| name.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .collect();
        assert!(commands.len() > 30, "{commands:?}");
        let missing: Vec<String> = commands
            .iter()
            .map(|command| format!("allow-{}", command.replace('_', "-")))
            .filter(|permission| !granted.contains(&permission.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "add these to src-tauri/capabilities/main.json (and the command to build.rs): {missing:?}"
        );
    }

    fn typescript() -> specta_typescript::Typescript {
        specta_typescript::Typescript::default().header("/* eslint-disable */\n// @ts-nocheck")
    }
}
