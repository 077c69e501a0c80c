// Reading sources and writing outputs safely, for every package (`@pim/grammar/files`).
//
// Reading: a source is read only when it is a regular file within the file size limit, through one
// descriptor (fstat, then read), so `/dev/zero`, a FIFO or a 2 GB binary never fills memory or blocks.
// Writing: an output path is checked before any work is done (a command that trains for an hour must
// not fail at its last step), and each file is written to a temporary file beside it and renamed
// over it, so a reader never sees half a file and an interrupted run leaves the old one whole.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LIMITS } from './limits.js';

export type SourceRead =
  | { text: string }
  | { problem: 'notFound' }
  | { problem: 'tooLarge'; bytes: number }
  | { problem: 'special'; what: string };

/** What a non-regular file is, in words. */
function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a pipe';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * A source file's text, or why it cannot be one. Opened non-blocking (a FIFO does not wait for a
 * writer), checked by fstat on the same descriptor (no race with a rename), read to its stated size.
 */
export function readSource(file: string, limit: number = LIMITS.fileBytes): SourceRead {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') return { problem: 'special', what: 'a directory' };
    return { problem: 'notFound' };
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return { problem: 'special', what: kindOf(st) };
    if (st.size > limit) return { problem: 'tooLarge', bytes: st.size };
    // Files in pseudo file systems (/proc) report size 0 but have contents: read up to the limit.
    const buf = Buffer.alloc(Math.min(limit + 1, Math.max(st.size, 64 * 1024)));
    let n = 0;
    for (;;) {
      if (n === buf.length) break;
      const got = fs.readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    if (n > limit) return { problem: 'tooLarge', bytes: n };
    return { text: buf.toString('utf8', 0, n) };
  } catch {
    return { problem: 'notFound' };
  } finally {
    fs.closeSync(fd);
  }
}

/** A path a command cannot write to, with the reason (the CLI prints it as a usage error). */
export class OutputPathError extends Error {}

/**
 * File systems whose files are the kernel's views, not storage (`statfs` magic numbers from Linux's
 * include/uapi/linux/magic.h): writing there hangs or changes the system, never saves a result.
 */
const PSEUDO_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x64626720, 'debugfs'],
  [0x73636673, 'securityfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x1cd1, 'devpts'],
  [0x62656570, 'configfs'],
  [0x74726163, 'tracefs'],
  [0xcafe4a11, 'bpf'],
  [0x6165676c, 'pstore'],
  [0xde5e81e4, 'efivarfs'],
  [0x65735543, 'fusectl'],
  [0x42494e4d, 'binfmt_misc'],
  [0x6e736673, 'nsfs'],
  [0x19800202, 'mqueue'],
]);

function pseudoFileSystem(dir: string): string | undefined {
  try {
    return PSEUDO_FILE_SYSTEMS.get(Number(fs.statfsSync(dir).type));
  } catch {
    return undefined;
  }
}

export interface OutputCheck {
  /** What the path is for, in the messages (`--json`, `-o`, `--checkpoint`). */
  what: string;
  /** Source files of the program: never overwritten. */
  sources?: readonly string[];
  /** The path names a directory (created when missing) instead of a file. */
  directory?: boolean;
  /**
   * What the output is: an existing non-empty file is replaced only when it already looks like one
   * (OUTPUT_KINDS), so a mistyped path does not destroy a data set or a document.
   */
  kind?: OutputKind;
}

export type OutputKind = 'json' | 'html';

/** How each kind of output starts, after whitespace: a JSON value (or JSON lines) and an HTML document. */
const OUTPUT_KINDS: Record<OutputKind, { name: string; starts: readonly string[] }> = {
  json: { name: 'JSON', starts: ['{', '['] },
  html: { name: 'HTML', starts: ['<'] },
};

/** Bytes read from an existing output to tell its kind: enough for any leading whitespace seen in practice. */
const KIND_PROBE_BYTES = 4096;

/**
 * The first `bytes` bytes of a regular file as text, and whether the file held that many (what follows
 * is unread). Throws when it cannot be opened or read, or is not a regular file.
 */
export function readHead(file: string, bytes: number): { text: string; filled: boolean } {
  const fd = fs.openSync(file, 'r');
  try {
    if (!fs.fstatSync(fd).isFile()) throw new Error(`'${file}' is not a regular file`);
    const buf = Buffer.alloc(bytes);
    const n = fs.readSync(fd, buf, 0, bytes, 0);
    return { text: buf.toString('utf8', 0, n), filled: n === bytes };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * An existing, non-empty file at `p` that is not of `kind` is refused: only its first bytes are read.
 * A leading UTF-8 byte-order mark counts as whitespace.
 */
function checkKind(p: string, kind: OutputKind, what: string): void {
  const { name, starts } = OUTPUT_KINDS[kind];
  let read: { text: string; filled: boolean };
  try {
    read = readHead(p, KIND_PROBE_BYTES);
  } catch (e) {
    throw new OutputPathError(
      `${what}: refusing to replace '${p}': cannot read it to tell whether it is ${withKindArticle(name)} file (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const head = read.text.replace(/^[\s\uFEFF]+/, '');
  // Whitespace alone is an empty file, unless it fills the bytes read (then what follows is unknown).
  if ((head === '' && !read.filled) || starts.some((c) => head.startsWith(c))) return;
  throw new OutputPathError(`${what}: refusing to replace '${p}': it is not ${withKindArticle(name)} file`);
}

const withKindArticle = (name: string): string => `${name === 'HTML' ? 'an' : 'a'} ${name}`;

/** Whether two paths name the same file (through links; paths that do not exist compare as written). */
export function samePath(a: string, b: string): boolean {
  return realOrSelf(a) === realOrSelf(b);
}

/**
 * The path through every link: of a path that does not exist yet, its nearest existing folder's real
 * path with the rest added back (a checkpoint folder not yet written, under a linked folder).
 */
function realOrSelf(p: string): string {
  const rest: string[] = [];
  let at = path.resolve(p);
  for (;;) {
    try {
      return path.join(fs.realpathSync(at), ...rest.reverse());
    } catch {
      const up = path.dirname(at);
      if (up === at) return path.resolve(p);
      rest.push(path.basename(at));
      at = up;
    }
  }
}

/** The directory that will hold `p`: its nearest existing ancestor must be a writable directory. */
function checkParent(p: string, what: string): void {
  let dir = path.dirname(p);
  while (!fs.existsSync(dir)) {
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    throw new OutputPathError(`${what} '${p}': no directory to write it in`);
  }
  if (!st.isDirectory()) throw new OutputPathError(`${what} '${p}': '${dir}' is not a directory`);
  const pseudo = pseudoFileSystem(dir);
  if (pseudo) throw new OutputPathError(`${what} '${p}': '${dir}' is in the ${pseudo} pseudo file system, not storage`);
  if (dir !== path.dirname(p))
    throw new OutputPathError(`${what} '${p}': the directory '${path.dirname(p)}' does not exist`);
  // access(W_OK) says yes to root on a read-only mount: creating a file is the real test.
  const probe = path.join(dir, `.pim-probe-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    fs.closeSync(fs.openSync(probe, 'wx'));
    fs.unlinkSync(probe);
  } catch (e) {
    throw new OutputPathError(
      `${what} '${p}': cannot write in '${dir}' (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

/**
 * Checks, before any work, that `p` can take an output: not a source of the program (nor any `.pim`
 * file), not a directory (or, for `directory`, a directory or nothing), a regular file if it exists,
 * in a writable directory of a real file system, and, given its `kind`, not an existing file of another
 * kind. Throws OutputPathError with the reason.
 */
export function checkOutputPath(p: string, check: OutputCheck): void {
  const { what } = check;
  const resolved = linkTarget(p, what);
  if (!check.directory && [p, resolved].some((q) => path.extname(q).toLowerCase() === '.pim'))
    throw new OutputPathError(`${what} '${p}': refusing to write over a .pim source`);
  for (const s of check.sources ?? []) {
    if (realOrSelf(s) === resolved)
      throw new OutputPathError(`${what} '${p}': refusing to write over the source '${s}'`);
  }
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(p);
  } catch {
    st = undefined;
  }
  if (st && check.directory) {
    if (!st.isDirectory()) throw new OutputPathError(`${what} '${p}': not a directory`);
    const pseudo = pseudoFileSystem(p);
    if (pseudo) throw new OutputPathError(`${what} '${p}': in the ${pseudo} pseudo file system, not storage`);
    checkParent(path.join(p, 'x'), what);
    return;
  }
  if (st && st.isDirectory()) throw new OutputPathError(`${what} '${p}': is a directory`);
  if (st && !st.isFile()) throw new OutputPathError(`${what} '${p}': is ${kindOf(st)}, not a regular file`);
  if (st && readOnly(p, st)) throw new OutputPathError(`${what} '${p}': is read-only`);
  if (st && st.size > 0 && check.kind) checkKind(p, check.kind, what);
  // A link is written through (writeFileAtomic writes its target), so the target's directory is checked.
  checkParent(resolved === path.resolve(p) ? p : resolved, what);
}

/**
 * Where a write to `p` lands: `p` itself, or the file a symbolic link at `p` leads to. A link that leads
 * nowhere (e.g. /dev/stdout on a pipe: /proc/self/fd/1 → pipe:[…]) is refused, not replaced by a file.
 */
function linkTarget(p: string, what: string): string {
  let isLink = false;
  try {
    isLink = fs.lstatSync(p).isSymbolicLink();
  } catch {
    return path.resolve(p);
  }
  if (!isLink) return realOrSelf(p);
  try {
    return fs.realpathSync(p);
  } catch {
    throw new OutputPathError(`${what} '${p}': a symbolic link to nothing that can hold a file`);
  }
}

/** A new name in the same folder as `p` (so a rename onto `p` stays on one file system). */
function tempBeside(p: string): string {
  return path.join(path.dirname(p), `.${path.basename(p)}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
}

/**
 * Writes over a file in place (keeping its hard links). The new text is first written whole to a
 * temporary file (so a full disk or a file-size limit fails there, the target untouched), then written
 * over the target; should that still fail, the former text is written back.
 */
function writeInPlace(p: string, data: string | Uint8Array): void {
  const before = fs.readFileSync(p);
  const tmp = tempBeside(p);
  try {
    fs.writeFileSync(tmp, data, { flag: 'wx' });
    try {
      // Opened with O_TRUNC, not copied: the inode, its links and its mode stay.
      fs.writeFileSync(p, data);
    } catch (e) {
      fs.writeFileSync(p, before);
      throw e;
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * A file this process may not write, or that no one may: the second refused to root as well (who may
 * write anything), as editors do, since someone made the file read-only on purpose.
 */
function readOnly(p: string, st: fs.Stats): boolean {
  if ((st.mode & 0o222) === 0) return true;
  try {
    fs.accessSync(p, fs.constants.W_OK);
    return false;
  } catch {
    return true;
  }
}

/**
 * Writes a file atomically: a temporary file in the same directory, flushed, then renamed over the
 * target. On any failure the temporary file is removed and the target is as it was. A symbolic link is
 * written through; an existing file keeps its permissions; a read-only one is refused; one with other
 * hard links is written in place.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  // Through a symbolic link to its target (renaming over the link would replace the link with a file),
  // keeping an existing file's permissions.
  const p = linkTarget(file, `writing '${file}'`);
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(p);
  } catch {
    // a new file: the process's default mode
  }
  if (st) {
    // A rename goes by the folder's permission: it would replace a file its user may not write.
    if (readOnly(p, st)) throw new Error(`'${file}' is read-only`);
    // Another name of the same file (a hard link) would keep the old text after a rename: written in
    // place instead, as editors do, once the new text has been written in full beside it.
    if (st.isFile() && st.nlink > 1) return writeInPlace(p, data);
  }
  const tmp = tempBeside(p);
  try {
    const fd = fs.openSync(tmp, 'wx');
    try {
      fs.writeFileSync(fd, data);
      if (st) fs.fchmodSync(fd, st.mode & 0o7777);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, p);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw e;
  }
}
