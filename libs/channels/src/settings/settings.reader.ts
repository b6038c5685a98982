/**
 * Reads one channel's settings (one `<bot>.<channel>` entry of the channels file) and collects every problem instead
 * of stopping at the first, so start-up can name them all at once. A platform's settings validator asks it for each
 * field it knows; `done()` refuses the fields nobody asked for (a typo must not be silently ignored).
 *
 * String values may name environment variables as `${NAME}` (all of it or part of it, e.g. `https://${HOST}/api`):
 * a variable that is unset or empty is a problem naming the variable.
 *
 * @example
 * const reader = new SettingsReader({ botToken: '${TELEGRAM_BOT_TOKEN}' }, 'juice.telegram', process.env);
 * const botToken = reader.secret('botToken', { pattern: /^\d+:[\w-]+$/, shape: '<digits>:<letters>' });
 * reader.done();
 * if (reader.problems.length > 0) throw new Error(reader.problems.join('\n'));
 */
export class SettingsReader {
  readonly problems: string[] = [];
  private readonly asked = new Set<string>();

  constructor(
    private readonly values: Readonly<Record<string, unknown>>,
    /** Where these settings are, for messages: `juice.telegram`. */
    readonly where: string,
    private readonly env: Readonly<Record<string, string | undefined>>,
  ) {}

  /** A required string, usually a secret: `${NAME}` from the environment is the way to give it. */
  secret(key: string, rule: { pattern?: RegExp; shape?: string; minLength?: number } = {}): string {
    const value = this.text(key);
    if (value === undefined) {
      if (!this.problemAt(key)) this.problem(key, `is required (e.g. ${key}: \${${envNameHint(this.where, key)}})`);
      return '';
    }
    if (rule.minLength !== undefined && value.length < rule.minLength) this.problem(key, `must be at least ${rule.minLength} characters`);
    else if (rule.pattern && !rule.pattern.test(value)) this.problem(key, `does not look right: expected ${rule.shape ?? String(rule.pattern)}`);
    return value;
  }

  /** An optional string with a default. */
  string(key: string, fallback: string, rule: { pattern?: RegExp; shape?: string } = {}): string {
    const value = this.text(key);
    if (value === undefined) return fallback;
    if (rule.pattern && !rule.pattern.test(value)) this.problem(key, `does not look right: expected ${rule.shape ?? String(rule.pattern)}`);
    return value;
  }

  /** An http(s) URL without a trailing slash (tests point platforms' API URLs at local imitation servers). */
  url(key: string, fallback: string): string {
    const value = this.text(key);
    if (value === undefined) return fallback;
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      this.problem(key, `must be an http(s) URL (got ${JSON.stringify(value)})`);
      return fallback;
    }
    return value.replace(/\/+$/, '');
  }

  /** One of a closed set of words. */
  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const value = this.text(key);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.problem(key, `must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
      return fallback;
    }
    return value as T;
  }

  /** An optional integer in a range. */
  integer(key: string, fallback: number, min: number, max: number): number {
    this.asked.add(key);
    const raw = this.values[key];
    if (raw === undefined || raw === null) return fallback;
    const value = typeof raw === 'string' ? Number(this.resolve(key, raw) ?? NaN) : raw;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      if (!this.problemAt(key)) this.problem(key, `must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`);
      return fallback;
    }
    return value;
  }

  /** Refuse every field no one asked for. Call last. */
  done(): void {
    const known = [...this.asked].filter((k) => k !== 'enabled');
    for (const key of Object.keys(this.values)) {
      if (key === 'enabled' || this.asked.has(key)) continue;
      this.problem(key, `is not a setting of this channel (known: ${known.join(', ')})`);
    }
  }

  problem(key: string, message: string): void {
    this.problems.push(`${this.where}.${key} ${message}`);
  }

  private problemAt(key: string): boolean {
    return this.problems.some((p) => p.startsWith(`${this.where}.${key} `));
  }

  /** The field as a string with `${NAME}` resolved; undefined when absent (or when a variable is missing: reported). */
  private text(key: string): string | undefined {
    this.asked.add(key);
    const raw = this.values[key];
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw === 'number' || typeof raw === 'boolean') return this.resolve(key, String(raw));
    if (typeof raw !== 'string') {
      this.problem(key, `must be a string (got ${Array.isArray(raw) ? 'a list' : typeof raw})`);
      return undefined;
    }
    const value = this.resolve(key, raw);
    return value === '' ? undefined : value;
  }

  private resolve(key: string, raw: string): string | undefined {
    const missing: string[] = [];
    const value = raw.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        this.problem(key, `names an environment variable that cannot exist: ${whole}`);
        return '';
      }
      const found = this.env[name];
      if (found === undefined || found === '') missing.push(name);
      return found ?? '';
    });
    if (missing.length > 0) {
      this.problem(key, `needs the environment variable ${missing.join(' and ')}, which is not set (set it, or disable the channel with enabled: false)`);
      return undefined;
    }
    return value;
  }
}

/** `juice.telegram` + `botToken` → `TELEGRAM_BOT_TOKEN`: the name the docs suggest. */
function envNameHint(where: string, key: string): string {
  const channel = where.split('.').pop() ?? '';
  return `${channel}_${key}`.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}
