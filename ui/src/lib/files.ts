// Which frame files are local paths (the sidecar may open them in the
// editor) rather than URLs, builtins or placeholders.

/** A URL of a dev server on this machine (the sidecar maps such frames through their source maps). */
export function isLoopbackURL(path: string | undefined): boolean {
  return /^https?:\/\/(localhost|[^/]*\.localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?\//i.test(path ?? '');
}

/** A local path or file:// URL; not a web URL, node: builtin, app:// bundle path or <anonymous>. */
export function isLocalFile(path: string | undefined): path is string {
  if (!path || /^<.*>$/.test(path) || path === 'native' || path === '[native code]') return false;
  if (/^file:/i.test(path)) return true;
  return !/^[a-z][a-z0-9+.-]*:/i.test(path) || /^[a-z]:[\\/]/i.test(path); // a scheme, but a Windows drive is a path
}
