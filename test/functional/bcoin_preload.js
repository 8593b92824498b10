// Preloaded into bcoin for the interop test (node -r):
// - bdb requires leveldown when loaded; with --memory=true it is never used,
//   and it does not build with this Node.js, so a stand-in answers the require.
// - bcoin asks a public DNS server for its external address when it listens;
//   tests reach loopback only, so name lookups fail at once instead.
const Module = require('module');
const load = Module._load;
const net = require('net');

const noDns = {
  async lookup(host) {
    if (net.isIP(host)) return [host];
    throw new Error('DNS is disabled in this test (' + host + ')');
  },
  async resolve(host) { throw new Error('DNS is disabled in this test (' + host + ')'); },
  async getIPv4() { throw new Error('DNS is disabled in this test'); },
  async getIPv6() { throw new Error('DNS is disabled in this test'); },
  async reverse() { throw new Error('DNS is disabled in this test'); },
  async lookupService() { throw new Error('DNS is disabled in this test'); },
};

Module._load = function (request, parent, isMain) {
  if (request === 'leveldown') {
    return function () { throw new Error('leveldown is not available; run bcoin with --memory=true'); };
  }
  if (request === 'bdns') return Object.assign({}, load.apply(this, arguments), noDns);
  return load.apply(this, arguments);
};
