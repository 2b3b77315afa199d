// Compiles contracts/*.sol with solc from npm (solcjs) through its standard
// JSON interface, and writes OUT/<Name>.abi and OUT/<Name>.bin (hex, no 0x).
// Settings are pinned here so the output is reproducible.
// Usage: node contracts/compile.mjs OUTDIR
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const solc = require("solc");

const EXPECTED_SOLC = "0.8.36";
const here = path.dirname(new URL(import.meta.url).pathname);
const out = process.argv[2];
if (!out) {
  console.error("usage: node contracts/compile.mjs OUTDIR");
  process.exit(2);
}
if (!solc.version().startsWith(EXPECTED_SOLC + "+")) {
  console.error(`solc ${solc.version()} found, ${EXPECTED_SOLC} expected (see package.json)`);
  process.exit(1);
}

const sources = {};
for (const f of fs.readdirSync(here).filter((f) => f.endsWith(".sol")).sort()) {
  sources[f] = { content: fs.readFileSync(path.join(here, f), "utf8") };
}
const input = {
  language: "Solidity",
  sources,
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: "cancun",
    metadata: { bytecodeHash: "none" },
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
let failed = false;
for (const e of output.errors ?? []) {
  console.error(e.formattedMessage);
  if (e.severity === "error") failed = true;
}
if (failed) process.exit(1);

fs.mkdirSync(out, { recursive: true });
for (const [file, contracts] of Object.entries(output.contracts)) {
  for (const [name, c] of Object.entries(contracts)) {
    if (!c.evm.bytecode.object) continue; // interfaces
    if (path.basename(file, ".sol") !== name) continue; // helper contracts of a file
    fs.writeFileSync(path.join(out, name + ".abi"), JSON.stringify(c.abi, null, 1) + "\n");
    fs.writeFileSync(path.join(out, name + ".bin"), c.evm.bytecode.object + "\n");
  }
}
