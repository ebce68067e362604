//! `write-seeds DIR`: writes every target's seed corpus to `DIR/<target>/`, where
//! `cargo xtask fuzz` points libFuzzer.

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: write-seeds DIR");
        std::process::exit(2);
    };
    for target in invoice_desk_fuzz::TARGETS {
        let folder = dir.join(target.name);
        std::fs::create_dir_all(&folder)?;
        for (name, bytes) in invoice_desk_fuzz::seeds::seeds(target.name) {
            std::fs::write(folder.join(name), bytes)?;
        }
    }
    Ok(())
}
