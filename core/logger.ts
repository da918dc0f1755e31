/** Minimal leveled logger that scrubs credentials from anything it prints. */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Placeholders in help texts and values already masked are not secrets: <key>, ***, $VAR, ${VAR}. */
const PLACEHOLDER = /^(<[^>]*>?|\*+|\$\{?[A-Z_][A-Z0-9_]*\}?)$/;

/**
 * Removes passwords from URLs and secret assignments in free text. An assignment (`password=x`,
 * `"password":"x"`) is always masked; after a colon or a space the value is masked unless it is a
 * plain word, so a field name in a validation message ("password: Invalid input") stays readable.
 */
export function redact(text: string): string {
  return (
    text
      // Greedy up to the last @ before the host, so a password containing @ is masked whole.
      .replace(/\b(rediss?|https?):\/\/([^:/@\s]*):(\S+)@(?=[^@\s]*(\s|$))/gi, '$1://$2:***@')
      .replace(/\b(requirepass|masterauth|password|api[_-]?key|authorization)(["'\s:=]+)(bearer\s+)?([^\s"',}]+)/gi, (match, name, sep, bearer, value) => {
        if (PLACEHOLDER.test(value)) return match;
        const assignment = /[="']/.test(sep) || Boolean(bearer);
        if (!assignment && /^[A-Za-z]+$/.test(value)) return match;
        return `${name}${sep}${bearer ?? ''}***`;
      })
  );
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(component: string, level: LogLevel = (process.env.SRE_LOG_LEVEL as LogLevel) ?? 'info'): Logger {
  const threshold = ORDER[level] ?? ORDER.info;
  const emit = (lvl: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < threshold) return;
    const extra = fields && Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : '';
    process.stderr.write(redact(`${new Date().toISOString()} ${lvl.toUpperCase().padEnd(5)} [${component}] ${message}${extra}`) + '\n');
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}
