import { describe, expect, it } from 'vitest';
import { isLocalFile, isLoopbackURL } from './files';

describe('isLoopbackURL', () => {
  it('knows dev servers on this machine', () => {
    for (const u of ['http://localhost:5173/src/main.ts', 'http://127.0.0.1:3000/_next/static/x.js', 'http://[::1]:8080/a.js', 'http://app.localhost/a.js']) expect(isLoopbackURL(u), u).toBe(true);
    for (const u of ['https://example.com/a.js', 'http://localhost.example.com/a.js', '/src/a.ts', undefined]) expect(isLoopbackURL(u), String(u)).toBe(false);
  });
});

describe('isLocalFile', () => {
  it('takes paths and file URLs', () => {
    for (const p of ['/app/src/main.go', 'src/app.py', 'app.py', 'file:///app/server.mjs', 'C:\\app\\main.cs', 'c:/app/main.cs']) expect(isLocalFile(p), p).toBe(true);
  });
  it('leaves out URLs, builtins and placeholders', () => {
    for (const p of ['http://localhost:5173/src/main.ts', 'https://cdn.example/x.js', 'node:internal/process/task_queues', 'app:///index.bundle', 'webpack-internal:///./src/x.ts', '<anonymous>', 'native', '', undefined])
      expect(isLocalFile(p), String(p)).toBe(false);
  });
});
