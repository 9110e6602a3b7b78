#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS CHAINMAIL_EXTRA_CA_CERTS=${NODE_EXTRA_CA_CERTS} node
// With NODE_EXTRA_CA_CERTS set, Node 20 builds its whole certificate store
// before the first line runs: 40 to 60 ms here, more than a `chainmail koko`
// needs for its own work. Of what chainmail does, only a connection to a
// remote Docker engine over TLS could need it, and src/targets/docker-client.ts
// gives that one the file. So the line above (GNU env, coreutils 8.30 or
// later, for -S) starts Node without it, and the environment gets it back,
// unchanged for every program chainmail starts.
const extraCaCerts = process.env.CHAINMAIL_EXTRA_CA_CERTS;
if (extraCaCerts !== undefined) {
  delete process.env.CHAINMAIL_EXTRA_CA_CERTS;
  if (extraCaCerts !== '') process.env.NODE_EXTRA_CA_CERTS = extraCaCerts;
}

// imported after the environment is whole again: modules copy it as they load (src/sys/exec.ts)
const { main } = await import('../dist/bundle/main.js');
process.exitCode = await main(process.argv);
