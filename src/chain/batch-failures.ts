/**
 * Pure: what each failed line of an `ip -force -batch` said. iproute2 goes on
 * past a failure under -force and ends each one's message with
 * "Command failed -:N" (N counted from 1); the text before it, back to the
 * previous such line, is that line's error. Keys count from 0.
 */
export function failedBatchLines(stderr: string): Map<number, string> {
  const failures = new Map<number, string>();
  let said: string[] = [];
  for (const line of stderr.split('\n')) {
    const m = /^Command failed -:(\d+)\s*$/.exec(line.trim());
    if (!m) {
      if (line.trim()) said.push(line.trim());
      continue;
    }
    failures.set(Number(m[1]) - 1, said.join('\n'));
    said = [];
  }
  return failures;
}
