//! The compiler that builds this workspace for Windows and macOS on Linux, for the
//! `cross-clippy` and `windows-wine` suites.
//!
//! - **Compiler.** rustup cannot fetch other targets' standard libraries on machines limited to
//!   the package registries. Debian 12's newer Rust (`rustc-web`, the one its Firefox is built
//!   with) ships the standard library's source, so cargo builds it for each target
//!   (`-Zbuild-std`). The packages are unpacked into `target/tools/cross`, never installed
//!   over the system's Rust.
//! - **C compiler and linker.** ring and aws-lc-sys build C. zig compiles it for both targets,
//!   with its own Windows and macOS headers, and links Windows programs. zig and
//!   cargo-zigbuild, which wires zig into cargo, come from PyPI.
//! - **Targets.** Windows is built as `x86_64-pc-windows-gnu`: the MSVC target's C headers
//!   come only with Visual Studio. Our code has no `target_env`-specific paths, so the two
//!   targets see the same Rust.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::process::{self, on_path, target_dir};
use crate::setup;

pub const WINDOWS: &str = "x86_64-pc-windows-gnu";
pub const MACOS: &str = "aarch64-apple-darwin";

/// Debian 12's newer Rust, its standard library's source (for `-Zbuild-std`) and clippy.
/// Their libraries (`libstd-rust-web-*` and the `libllvm*` it is built against) are found
/// from their dependencies.
const DEBIAN_TOOLCHAIN: &[&str] = &["rustc-web", "rust-web-src", "rust-web-clippy"];

/// The dependencies of [`DEBIAN_TOOLCHAIN`] that must be unpacked with it; everything
/// else they depend on (libc, gcc) is part of any Debian system.
const BUNDLED_DEPENDENCIES: &[&str] = &["libstd-rust-web", "libllvm"];

const PYPI_TOOLS: &[&str] = &["ziglang==0.17.1", "cargo-zigbuild==0.24.1"];

/// Libraries Debian's standard library names when it links a Windows program and zig's
/// MinGW does not ship. Nothing is taken from them (zig's own C runtime has the stack
/// protector), so they are empty archives.
const MISSING_WINDOWS_LIBRARIES: &[&str] = &["libssp.a", "libssp_nonshared.a"];

/// The cross toolchain, downloaded and unpacked.
pub struct Cross {
    toolchain: Toolchain,
    zig: PathBuf,
    shims: PathBuf,
    windows_libraries: PathBuf,
}

impl Cross {
    /// Fetches what is missing; `None` when the package sources have no `rustc-web`.
    pub fn prepare() -> Result<Option<Self>> {
        let tools = target_dir().join("tools").join("cross");
        let Some(toolchain) = debian_toolchain(&tools)? else {
            return Ok(None);
        };
        let zig = setup::pypi_tools(&tools.join("py"), PYPI_TOOLS)?;
        let shims = shims(&tools, &toolchain)?;
        let windows_libraries = tools.join("windows-libraries");
        std::fs::create_dir_all(&windows_libraries)?;
        for library in MISSING_WINDOWS_LIBRARIES {
            std::fs::write(windows_libraries.join(library), b"!<arch>\n")?;
        }
        Ok(Some(Self {
            toolchain,
            zig,
            shims,
            windows_libraries,
        }))
    }

    /// `cargo-zigbuild <subcommand> -Zbuild-std` in `folder`, building into
    /// `target/<target_folder>`; the caller adds `--target`s and the rest.
    pub fn cargo(&self, subcommand: &str, folder: &Path, target_folder: &str) -> Result<Command> {
        let mut cmd = Command::new(self.zig.join("cargo-zigbuild"));
        cmd.args([subcommand, "-Zbuild-std"])
            .current_dir(folder)
            .env("PATH", process::path_with(&[&self.shims, &self.zig])?)
            .env("RUSTC", self.toolchain.bin.join("rustc"))
            // -Zbuild-std is unstable; this switch lets a stable compiler take it.
            .env("RUSTC_BOOTSTRAP", "1")
            // Incremental state would take 1.3 GB per target on a CI machine's disk; a
            // recheck after touching one crate takes under 2 minutes without it.
            .env("CARGO_INCREMENTAL", "0")
            .env(
                "LD_LIBRARY_PATH",
                std::env::join_paths(&self.toolchain.libraries)?,
            )
            // The same flags for every subcommand: cargo rebuilds whatever was built with
            // other flags, so clippy and the Windows tests can share one folder.
            .env(
                "CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUSTFLAGS",
                format!("-L native={}", self.windows_libraries.display()),
            )
            // Folders of their own: another compiler would rebuild the usual target/ on
            // each run. Separate projects cannot share one either: cargo notes the standard
            // library's path relative to each one's root, so they would rebuild it, and
            // everything above it, for each other.
            .env("CARGO_TARGET_DIR", target_dir().join(target_folder));
        Ok(cmd)
    }
}

/// The unpacked Debian toolchain.
struct Toolchain {
    bin: PathBuf,
    /// Where its compiler finds `librustc_driver` and `libLLVM`.
    libraries: Vec<PathBuf>,
}

/// Downloads and unpacks [`DEBIAN_TOOLCHAIN`] when the version on offer is not the one
/// unpacked; `None` when the package sources have no `rustc-web`.
fn debian_toolchain(tools: &Path) -> Result<Option<Toolchain>> {
    if !on_path("apt-get") || !on_path("dpkg-deb") {
        return Ok(None);
    }
    let mut version = candidate_version(DEBIAN_TOOLCHAIN[0])?;
    if version.is_none() && candidate_version("libc6")?.is_none() {
        // A fresh container has no package lists until someone asks for them. A system
        // whose lists simply lack rustc-web (Ubuntu) is not asked for sudo on every run.
        setup::apt_update()?;
        version = candidate_version(DEBIAN_TOOLCHAIN[0])?;
    }
    let Some(version) = version else {
        return Ok(None);
    };
    let unpacked = tools.join("root");
    let noted = tools.join("rustc-web-version");
    if std::fs::read_to_string(&noted).ok().as_deref() != Some(version.as_str()) {
        println!(
            "xtask: unpacking Debian's rustc-web {version} into {}",
            tools.display()
        );
        let debs = tools.join("debs");
        let _ = std::fs::remove_dir_all(&debs);
        let _ = std::fs::remove_dir_all(&unpacked);
        std::fs::create_dir_all(&debs)?;
        let packages = with_bundled_dependencies()?;
        process::run(
            Command::new("apt-get")
                // Run as root, apt downloads as its `_apt` user, who cannot write into target/.
                .args(["-o", "APT::Sandbox::User=root", "download"])
                .args(&packages)
                .current_dir(&debs),
        )
        .context("downloading Debian's rustc-web")?;
        for deb in std::fs::read_dir(&debs)? {
            let deb = deb?.path();
            process::run(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&unpacked))?;
        }
        std::fs::remove_dir_all(&debs)?;
        std::fs::write(&noted, &version)?;
    }
    let usr = unpacked.join("usr");
    let mut libraries = vec![usr.join("lib").join("x86_64-linux-gnu")];
    for entry in std::fs::read_dir(usr.join("lib"))? {
        let dir = entry?.path();
        if dir
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("llvm-"))
        {
            libraries.push(dir.join("lib"));
        }
    }
    Ok(Some(Toolchain {
        bin: usr.join("bin"),
        libraries,
    }))
}

/// The version apt would install, from `apt-cache policy`'s `Candidate:` line.
fn candidate_version(package: &str) -> Result<Option<String>> {
    let out = Command::new("apt-cache")
        .args(["policy", package])
        .output()?;
    let policy = String::from_utf8_lossy(&out.stdout);
    Ok(policy
        .lines()
        .filter_map(|line| line.trim().strip_prefix("Candidate:"))
        .map(str::trim)
        .find(|v| !v.is_empty() && *v != "(none)")
        .map(str::to_owned))
}

/// [`DEBIAN_TOOLCHAIN`] with the [`BUNDLED_DEPENDENCIES`] it needs, followed through their
/// own dependencies.
fn with_bundled_dependencies() -> Result<Vec<String>> {
    let mut packages: Vec<String> = DEBIAN_TOOLCHAIN.iter().map(|&p| p.to_owned()).collect();
    let mut next = 0;
    while next < packages.len() {
        let out = Command::new("apt-cache")
            .args([
                "depends",
                "--no-recommends",
                "--no-suggests",
                "--no-conflicts",
            ])
            .args(["--no-breaks", "--no-replaces", "--no-enhances"])
            .arg(&packages[next])
            .output()?;
        if !out.status.success() {
            bail!("apt-cache knows no `{}`", packages[next]);
        }
        for dependency in dependencies(&String::from_utf8_lossy(&out.stdout)) {
            let bundled = BUNDLED_DEPENDENCIES
                .iter()
                .any(|p| dependency.starts_with(p));
            if bundled && !packages.contains(&dependency) {
                packages.push(dependency);
            }
        }
        next += 1;
    }
    Ok(packages)
}

/// The package names on `Depends:` lines of `apt-cache depends` (alternatives included,
/// virtual packages left out).
fn dependencies(listing: &str) -> Vec<String> {
    listing
        .lines()
        .filter_map(|line| line.trim().trim_start_matches('|').strip_prefix("Depends:"))
        .map(str::trim)
        .filter(|name| !name.starts_with('<'))
        .map(str::to_owned)
        .collect()
}

/// A folder put first on PATH: `cargo clippy` then reaches Debian's clippy (which must
/// match the compiler), while `cargo` stays the one running this command.
fn shims(tools: &Path, toolchain: &Toolchain) -> Result<PathBuf> {
    let shims = tools.join("shims");
    let _ = std::fs::remove_dir_all(&shims);
    std::fs::create_dir_all(&shims)?;
    let cargo = std::env::var_os("CARGO").context("run this through `cargo xtask`")?;
    std::os::unix::fs::symlink(cargo, shims.join("cargo"))?;
    std::os::unix::fs::symlink(
        toolchain.bin.join("cargo-clippy"),
        shims.join("cargo-clippy"),
    )?;
    Ok(shims)
}

#[cfg(test)]
mod tests {
    use super::dependencies;

    #[test]
    fn apt_dependencies_are_read_with_alternatives_and_without_virtual_packages() {
        let listing = "rustc-web\n  Depends: libc6\n |Depends: gcc\n  Depends: libstd-rust-web-dev\n  Depends: <libstd-rust-1.96>\n  Conflicts: rustup\n";
        assert_eq!(
            dependencies(listing),
            ["libc6", "gcc", "libstd-rust-web-dev"]
        );
    }
}
