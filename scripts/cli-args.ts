/** The benchmark scripts' one `--name value` reader (they take a few flags; no parser dependency). */
export function flagValue(name: string, fallback: string, argv: readonly string[] = process.argv.slice(2)): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
}

/** Whether a bare `--name` switch was given. */
export function hasFlag(name: string, argv: readonly string[] = process.argv.slice(2)): boolean {
  return argv.includes(`--${name}`);
}
