// Each request's logger, made when the request first logs. Fastify gives every request a child of
// the app's logger carrying its id; making a pino child costs more than the rest of a small
// request's logging, and at the levels a server runs under load (warn and above) most requests
// never log a line. So the child is made on the first line that is logged, with the same bindings
// and options: what is written is the same, line for line.

import type { FastifyBaseLogger } from "fastify";

type Bindings = Record<string, unknown>;
type ChildOptions = Parameters<FastifyBaseLogger["child"]>[1];
type Level = "fatal" | "error" | "warn" | "info" | "debug" | "trace";
type LogArguments = Parameters<FastifyBaseLogger["info"]>;

/** The part of pino's logger this needs beyond Fastify's: whether a level is logged at all. */
interface LevelAware extends FastifyBaseLogger {
  isLevelEnabled?(level: string): boolean;
}

/** A request's logger: `parent.child(bindings, options)`, made when first needed. */
class RequestLogger implements FastifyBaseLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: LevelAware,
    private readonly bindings: Bindings,
    private readonly options: ChildOptions,
  ) {}

  /** The child, made on first use. */
  private get logger(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings, this.options));
  }

  get level(): string {
    return this.made?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.logger.level = level;
  }

  fatal(...args: LogArguments): void {
    this.log("fatal", args);
  }

  error(...args: LogArguments): void {
    this.log("error", args);
  }

  warn(...args: LogArguments): void {
    this.log("warn", args);
  }

  info(...args: LogArguments): void {
    this.log("info", args);
  }

  debug(...args: LogArguments): void {
    this.log("debug", args);
  }

  trace(...args: LogArguments): void {
    this.log("trace", args);
  }

  silent(): void {}

  child(bindings: Bindings, options?: ChildOptions): FastifyBaseLogger {
    return this.logger.child(bindings, options);
  }

  /** Writes through the child, which is made only for a level the parent logs. */
  private log(level: Level, args: LogArguments): void {
    if (this.made === undefined && this.parent.isLevelEnabled?.(level) === false) return;
    (this.logger[level] as (...values: LogArguments) => void)(...args);
  }
}

/**
 * The app's child logger factory (`app.setChildLoggerFactory`), for an app with a logger: with
 * options of a route's own (a log level, serializers), the child is made at once, as Fastify makes it.
 */
export function requestLoggerFactory(logger: FastifyBaseLogger, bindings: Bindings, options: ChildOptions): FastifyBaseLogger {
  if (options !== undefined && (options.level !== undefined || options.serializers !== undefined)) return logger.child(bindings, options);
  return new RequestLogger(logger, bindings, options);
}
