// The source pieces gb har builds from recorded text evaluate back to that text, whatever it holds.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInThisContext } from 'node:vm';
import fc from 'fast-check';

import { commentText, objectKey, propertyAccess, stringLiteral, templateText } from '../../src/har/ts-literals.js';

// Full Unicode, lone surrogates, and the characters that end strings, templates and comments, often.
const nasty = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('`', '$', '{', '}', '\\', '"', "'", '\r', '\n', '\u2028', '\u2029', '\0', '*', '/', 'a', '\ud800') }),
);
const evaluate = (code: string): unknown => runInThisContext(code);

test('a string literal evaluates to its text', () => {
  fc.assert(fc.property(nasty, (s) => assert.equal(evaluate(stringLiteral(s)), s)));
  assert.equal(stringLiteral('a"b'), '"a\\"b"');
});

test("a template literal's text evaluates to its text: backticks, ${ and raw CR escaped", () => {
  fc.assert(fc.property(nasty, (s) => assert.equal(evaluate(`\`${templateText(s)}\``), s)));
  assert.equal(templateText('${x}`'), '\\${x}\\`');
  assert.equal(templateText('$x {y}'), '$x {y}');
});

test('an object key names exactly that own property, __proto__ included', () => {
  fc.assert(
    fc.property(fc.oneof(nasty, fc.constantFrom('__proto__', 'constructor', 'a-b', '0', 'class', '$ok_1')), (key) => {
      const object = evaluate(`({ ${objectKey(key)}: 1 })`) as Record<string, unknown>;
      assert.deepEqual(Object.keys(object), [key]);
      assert.equal(evaluate(`({ ${objectKey(key)}: 1 })${propertyAccess(key)}`), 1);
    }),
  );
  assert.equal(objectKey('accept'), 'accept');
  assert.equal(objectKey('content-type'), '"content-type"');
  assert.equal(propertyAccess('token'), '.token');
  assert.equal(propertyAccess('x-csrf-token'), '["x-csrf-token"]');
});

test('a comment cannot be ended early: no line terminator of any kind is left in it', () => {
  fc.assert(
    fc.property(nasty, (s) => {
      const line = `// ${commentText(s)}`;
      assert.doesNotMatch(line, /[\n\r\u2028\u2029]/);
      assert.equal(evaluate(`${line}\n42`), 42);
    }),
  );
});
