#!/usr/bin/env node
import { exitWhenWritten, main } from '../dist/bundle/main.js';

await exitWhenWritten(await main(process.argv));
