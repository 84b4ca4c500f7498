// Preloaded into the Portkey gateway by bench/run.sh (node -r): its start script listens on every
// interface and offers no option for the address, so bind any listen(port) without a host to loopback.
'use strict';
const net = require('net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && (args[1] === undefined || typeof args[1] === 'function'))
    args.splice(1, args[1] === undefined ? 1 : 0, '127.0.0.1');
  return listen.apply(this, args);
};
