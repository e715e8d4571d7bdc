// Pieces of TypeScript source built from recorded (untrusted) text: string and template literals, keys, accessors, comments.

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A string literal that evaluates to `text`, whatever it holds (quotes, backslashes, line breaks, lone surrogates). */
export function stringLiteral(text: string): string {
  // JSON.stringify escapes what a JS string cannot hold raw; U+2028/U+2029 are legal there since ES2019, escaped for readers.
  return JSON.stringify(text).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

/**
 * The inside of a template literal (no backticks) that evaluates to `text`. A raw CR would be read back as LF and
 * a backtick or `${` would end the text, so those are escaped as well as what a string literal escapes.
 */
export function templateText(text: string): string {
  return stringLiteral(text).slice(1, -1).replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
}

/** An object literal's key: bare when it is an identifier; `__proto__` computed, as any other spelling sets the prototype. */
export function objectKey(key: string): string {
  if (key === '__proto__') return `[${stringLiteral(key)}]`;
  return IDENTIFIER.test(key) ? key : stringLiteral(key);
}

/** `.key` or `["key"]`, to read a property. */
export function propertyAccess(key: string): string {
  return IDENTIFIER.test(key) ? `.${key}` : `[${stringLiteral(key)}]`;
}

/** A line comment's text: nothing in it can end the comment early (a line break of any kind) or hide as a control character. */
export function commentText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
