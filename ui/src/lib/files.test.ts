import { describe, expect, it } from 'vitest';
import { isLocalFile } from './files';

describe('isLocalFile', () => {
  it('takes paths and file URLs', () => {
    for (const p of ['/app/src/main.go', 'src/app.py', 'app.py', 'file:///app/server.mjs', 'C:\\app\\main.cs', 'c:/app/main.cs']) expect(isLocalFile(p), p).toBe(true);
  });
  it('leaves out URLs, builtins and placeholders', () => {
    for (const p of ['http://localhost:5173/src/main.ts', 'https://cdn.example/x.js', 'node:internal/process/task_queues', 'app:///index.bundle', 'webpack-internal:///./src/x.ts', '<anonymous>', 'native', '', undefined])
      expect(isLocalFile(p), String(p)).toBe(false);
  });
});
