// Networks for dapps. The agent's network is the pinned policy's chain
// with the RPC setting (state.js chainId, rpcUrl): agent proposals always
// use it, whatever network a dapp switched to. The user may add networks
// (wallet_addEthereumChain, after checking the RPC's eth_chainId) for
// their own transactions and reads.
import { rpc } from './rpc.js';
import * as st from './state.js';

export function policyNetwork(s) {
  return { chainId: s.chainId, name: 'Agent network', rpcUrl: s.rpcUrl, symbol: 'ETH', decimals: 18, policy: true };
}

export function list(s) {
  return [policyNetwork(s), ...s.networks];
}

export function find(s, chainId) {
  return list(s).find((n) => n.chainId === chainId) || null;
}

// current is the network dapps are on.
export async function current() {
  const s = await st.settings();
  return find(s, s.dappChainId || s.chainId) || policyNetwork(s);
}

// probeChainId asks an RPC endpoint for its chain id (a lying or
// unreachable endpoint is refused before anything is saved).
export async function probeChainId(url) {
  const id = await rpc('eth_chainId', [], { url, timeoutMs: 5000 });
  if (typeof id !== 'string' || !/^0x[0-9a-fA-F]{1,16}$/.test(id)) throw new Error('the RPC answered no chain id');
  return Number(BigInt(id));
}
