// The unmodified libraries a dapp uses, bundled for the test page
// (tests/browser/dapps.mjs builds it with esbuild): ethers v6, viem, mipd.
import * as ethers from 'ethers';
import { createPublicClient, createWalletClient, custom, recoverTypedDataAddress, recoverMessageAddress } from 'viem';
import { createStore } from 'mipd';

window.libs = { ethers, viem: { createPublicClient, createWalletClient, custom, recoverTypedDataAddress, recoverMessageAddress }, mipd: { createStore } };
// mipd's store, created at once as wagmi does: it hears every announcement.
window.mipdStore = createStore();
