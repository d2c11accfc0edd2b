/**
 * A small, strict XML reader for configuration files such as Virtual PC's .vmc: elements, attributes,
 * character data (with CDATA sections), the five predefined entities and numeric character references,
 * comments, processing instructions (skipped) and the XML declaration. Document type declarations
 * (DTDs) are refused, so there are no other entities and nothing is ever fetched or expanded.
 *
 * Well-formedness is checked as XML 1.0 asks: one root, matching end tags, unique attributes, valid
 * names and characters, no '<' in attribute values, no ']]>' in text, no '--' in comments. Namespaces
 * are not interpreted (a prefixed name is just a name). Line ends are normalised to '\n' first, and
 * white space in attribute values to spaces, as the specification says.
 */

export interface XmlElement {
  name: string;
  attributes: ReadonlyMap<string, string>;
  children: XmlElement[];
  /** The element's own character data (its children's text excluded), entities expanded. */
  text: string;
  /** 1-based line of the start tag, for messages. */
  line: number;
}

export interface XmlDeclaration {
  version: string;
  encoding: string | null;
  standalone: boolean | null;
}

export interface XmlDocument {
  declaration: XmlDeclaration | null;
  root: XmlElement;
}

export class XmlSyntaxError extends Error {
  override readonly name = 'XmlSyntaxError';
  constructor(
    readonly detail: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${detail} (line ${line}, column ${column})`);
  }
}

export interface XmlLimits {
  /** Deepest nesting of elements accepted. */
  maxDepth: number;
}

const DEFAULT_LIMITS: XmlLimits = { maxDepth: 256 };

/** XML 1.0 NameStartChar, by code point. */
function isNameStart(cp: number): boolean {
  return (
    (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a) || cp === 0x5f || cp === 0x3a ||
    (cp >= 0xc0 && cp <= 0xd6) || (cp >= 0xd8 && cp <= 0xf6) || (cp >= 0xf8 && cp <= 0x2ff) ||
    (cp >= 0x370 && cp <= 0x37d) || (cp >= 0x37f && cp <= 0x1fff) || (cp >= 0x200c && cp <= 0x200d) ||
    (cp >= 0x2070 && cp <= 0x218f) || (cp >= 0x2c00 && cp <= 0x2fef) || (cp >= 0x3001 && cp <= 0xd7ff) ||
    (cp >= 0xf900 && cp <= 0xfdcf) || (cp >= 0xfdf0 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0xeffff)
  );
}

/** XML 1.0 NameChar, by code point. */
function isNameChar(cp: number): boolean {
  return (
    isNameStart(cp) || cp === 0x2d || cp === 0x2e || (cp >= 0x30 && cp <= 0x39) || cp === 0xb7 ||
    (cp >= 0x300 && cp <= 0x36f) || (cp >= 0x203f && cp <= 0x2040)
  );
}

/** Characters XML 1.0 forbids anywhere in a document. */
const BAD_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const WS = /[ \t\r\n]/;

export function parseXml(input: string, limits: XmlLimits = DEFAULT_LIMITS): XmlDocument {
  return new Reader(input, limits).document();
}

class Reader {
  private readonly s: string;
  private pos = 0;
  // Line counting moves forward only, so finding the line of each start tag stays linear.
  private lineMark = 0;
  private lineAtMark = 1;

  constructor(
    input: string,
    private readonly limits: XmlLimits,
  ) {
    const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
    this.s = text.replace(/\r\n?/g, '\n');
  }

  document(): XmlDocument {
    const bad = BAD_CHAR.exec(this.s);
    if (bad) {
      const cp = bad[0].codePointAt(0)!;
      this.pos = bad.index;
      this.fail(cp === 0 ? 'a NUL character, which XML does not allow (the file may be damaged or truncated)' : `the character U+${cp.toString(16).toUpperCase().padStart(4, '0')}, which XML does not allow`);
    }
    let declaration: XmlDeclaration | null = null;
    if (/^<\?xml[ \t\n]/.test(this.s)) declaration = this.declaration();
    this.misc();
    if (this.pos >= this.s.length) this.fail('no root element: the document is empty or only has comments');
    const root = this.element();
    this.misc();
    if (this.pos < this.s.length) this.fail('unexpected content after the root element');
    return { declaration, root };
  }

  /** Comments, processing instructions and white space outside the root. */
  private misc(): void {
    for (;;) {
      this.skipWs();
      if (this.s.startsWith('<!--', this.pos)) this.comment();
      else if (this.s.startsWith('<?', this.pos)) this.pi();
      else if (this.s.startsWith('<!DOCTYPE', this.pos)) this.fail('a document type declaration (DTD), which this reader does not accept');
      else if (this.pos < this.s.length && this.s[this.pos] !== '<') this.fail('text outside the root element');
      else return;
    }
  }

  private declaration(): XmlDeclaration {
    this.pos = 5; // '<?xml'
    const attrs = new Map<string, string>();
    for (;;) {
      const hadWs = this.skipWs();
      if (this.s.startsWith('?>', this.pos)) {
        this.pos += 2;
        break;
      }
      if (this.pos >= this.s.length) this.fail('the XML declaration is not closed with ?>');
      if (!hadWs) this.fail('expected white space in the XML declaration');
      const name = this.name('a pseudo-attribute name in the XML declaration');
      if (attrs.has(name)) this.fail(`"${name}" appears twice in the XML declaration`);
      attrs.set(name, this.attributeValue(false));
    }
    const order = ['version', 'encoding', 'standalone'];
    let last = -1;
    for (const key of attrs.keys()) {
      const at = order.indexOf(key);
      if (at < 0) this.fail(`"${key}" does not belong in the XML declaration`);
      if (at < last) this.fail('the XML declaration lists version, encoding and standalone out of order');
      last = at;
    }
    const version = attrs.get('version');
    if (version === undefined) this.fail('the XML declaration has no version');
    if (!/^1\.[0-9]+$/.test(version)) this.fail(`XML version "${version}" is not 1.x`);
    const encoding = attrs.get('encoding') ?? null;
    if (encoding !== null && !/^[A-Za-z][A-Za-z0-9._-]*$/.test(encoding)) this.fail(`"${encoding}" is not an encoding name`);
    const sa = attrs.get('standalone');
    if (sa !== undefined && sa !== 'yes' && sa !== 'no') this.fail('standalone must be "yes" or "no"');
    return { version, encoding, standalone: sa === undefined ? null : sa === 'yes' };
  }

  private element(): XmlElement {
    const stack: { el: XmlElement; parts: string[] }[] = [];
    let root: XmlElement | null = null;
    for (;;) {
      const top = stack[stack.length - 1];
      if (this.pos >= this.s.length) {
        this.fail(top ? `the document ends inside <${top.el.name}> (it looks truncated)` : 'the document ends before its root element');
      }
      if (!top && (this.s[this.pos] !== '<' || !isNameStart(this.s.codePointAt(this.pos + 1) ?? -1))) this.fail('expected the root element');
      if (this.s[this.pos] !== '<') {
        // Character data: only ever inside an element here.
        const end = this.s.indexOf('<', this.pos);
        const raw = this.s.slice(this.pos, end < 0 ? this.s.length : end);
        const cdataEnd = raw.indexOf(']]>');
        if (cdataEnd >= 0) {
          this.pos += cdataEnd;
          this.fail('"]]>" in text, which XML does not allow');
        }
        top!.parts.push(this.expand(raw, this.pos));
        this.pos += raw.length;
        continue;
      }
      if (this.s.startsWith('<!--', this.pos)) {
        this.comment();
      } else if (this.s.startsWith('<![CDATA[', this.pos)) {
        const end = this.s.indexOf(']]>', this.pos + 9);
        if (end < 0) this.fail('a CDATA section is not closed (the document looks truncated)');
        top!.parts.push(this.s.slice(this.pos + 9, end));
        this.pos = end + 3;
      } else if (this.s.startsWith('<!', this.pos)) {
        this.fail(this.s.startsWith('<!DOCTYPE', this.pos) ? 'a document type declaration (DTD) inside an element' : 'unexpected "<!"');
      } else if (this.s.startsWith('<?', this.pos)) {
        this.pi();
      } else if (this.s.startsWith('</', this.pos)) {
        const at = this.pos;
        this.pos += 2;
        const name = this.name('an element name after "</"');
        this.skipWs();
        if (this.s[this.pos] !== '>') this.fail(`expected ">" to close </${name}`);
        this.pos++;
        if (!top) {
          this.pos = at;
          this.fail(`</${name}> closes nothing`);
        }
        if (name !== top.el.name) {
          this.pos = at;
          this.fail(`</${name}> does not match <${top.el.name}> opened on line ${top.el.line}`);
        }
        top.el.text = top.parts.join('');
        stack.pop();
        if (stack.length === 0) return root!;
      } else {
        const { el, selfClosing } = this.startTag();
        if (top) top.el.children.push(el);
        else root = el;
        if (selfClosing) {
          if (!top) return el;
        } else {
          if (stack.length >= this.limits.maxDepth) this.fail(`elements nested more than ${this.limits.maxDepth} deep`);
          stack.push({ el, parts: [] });
        }
      }
    }
  }

  private startTag(): { el: XmlElement; selfClosing: boolean } {
    const line = this.lineOf(this.pos);
    this.pos++; // '<'
    const name = this.name('an element name after "<"');
    const attributes = new Map<string, string>();
    for (;;) {
      const hadWs = this.skipWs();
      const c = this.s[this.pos];
      if (c === '>') {
        this.pos++;
        return { el: { name, attributes, children: [], text: '', line }, selfClosing: false };
      }
      if (c === '/' && this.s[this.pos + 1] === '>') {
        this.pos += 2;
        return { el: { name, attributes, children: [], text: '', line }, selfClosing: true };
      }
      if (c === undefined) this.fail(`the document ends inside the start tag <${name}> (it looks truncated)`);
      if (!hadWs) this.fail(`expected white space, ">" or "/>" in <${name}>`);
      const attrAt = this.pos;
      const attr = this.name(`an attribute name or ">" in <${name}>`);
      if (attributes.has(attr)) {
        this.pos = attrAt;
        this.fail(`the attribute "${attr}" appears twice in <${name}>`);
      }
      attributes.set(attr, this.attributeValue(true));
    }
  }

  /** = "value" or = 'value', the value's references expanded when allowed. */
  private attributeValue(references: boolean): string {
    this.skipWs();
    if (this.s[this.pos] !== '=') this.fail('expected "=" after an attribute name');
    this.pos++;
    this.skipWs();
    const quote = this.s[this.pos];
    if (quote !== '"' && quote !== "'") this.fail('expected a quoted attribute value');
    const end = this.s.indexOf(quote, this.pos + 1);
    if (end < 0) this.fail('an attribute value is not closed (the document looks truncated)');
    const raw = this.s.slice(this.pos + 1, end);
    const lt = raw.indexOf('<');
    if (lt >= 0) {
      this.pos += 1 + lt;
      this.fail('"<" inside an attribute value');
    }
    // Literal white space becomes a space; white space written as a character reference stays.
    const spaced = raw.replace(/[\t\n]/g, ' ');
    const value = references ? this.expand(spaced, this.pos + 1) : spaced;
    if (!references && raw.includes('&')) this.fail('a reference in the XML declaration');
    this.pos = end + 1;
    return value;
  }

  /** Expands entity and character references in raw text that starts at `at` in the document. */
  private expand(raw: string, at: number): string {
    if (!raw.includes('&')) return raw;
    return raw.replace(/&([^;&\s<]*)(;?)/g, (whole, body: string, semi: string, offset: number) => {
      const here = () => {
        this.pos = at + offset;
      };
      if (semi !== ';') {
        here();
        this.fail(`"&" must start a reference such as &amp; ("${whole.slice(0, 12)}" is not one)`);
      }
      switch (body) {
        case 'amp':
          return '&';
        case 'lt':
          return '<';
        case 'gt':
          return '>';
        case 'quot':
          return '"';
        case 'apos':
          return "'";
      }
      const num = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(body);
      if (!num) {
        here();
        this.fail(body === '' ? 'an empty reference "&;"' : `the entity &${body}; is not defined (only &amp; &lt; &gt; &quot; &apos; and numeric references are)`);
      }
      const digits = num[1] ?? num[2]!;
      const cp = digits.length > 8 ? Infinity : parseInt(digits, num[1] !== undefined ? 16 : 10);
      const ok =
        cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
      if (!ok) {
        here();
        this.fail(`&${body}; refers to a character XML does not allow`);
      }
      return String.fromCodePoint(cp);
    });
  }

  private comment(): void {
    const end = this.s.indexOf('-->', this.pos + 4);
    if (end < 0) this.fail('a comment is not closed with --> (the document looks truncated)');
    const body = this.s.slice(this.pos + 4, end);
    const dashes = body.indexOf('--');
    if (dashes >= 0 || body.endsWith('-')) {
      this.pos += 4 + (dashes >= 0 ? dashes : body.length - 1);
      this.fail('"--" inside a comment');
    }
    this.pos = end + 3;
  }

  private pi(): void {
    const start = this.pos;
    this.pos += 2;
    const target = this.name('a processing instruction target after "<?"');
    if (target.toLowerCase() === 'xml') {
      this.pos = start;
      this.fail('an XML declaration that is not at the very start of the document');
    }
    const end = this.s.indexOf('?>', this.pos);
    if (end < 0) this.fail('a processing instruction is not closed with ?> (the document looks truncated)');
    if (end > this.pos && !WS.test(this.s[this.pos]!)) this.fail(`expected white space after <?${target}`);
    this.pos = end + 2;
  }

  private name(what: string): string {
    const start = this.pos;
    const first = this.s.codePointAt(start);
    if (first === undefined || !isNameStart(first))
      this.fail(first === undefined ? `the document ends where ${what} was expected (it looks truncated)` : `expected ${what}`);
    let end = start + (first > 0xffff ? 2 : 1);
    for (let cp = this.s.codePointAt(end); cp !== undefined && isNameChar(cp); cp = this.s.codePointAt(end)) end += cp > 0xffff ? 2 : 1;
    this.pos = end;
    return this.s.slice(start, end);
  }

  private skipWs(): boolean {
    const start = this.pos;
    while (this.pos < this.s.length && WS.test(this.s[this.pos]!)) this.pos++;
    return this.pos > start;
  }

  private lineOf(pos: number): number {
    if (pos < this.lineMark) {
      this.lineMark = 0;
      this.lineAtMark = 1;
    }
    for (let i = this.lineMark; i < pos; i++) if (this.s.charCodeAt(i) === 10) this.lineAtMark++;
    this.lineMark = pos;
    return this.lineAtMark;
  }

  private fail(detail: string): never {
    const pos = Math.min(this.pos, this.s.length);
    const lineStart = this.s.lastIndexOf('\n', pos - 1) + 1;
    const line = this.lineOf(pos);
    throw new XmlSyntaxError(detail, line, [...this.s.slice(lineStart, pos)].length + 1);
  }
}
