// Reference digests from MetaMask's @metamask/eth-sig-util for the Go
// tests: reads a JSON array of {version, data} on stdin and prints a JSON
// array of 0x-hex digests (or {"error": message}).
import { TypedDataUtils, SignTypedDataVersion, typedSignatureHash } from '@metamask/eth-sig-util';

let input = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) input += chunk;
const out = JSON.parse(input).map(({ version, data }) => {
  try {
    if (version === 1) return typedSignatureHash(data);
    const v = version === 3 ? SignTypedDataVersion.V3 : SignTypedDataVersion.V4;
    return '0x' + Buffer.from(TypedDataUtils.eip712Hash(data, v)).toString('hex');
  } catch (e) {
    return { error: String(e.message || e) };
  }
});
process.stdout.write(JSON.stringify(out));
