/**
 * A small web server for a chain node, started by `chain up` inside the
 * node's network namespace: `nsenter --net=NS node http-server-child.js PORT NAME [BODY]`.
 * It serves one page on every path, so a probe through the chain can see
 * which node answered.
 */
import http from 'node:http';
import { servePage } from './serve-page.js';

const [portText = '80', name = 'webserver', body] = process.argv.slice(2);
const page = servePage(name, body);

const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(page) });
  res.end(req.method === 'HEAD' ? undefined : page);
});
// both families where IPv6 is on; IPv4 only where it is not (Docker turns it off)
server.once('error', () => server.listen(Number(portText), '0.0.0.0'));
server.listen(Number(portText), '::');
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => server.close(() => process.exit(0)));
