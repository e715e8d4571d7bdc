// The fixed structures that replaced per-stream Map entries and per-flush arrays in the HTTP/2
// connection, checked against a Map and an array doing the same operations (random, seeded).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlotQueue } from '../../src/transport/slot-queue.js';
import { StreamSlots } from '../../src/transport/stream-slots.js';

/** A small deterministic generator, so a failure repeats. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

describe('StreamSlots', () => {
  it('finds every open stream, also one left open while thousands of later ids come and go', () => {
    const capacity = 10;
    const table = new StreamSlots(capacity);
    const model = new Map<number, number>();
    const rnd = random(7);
    let nextId = 1;
    const stuck = nextId; // stream 1 never ends: later ids land on its cell again and again
    table.set(stuck, 0);
    model.set(stuck, 0);
    nextId += 2;
    for (let step = 0; step < 50_000; step++) {
      if (model.size < capacity && rnd() < 0.55) {
        const slot = [...Array(capacity).keys()].find((s) => ![...model.values()].includes(s))!;
        table.set(nextId, slot);
        model.set(nextId, slot);
        nextId += 2;
      } else if (model.size > 1) {
        const open = [...model.keys()].filter((id) => id !== stuck);
        const id = open[Math.floor(rnd() * open.length)]!;
        table.delete(id);
        model.delete(id);
      }
      for (const [id, slot] of model) assert.equal(table.get(id), slot, `stream ${id} at step ${step}`);
      assert.equal(table.get(nextId), -1);
      assert.equal(table.get(nextId - 2 * capacity * 3), model.get(nextId - 2 * capacity * 3) ?? -1);
    }
    assert.equal(table.get(stuck), 0);
  });
});

describe('SlotQueue', () => {
  it('keeps the order an array would, through push, unshift, pop, dropFront and remove', () => {
    const capacity = 8;
    const queue = new SlotQueue(capacity);
    const model: number[] = [];
    const rnd = random(11);
    for (let step = 0; step < 20_000; step++) {
      const free = [...Array(capacity).keys()].filter((s) => !model.includes(s));
      const r = rnd();
      if (r < 0.3 && free.length > 0) {
        queue.push(free[0]!);
        model.push(free[0]!);
      } else if (r < 0.45 && free.length > 0) {
        queue.unshift(free.at(-1)!);
        model.unshift(free.at(-1)!);
      } else if (r < 0.6) {
        assert.equal(queue.pop(), model.pop());
      } else if (r < 0.8) {
        const n = Math.floor(rnd() * 3);
        queue.dropFront(n);
        model.splice(0, n);
      } else {
        const slot = Math.floor(rnd() * capacity);
        const at = model.indexOf(slot);
        assert.equal(queue.remove(slot), at >= 0);
        if (at >= 0) model.splice(at, 1);
      }
      assert.equal(queue.length, model.length);
      for (let j = 0; j < model.length; j++) assert.equal(queue.at(j), model[j], `step ${step}`);
    }
  });
});
