import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SETTING_RANGES, type NumericSetting, type SafetyLevel, type WasGoSettings } from '../engine/settings';

/** Misuse of the command line: `wasgo: <message>`, the command's usage lines, exit 2. */
export class UsageError extends Error {
  /** The command whose usage to show (set by main when the command does not). */
  command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}

/** Splits `argv` at `--` (what follows goes to the mod) and parses the rest strictly. */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  const dash = argv.indexOf('--');
  const own = dash >= 0 ? argv.slice(0, dash) : argv;
  const passthrough = dash >= 0 ? argv.slice(dash + 1) : [];
  try {
    const { values, positionals } = parseArgs({ args: own, options, allowPositionals: true, strict: true });
    return { values, positionals, passthrough };
  } catch (e) {
    throw new UsageError(parseMessage(e as NodeJS.ErrnoException));
  }
}

/** node:util's parse errors, said plainly (its own text suggests `-- "--x"` with a mismatched quote). */
function parseMessage(e: NodeJS.ErrnoException): string {
  const option = /'(-[^' ]+)/.exec(e.message)?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': return `unknown option ${option ?? e.message}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': return option ? `${option} needs a value` : e.message;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': return e.message;
    default: return e.message;
  }
}

/** True when the user asked for help: --help or -h before any `--`. */
export function wantsHelp(argv: readonly string[]): boolean {
  const dash = argv.indexOf('--');
  return (dash >= 0 ? argv.slice(0, dash) : argv).some((a) => a === '--help' || a === '-h');
}

export function intOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer in [${min}, ${max}], got ${value}`);
  return n;
}

/** A flag for a numeric engine setting: parsed against the setting's one range (SETTING_RANGES). */
export function settingOption(value: string | undefined, flag: string, setting: NumericSetting): number | undefined {
  const [min, max] = SETTING_RANGES[setting];
  return intOption(value, flag, min, max);
}

/** The flags every `wasgo run` shares: what the mod may do and how much. */
export const SANDBOX_OPTIONS = {
  level: { type: 'string' },
  strict: { type: 'boolean' },
  'file-dir': { type: 'string' },
  'allow-writes': { type: 'boolean' },
  'allow-url': { type: 'string', multiple: true },
  seed: { type: 'string' },
  fuel: { type: 'string' },
  'memory-mb': { type: 'string' },
  'max-call-ms': { type: 'string' },
  verbose: { type: 'boolean' },
} as const;

export interface SandboxValues {
  level?: string | undefined;
  strict?: boolean | undefined;
  'file-dir'?: string | undefined;
  'allow-writes'?: boolean | undefined;
  'allow-url'?: string[] | undefined;
  seed?: string | undefined;
  fuel?: string | undefined;
  'memory-mb'?: string | undefined;
  'max-call-ms'?: string | undefined;
}

/** Engine settings from the sandbox flags (unset flags keep the engine defaults). */
export function sandboxSettings(values: SandboxValues): Partial<WasGoSettings> & { level: SafetyLevel } {
  return {
    level: (settingOption(values.level, 'level', 'level') ?? 1) as SafetyLevel,
    strictImports: values.strict ?? false,
    ...(values['file-dir'] ? { fileDir: values['file-dir'] } : {}),
    confirmWrite: () => values['allow-writes'] === true,
    networkAllowlist: values['allow-url'] ?? [],
    randomSeed: settingOption(values.seed, 'seed', 'randomSeed'),
    fuelPerCall: settingOption(values.fuel, 'fuel', 'fuelPerCall'),
    memoryMb: settingOption(values['memory-mb'], 'memory-mb', 'memoryMb'),
    maxCallMs: settingOption(values['max-call-ms'], 'max-call-ms', 'maxCallMs'),
  };
}
