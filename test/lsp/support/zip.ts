// Reads a zip archive (a .vsix) with yauzl, which vsce already brings: entry name → contents.
import { createRequire } from 'node:module';

interface Entry {
  fileName: string;
}
interface ZipFile {
  readEntry(): void;
  on(event: 'entry', cb: (e: Entry) => void): void;
  on(event: 'end', cb: () => void): void;
  on(event: 'error', cb: (e: Error) => void): void;
  openReadStream(e: Entry, cb: (err: Error | null, stream: NodeJS.ReadableStream) => void): void;
}
const yauzl = createRequire(import.meta.url)('yauzl') as {
  open(path: string, opts: { lazyEntries: boolean }, cb: (err: Error | null, zip: ZipFile) => void): void;
};

export function readZip(path: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const out = new Map<string, Buffer>();
      zip.on('error', reject);
      zip.on('end', () => resolve(out));
      zip.on('entry', (entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}
