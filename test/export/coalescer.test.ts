import { describe, expect, it } from 'vitest';
import { Coalescer } from '../../src/export/coalescer.ts';

describe('Coalescer', () => {
  it('hands out chunks of at least the target size and keeps every byte in order', () => {
    const coalescer = new Coalescer(10);
    const out: Buffer[] = [];
    for (const word of ['abc', 'defg', 'hij', 'klmnopqrstu', 'v']) {
      const chunk = coalescer.push(Buffer.from(word));
      if (chunk) out.push(chunk);
    }
    out.push(coalescer.take());
    expect(out.slice(0, -1).every((c) => c.length >= 10)).toBe(true);
    expect(Buffer.concat(out).toString()).toBe('abcdefghijklmnopqrstuv');
    expect(coalescer.pending).toBe(0);
  });
});
