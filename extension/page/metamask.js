// Registered before page/inpage.js (same registration, same main world,
// document_start: before any script of the page) only while the user's
// setting presents Leash as MetaMask (sw/inject.js). It only tells the
// provider to set isMetaMask; inpage.js reads and removes it at once.
Object.defineProperty(window, '__leashPresentAsMetaMask', { value: true, configurable: true, writable: false, enumerable: false });
