//! Every command the UI's bindings can call is granted to the main window: a command missing
//! from `build.rs` or `capabilities/main.json` is refused at run time, silently for a call
//! whose answer nobody waits for.

use std::collections::BTreeSet;

fn invoked_commands(bindings: &str) -> BTreeSet<String> {
    bindings
        .match_indices("__TAURI_INVOKE")
        .filter_map(|(at, _)| {
            let rest = &bindings[at..];
            let open = rest.find("(\"")? + 2;
            let close = rest[open..].find('"')?;
            Some(rest[open..open + close].to_owned())
        })
        .filter(|name| !name.contains(' '))
        .collect()
}

#[test]
fn every_command_the_ui_can_call_is_granted_to_the_window() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let bindings = std::fs::read_to_string(root.join("../ui/src/lib/bindings.ts")).unwrap();
    let build = std::fs::read_to_string(root.join("build.rs")).unwrap();
    let capability = std::fs::read_to_string(root.join("capabilities/main.json")).unwrap();
    let commands = invoked_commands(&bindings);
    assert!(
        commands.len() > 40,
        "only {} commands found in the bindings",
        commands.len()
    );
    for command in &commands {
        assert!(
            build.contains(&format!("\"{command}\"")),
            "{command} has no permission in build.rs"
        );
        let permission = format!("\"allow-{}\"", command.replace('_', "-"));
        assert!(
            capability.contains(&permission),
            "{command} is not granted in capabilities/main.json"
        );
    }
}
