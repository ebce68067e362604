//! `invoice-desk-emulator`: serve a scenario on a loopback address until killed.

use std::io::Write;
use std::net::SocketAddr;

use clap::Parser;
use invoice_desk_emulator::{Emulator, EmulatorConfig, scenario_names};

#[derive(Debug, Parser)]
#[command(
    version,
    about = "A loopback Azure Resource Manager for billing (tests, benchmarks, demo mode)"
)]
struct Args {
    /// Loopback address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
    /// Scenario to serve.
    #[arg(long, default_value = "demo")]
    scenario: String,
    /// Items per page in list responses.
    #[arg(long, default_value_t = 50)]
    page_size: usize,
    /// Serve HTTPS with a fresh self-signed certificate.
    #[arg(long)]
    tls: bool,
    /// Size of each cost details report in bytes.
    #[arg(long)]
    report_bytes: Option<u64>,
    /// Serve cost details reports gzip-compressed (`compressData: true`, `.csv.gz` blobs).
    #[arg(long)]
    report_gzip: bool,
    /// Retry-After seconds on 202 answers.
    #[arg(long)]
    retry_after: Option<u32>,
    /// Authority: approve every sign-in at once as this user (no account picker page).
    #[arg(long, value_name = "UPN")]
    auto_approve: Option<String>,
    /// Authority: device code polling interval in seconds.
    #[arg(long, value_name = "SECS")]
    device_code_interval: Option<u64>,
    /// The day the scenario lives on (default: INVOICE_DESK_TODAY when set, else today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = invoice_desk_emulator::calendar::parse_day)]
    today: Option<time::Date>,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let mut config = EmulatorConfig {
        scenario: args.scenario,
        page_size: args.page_size,
        tls: args.tls,
        addr: args.addr,
        auto_approve: args.auto_approve,
        today: args.today,
        cost_report_gzip: args.report_gzip,
        ..EmulatorConfig::default()
    };
    if let Some(i) = args.device_code_interval {
        config.device_code_interval_secs = i;
    }
    if let Some(b) = args.report_bytes {
        config.cost_report_bytes = b;
    }
    if let Some(r) = args.retry_after {
        config.retry_after_secs = r;
    }
    let emulator = match Emulator::start(config).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!(
                "invoice-desk-emulator: {e} (scenarios: {})",
                scenario_names().join(", ")
            );
            return std::process::ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "listening on {}", emulator.base_url());
    if let Some(pem) = emulator.ca_certificate_pem() {
        let port = emulator.base_url().port().unwrap_or(0);
        let path = std::env::temp_dir().join(format!(
            "invoice-desk-emulator-{port}-{}.pem",
            std::process::id()
        ));
        if let Err(e) = std::fs::write(&path, pem) {
            eprintln!("invoice-desk-emulator: could not write the certificate: {e}");
            return std::process::ExitCode::FAILURE;
        }
        let _ = writeln!(out, "ca certificate at {}", path.display());
    }
    let _ = out.flush();
    drop(out);
    let _ = tokio::signal::ctrl_c().await;
    emulator.shutdown().await;
    std::process::ExitCode::SUCCESS
}
