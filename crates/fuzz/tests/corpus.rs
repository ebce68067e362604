//! Every target over its seeds and every saved regression, in the ordinary test suite: what a
//! fuzzing run once found stays fixed without a fuzzer installed.

use std::path::{Path, PathBuf};

use invoice_desk_fuzz::{TARGETS, seeds::seeds};

fn regressions(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    files.sort();
    files
}

#[test]
fn every_target_takes_its_seeds() {
    for target in TARGETS {
        let seeds = seeds(target.name);
        assert!(!seeds.is_empty(), "{} has no seeds", target.name);
        for (name, bytes) in seeds {
            eprintln!("{}/{name}", target.name);
            (target.run)(&bytes);
        }
    }
}

#[test]
fn every_saved_regression_stays_fixed() {
    for target in TARGETS {
        for path in regressions(target.name) {
            eprintln!("{}", path.display());
            (target.run)(&std::fs::read(&path).expect("a regression input reads"));
        }
    }
}

#[test]
fn the_official_examples_are_among_the_model_seeds() {
    let count = seeds("arm_models").len();
    assert!(count >= 40, "only {count} example bodies found");
}

#[test]
fn every_target_has_a_fuzzing_binary() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/Cargo.toml"))
            .expect("the fuzzing manifest reads");
    for target in TARGETS {
        assert!(
            manifest.contains(&format!("name = \"{}\"", target.name)),
            "fuzz/Cargo.toml has no [[bin]] for {}",
            target.name
        );
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/fuzz_targets")
            .join(format!("{}.rs", target.name));
        assert!(source.exists(), "{} is missing", source.display());
    }
}
