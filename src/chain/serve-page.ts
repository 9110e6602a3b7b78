/**
 * The page a chain node serves when its `serve:` gives no body: the same
 * whether chainmail's own server sends it or an exported lab's httpd does.
 */
export function servePage(name: string, body?: string): string {
  return body ?? `<!doctype html>\n<title>chainmail web server on ${name}</title>\n<p>Served by ${name} through the chain.</p>\n`;
}
