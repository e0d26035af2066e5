// The library graph check (part of `npm test`): every library under libs/ is imported by other code only through its
// index (`#libs/<name>/index.js`; test support through `#libs/<name>/testing/index.js`), never through a file inside
// it, and the imports between libraries form no cycle.
// Exits non-zero naming each offending import and each cycle.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const libsDir = join(root, 'libs');
const scanned = ['libs', 'apps/api', 'bench', 'migrations', 'test'];
const PUBLIC_ENTRIES = ['index.js', 'testing/index.js'];
// `import … from 'x'`, `export … from 'x'`, `import 'x'` and `import('x')`.
const SPECIFIER = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*\(?\s*['"]([^'"]+)['"]/g;

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (entry === 'node_modules' || entry === 'dist') continue;
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|mts|mjs)$/.test(entry) && !entry.endsWith('.d.ts')) yield path;
  }
}

/** The library a file belongs to (its first folder under libs/), or null. */
const libraryOf = (file) => {
  const rel = relative(libsDir, file);
  return rel.startsWith('..') ? null : rel.split(sep)[0];
};

/** The library file an import names, as [library, path inside it], or null for anything else. */
function target(file, specifier) {
  if (specifier.startsWith('#libs/')) {
    const [name, ...rest] = specifier.slice('#libs/'.length).split('/');
    return [name, rest.join('/')];
  }
  if (specifier.startsWith('.')) {
    const lib = libraryOf(resolve(dirname(file), specifier));
    if (lib === null) return null;
    return [lib, relative(join(libsDir, lib), resolve(dirname(file), specifier)).split(sep).join('/')];
  }
  return null;
}

const problems = [];
const edges = new Map();
for (const top of scanned) {
  for (const file of sourceFiles(join(root, top))) {
    const from = libraryOf(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(SPECIFIER)) {
      const specifier = match[1] ?? match[2];
      const to = target(file, specifier);
      if (!to || to[0] === from) continue;
      if (!PUBLIC_ENTRIES.includes(to[1])) problems.push(`${relative(root, file)}: imports ${specifier} (another library's inside; use #libs/${to[0]}/index.js)`);
      if (from !== null) {
        if (!edges.has(from)) edges.set(from, new Map());
        if (!edges.get(from).has(to[0])) edges.get(from).set(to[0], relative(root, file));
      }
    }
  }
}

// Cycles: a depth-first search that reports each back edge with the path that closes it.
const state = new Map();
const stack = [];
function visit(lib) {
  state.set(lib, 'open');
  stack.push(lib);
  for (const [next, where] of edges.get(lib) ?? []) {
    if (state.get(next) === 'open') {
      const cycle = [...stack.slice(stack.indexOf(next)), next];
      problems.push(`cycle between libraries: ${cycle.join(' → ')} (closed by ${where})`);
    } else if (!state.has(next)) visit(next);
  }
  stack.pop();
  state.set(lib, 'done');
}
for (const lib of [...edges.keys()].sort()) if (!state.has(lib)) visit(lib);

if (problems.length > 0) {
  console.error(`library graph: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
const order = [...edges.entries()].map(([lib, to]) => `${lib} → ${[...to.keys()].sort().join(', ')}`).sort();
console.log(`library graph: ${edges.size} libraries import others, only through their index, without a cycle\n  ${order.join('\n  ')}`);
