//! How the window's web view paints on Linux.
//!
//! WebKitGTK composites every page on the GPU by default. Invoice Desk's screens are static
//! lists and forms, and on machines without a fast GL driver (virtual machines, remote
//! desktops, software rendering) the compositor's first frame cost about half a second before
//! the welcome screen reached the screen (`cargo xtask bench startup`). Painting without GPU
//! compositing shows that frame as soon as it is laid out, and sidesteps the blank windows
//! some GPU drivers give WebKitGTK. Windows (WebView2) and macOS (WKWebView) keep their own.

use tauri::{Runtime, WebviewWindow};

/// Makes `window`'s web view paint without GPU compositing (Linux; elsewhere nothing changes).
pub fn paint_without_compositing<R: Runtime>(window: &WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    {
        let applied = window.with_webview(|webview| {
            use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt as _, WebViewExt as _};
            if let Some(settings) = webview.inner().settings() {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        });
        if let Err(err) = applied {
            tracing::warn!(%err, "the web view keeps GPU compositing");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}
