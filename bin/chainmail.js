#!/usr/bin/env node
import { main } from '../dist/bundle/main.js';

// Ends here, not when the event loop drains: that would first close the signal listeners'
// handles, and a Ctrl-C in between would kill the process after its command had finished.
process.exit(await main(process.argv));
