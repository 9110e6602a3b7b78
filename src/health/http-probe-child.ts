/**
 * Run by `nsenter --net=NS node http-probe-child.js URL TIMEOUT_MS` so the
 * request leaves from inside the namespace. Prints one JSON line.
 */
import http from 'node:http';
import https from 'node:https';

const [url = '', timeoutText = '5000'] = process.argv.slice(2);
const started = performance.now();
const client = url.startsWith('https:') ? https : http;
const request = client.get(url, { timeout: Number(timeoutText), rejectUnauthorized: false }, (res) => {
  let bytes = 0;
  let head = '';
  res.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (head.length < 4096) head += chunk.toString('utf8');
  });
  res.on('end', () => {
    const title = /<title>([^<]*)<\/title>/i.exec(head)?.[1]?.trim();
    process.stdout.write(JSON.stringify({ status: res.statusCode, ms: performance.now() - started, bytes, ...(title ? { title } : {}) }) + '\n');
  });
});
request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutText} ms`)));
request.on('error', (err: NodeJS.ErrnoException) => {
  process.stdout.write(JSON.stringify({ error: err.code ? `${err.code}: ${err.message}` : err.message, ms: performance.now() - started }) + '\n');
});
