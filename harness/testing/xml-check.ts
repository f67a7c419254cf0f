/**
 * A strict little XML parser for tests: enough to prove a JUnit file, an SVG or an XHTML-style page is
 * well-formed (balanced tags, quoted attributes, no bare `&` or `<` in text, one root) and to query
 * the tree. No dependency, because the project renders its own XML and must not need one to check it.
 *
 * Test support only.
 */

/** An element of the parsed tree. */
export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** Concatenated, unescaped text directly inside this element. */
  readonly text: string;
}

interface MutableElement {
  name: string;
  attrs: Record<string, string>;
  children: MutableElement[];
  text: string;
}

const NAME = '[A-Za-z_][\\w:.-]*';
const START = new RegExp(`^<(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`);
const ATTR = new RegExp(`(${NAME})\\s*=\\s*(?:"([^"<]*)"|'([^'<]*)')`, 'g');
const END = new RegExp(`^</(${NAME})\\s*>`);
const ENTITY = /&(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);/y;
const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescape(text: string, where: string): string {
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c !== '&') {
      out += c;
      continue;
    }
    ENTITY.lastIndex = i;
    const m = ENTITY.exec(text);
    if (m === null) {
      throw new Error(`bare '&' in ${where}: ${JSON.stringify(text.slice(i, i + 20))}`);
    }
    const body = m[0].slice(1, -1);
    if (body.startsWith('#x')) {
      out += String.fromCodePoint(Number.parseInt(body.slice(2), 16));
    } else if (body.startsWith('#')) {
      out += String.fromCodePoint(Number.parseInt(body.slice(1), 10));
    } else {
      const named = NAMED[body];
      if (named === undefined) {
        throw new Error(`unknown entity &${body}; in ${where}`);
      }
      out += named;
    }
    i += m[0].length - 1;
  }
  return out;
}

/** Parses a document; throws with a position on anything malformed. Returns the root element. */
export function parseXml(doc: string): XmlElement {
  const stack: MutableElement[] = [];
  let root: MutableElement | undefined;
  let i = 0;
  const fail = (msg: string): never => {
    const line = doc.slice(0, i).split('\n').length;
    throw new Error(`${msg} at line ${line}: ${JSON.stringify(doc.slice(i, i + 60))}`);
  };
  while (i < doc.length) {
    const rest = doc.slice(i);
    if (rest.startsWith('<?')) {
      const end = rest.indexOf('?>');
      if (end < 0) {
        fail('unterminated processing instruction')
      }
      i += end + 2;
    } else if (rest.startsWith('<!--')) {
      const end = rest.indexOf('-->');
      if (end < 0) {
        fail('unterminated comment')
      }
      i += end + 3;
    } else if (/^<!doctype/i.test(rest)) {
      const end = rest.indexOf('>');
      if (stack.length > 0 || root !== undefined) {
        fail('doctype after the root element')
      }
      i += end + 1;
    } else if (rest.startsWith('</')) {
      const m = END.exec(rest);
      if (m === null) {
        fail('malformed end tag')
      }
      const name = m?.[1] ?? '';
      const open = stack.pop();
      if (open === undefined || open.name !== name) {
        fail(`</${name}> does not close <${open?.name ?? '(nothing)'}>`)
      }
      i += m?.[0].length ?? 0;
    } else if (rest.startsWith('<')) {
      const m = START.exec(rest);
      if (m === null) {
        fail('malformed start tag')
      }
      const name = m?.[1] ?? '';
      const attrs: Record<string, string> = {};
      for (const a of (m?.[2] ?? '').matchAll(ATTR)) {
        const key = a[1] ?? '';
        if (key in attrs) {
          fail(`duplicate attribute ${key} on <${name}>`)
        }
        attrs[key] = unescape(a[2] ?? a[3] ?? '', `attribute ${key} of <${name}>`);
      }
      const el: MutableElement = { name, attrs, children: [], text: '' };
      const parent = stack[stack.length - 1];
      if (parent === undefined) {
        if (root !== undefined) {
          fail('a second root element')
        }
        root = el;
      } else {
        parent.children.push(el);
      }
      if (m?.[3] !== '/') {
        stack.push(el);
      }
      i += m?.[0].length ?? 0;
    } else {
      const next = rest.indexOf('<');
      const text = next < 0 ? rest : rest.slice(0, next);
      const parent = stack[stack.length - 1];
      if (parent === undefined) {
        if (text.trim() !== '') {
          fail('text outside the root element')
        }
      } else {
        parent.text += unescape(text, `text of <${parent.name}>`);
      }
      i += text.length;
    }
  }
  if (stack.length > 0) {
    fail(`unclosed <${stack[stack.length - 1]?.name}>`);
  }
  if (root === undefined) {
    throw new Error('no root element');
  }
  return root;
}

/** All elements in document order (depth first) that satisfy the predicate. */
export function findAll(root: XmlElement, pred: (e: XmlElement) => boolean): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    if (pred(e)) {
      out.push(e);
    }
    e.children.forEach(walk);
  };
  walk(root);
  return out;
}

/** All text under an element, including descendants. */
export function deepText(e: XmlElement): string {
  return e.text + e.children.map(deepText).join('');
}
