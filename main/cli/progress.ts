/** One progress line that rewrites itself on a terminal and prints sparse lines elsewhere (CI logs). */
export function progressReporter(label: string, stream: NodeJS.WriteStream = process.stderr) {
  let lastPrint = 0;
  return (done: number, total?: number) => {
    const now = Date.now();
    if (now - lastPrint < (stream.isTTY ? 200 : 5000) && done !== total) return;
    lastPrint = now;
    const pct = total ? ` (${Math.floor((100 * done) / total)}%)` : '';
    const text = `${label}: ${done.toLocaleString('en-US')}${total ? ` of ${total.toLocaleString('en-US')}` : ''}${pct}`;
    stream.write(stream.isTTY ? `\r${text}\x1b[K${done === total ? '\n' : ''}` : `${text}\n`);
  };
}
