// Runs many CLI verbs in one WASM instance, exactly as wasm/leash.mjs runs
// one (same file reading, same leash.tools call), to keep the parity table
// fast. Input: a JSON file [{verb, args: {flag: path|value}}]; output: a
// JSON array of {exit, stdout}.
//
//   node wasm/test/verbs-batch.mjs cases.json
import fs from "node:fs";
import { loadLeash, file } from "../leash.mjs";

const cases = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const { leash } = await loadLeash();
const out = [];
for (const c of cases) {
  const a = c.args;
  let r;
  switch (c.verb) {
    case "verify":
      r = await leash.tools.verify({ vk: file(a.vk), policy: file(a.policy), proposal: file(a.proposal), state: file(a.state) });
      break;
    case "sign":
      r = await leash.tools.sign({
        mnemonic: file(a["mnemonic-file"]),
        index: a.index ?? 0,
        vk: file(a.vk),
        policy: file(a.policy),
        proposal: file(a.proposal),
        state: file(a.state),
      });
      break;
    case "public-inputs":
      r = await leash.tools.publicInputs({ policy: file(a.policy), proposal: file(a.proposal), state: file(a.state) });
      break;
    case "keys-address":
      r = await leash.tools.keysAddress({ mnemonic: file(a["mnemonic-file"]), index: a.index ?? 0 });
      break;
    default:
      throw new Error(`unknown verb ${c.verb}`);
  }
  out.push(r);
}
process.stdout.write(JSON.stringify(out));
process.exit(0);
