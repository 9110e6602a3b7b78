#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS CHAINMAIL_EXTRA_CA_CERTS=${NODE_EXTRA_CA_CERTS} node
// With NODE_EXTRA_CA_CERTS set, Node 20 builds its whole certificate store
// before the first line runs: 25 to 55 ms here, more than a `chainmail koko`
// needs for its own work, and no verb makes a TLS connection of its own but
// a remote Docker engine's (src/targets/docker.ts adds the file there). So the
// line above starts Node without it, and the environment gets it back for
// every program chainmail starts (the https probe is one that needs it).
const extraCaCerts = process.env.CHAINMAIL_EXTRA_CA_CERTS;
if (extraCaCerts !== undefined) {
  delete process.env.CHAINMAIL_EXTRA_CA_CERTS;
  if (extraCaCerts !== '') process.env.NODE_EXTRA_CA_CERTS = extraCaCerts;
}

// imported after the environment is whole again: modules copy it as they load (src/sys/exec.ts)
const { main } = await import('../dist/bundle/main.js');
process.exitCode = await main(process.argv);
