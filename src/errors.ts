/**
 * Every error text Spindle sends, copied byte for byte from Redis 7.0 (server.c, networking.c,
 * object.c, t_string.c, db.c, ...). Reply texts are without the leading '-' and trailing CRLF.
 * Texts that take arguments are functions.
 */

export const E = {
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  syntax: 'ERR syntax error',
  notInteger: 'ERR value is not an integer or out of range',
  notFloat: 'ERR value is not a valid float',
  overflow: 'ERR increment or decrement would overflow',
  decrOverflow: 'ERR decrement would overflow',
  incrFloatNaN: 'ERR increment would produce NaN or Infinity',
  noSuchKey: 'ERR no such key',
  outOfRange: 'ERR index out of range',
  dbIndexOutOfRange: 'ERR DB index is out of range',
  invalidDbIndex: 'ERR invalid DB index',
  sameObject: 'ERR source and destination objects are the same',
  invalidExpire: (cmd: string) => `ERR invalid expire time in '${cmd}' command`,
  bitOffset: 'ERR bit offset is not an integer or out of range',
  bitValue: 'ERR bit is not an integer or out of range',
  stringTooLong: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
  noAuth: 'NOAUTH Authentication required.',
  wrongPass: 'WRONGPASS invalid username-password pair or user is disabled.',
  authNotSet: 'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
  noProto: 'NOPROTO unsupported protocol version',
  unknownCommand: (name: string, argsPreview: string) =>
    `ERR unknown command '${name}', with args beginning with: ${argsPreview}`,
  unknownSubcommand: (sub: string, cmd: string) =>
    `ERR unknown subcommand '${sub}'. Try ${cmd} HELP.`,
  wrongArity: (name: string) => `ERR wrong number of arguments for '${name}' command`,
  protocol: (detail: string) => `ERR Protocol error: ${detail}`,
  nxAndXx: 'ERR XX and NX options at the same time are not compatible',
  gtLtNx: 'ERR GT, LT, and/or NX options at the same time are not compatible',
  timeout: 'ERR timeout is not an integer or out of range',
  clientNoSuchClient: 'ERR No such client',
  clientNameSpaces: 'ERR Client names cannot contain spaces, newlines or special characters.',
  unsupportedConfig: (name: string) => `ERR Unknown option or number of arguments for CONFIG SET - '${name}'`,
  configGetArgs: "ERR wrong number of arguments for 'config|get' command",
  invalidCursor: 'ERR invalid cursor',
  crossSlot: "CROSSSLOT Keys in request don't hash to the same slot",
  bitposBit: 'ERR The bit argument must be 1 or 0.',
  bitopNot: 'ERR BITOP NOT must be called with a single source key.',
  bitfieldType: 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
  bitfieldOverflow: 'ERR Invalid OVERFLOW type specified',
  bitfieldRo: 'ERR BITFIELD_RO only supports the GET subcommand',
  offsetOutOfRange: 'ERR offset is out of range',
  lcsNotString: 'ERR The specified keys must contain string values',
  lcsIdxAndLen: 'ERR If you want both the length and indexes, please just use IDX.',
  lcsTooLong: 'ERR String too long for LCS',
  lcsOverLimit: 'ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len',
  lcsNoMemory: 'ERR Insufficient memory, failed allocating transient memory for LCS',
  getkeysInvalidCommand: 'ERR Invalid command specified',
  getkeysNoKeys: 'ERR The command has no key arguments',
  getkeysInvalidArgCount: 'ERR Invalid number of arguments specified for command',
  getkeysInvalidArgs: 'ERR Invalid arguments specified for command',
  pubsubContext: (cmd: string) =>
    `ERR Can't execute '${cmd}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
  subcommandSyntax: (sub: string, cmd: string) =>
    `ERR unknown subcommand or wrong number of arguments for '${sub}'. Try ${cmd} HELP.`,
  subscribeDenyBlocking: (cmd: string) => `ERR ${cmd} isn't allowed for a DENY BLOCKING client`,
} as const;

/** Error code of a reply text: the first word ("ERR", "WRONGTYPE", "NOAUTH", ...). */
export function errorCode(text: string): string {
  const sp = text.indexOf(' ');
  return sp < 0 ? text : text.slice(0, sp);
}

/**
 * Typed errors for the embedded API. Every class has a stable `code`, taken from the
 * first word of Redis's error text, so callers can switch on `err.code`.
 */
export class SpindleError extends Error {
  readonly code: string;
  constructor(message: string, code = errorCode(message)) {
    super(message);
    this.name = 'SpindleError';
    this.code = code;
  }
}

/** An error reply from a command (what a network client would see as `-ERR ...`). */
export class ReplyError extends SpindleError {
  constructor(message: string) {
    super(message);
    this.name = 'ReplyError';
  }
}

export class WrongTypeError extends ReplyError {
  constructor(message: string = E.wrongType) {
    super(message);
    this.name = 'WrongTypeError';
  }
}

export class AuthError extends ReplyError {
  constructor(message: string) {
    super(message);
    this.name = 'AuthError';
  }
}

/** The store was closed, or a handle was used after close(). */
export class ClosedError extends SpindleError {
  constructor() {
    super('Spindle store is closed', 'CLOSED');
    this.name = 'ClosedError';
  }
}

/** Build the right typed error for a reply error text. */
export function replyErrorFor(text: string): ReplyError {
  const code = errorCode(text);
  if (code === 'WRONGTYPE') return new WrongTypeError(text);
  if (code === 'NOAUTH' || code === 'WRONGPASS') return new AuthError(text);
  return new ReplyError(text);
}

/** Texts of the set family, Redis 7.0 t_set.c (and object.c's range checks it uses). */
export const ESet = {
  mustBePositive: 'ERR value is out of range, must be positive',
  countRange: 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
  numkeysPositive: 'ERR numkeys should be greater than 0',
  numkeysTooMany: "ERR Number of keys can't be greater than number of args",
  limitNegative: "ERR LIMIT can't be negative",
} as const;

/** Texts of the generic (keyspace) family, Redis 7.0 db.c / expire.c / object.c. */
export const EG = {
  unsupportedOption: (opt: string) => `ERR Unsupported option ${opt}`,
  nxAndOthers: 'ERR NX and XX, GT or LT options at the same time are not compatible',
  gtAndLt: 'ERR GT and LT options at the same time are not compatible',
  invalidFirstDb: 'ERR invalid first DB index',
  invalidSecondDb: 'ERR invalid second DB index',
  lfuNotSelected: 'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
} as const;

/** Texts of the hash family, Redis 7.0 t_hash.c (and object.c's range check HRANDFIELD uses). */
export const EH = {
  hashNotInteger: 'ERR hash value is not an integer',
  hashNotFloat: 'ERR hash value is not a float',
  incrNaNOrInf: 'ERR value is NaN or Infinity',
  valueOutOfRange: 'ERR value is out of range',
  /** getRangeLongFromObjectOrReply's text (sic: "must between"). */
  rangeLong: (min: string, max: string) => `ERR value is out of range, value must between ${min} and ${max}`,
} as const;

/** Texts of the list family, Redis 7.0 t_list.c (and object.c's range checks it uses). */
export const EL = {
  mustBePositive: 'ERR value is out of range, must be positive',
  rankZero: "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
  countNegative: "ERR COUNT can't be negative",
  maxlenNegative: "ERR MAXLEN can't be negative",
  numkeysPositive: 'ERR numkeys should be greater than 0',
  countPositive: 'ERR count should be greater than 0',
} as const;

/** Texts of the blocking pops, Redis 7.0 timeout.c (getTimeoutFromObjectOrReply). */
export const EB = {
  timeoutNotFloat: 'ERR timeout is not a float or out of range',
  timeoutNegative: 'ERR timeout is negative',
} as const;

/** Texts of the sorted-set family, Redis 7.0 t_zset.c (7.2 for ZRANK WITHSCORE). */
export const EZ = {
  nanScore: 'ERR resulting score is not a number (NaN)',
  incrSinglePair: 'ERR INCR option supports a single increment-element pair',
  minMaxNotFloat: 'ERR min or max is not a float',
  minMaxNotLex: 'ERR min or max not valid string range item',
  limitNeedsByscore: 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
  withscoresBylex: 'ERR syntax error, WITHSCORES not supported in combination with BYLEX',
  weightNotFloat: 'ERR weight value is not a float',
  atLeastOneKey: (cmd: string) => `ERR at least 1 input key is needed for '${cmd}' command`,
  limitNegative: "ERR LIMIT can't be negative",
} as const;

/** Texts of SORT / SORT_RO, Redis 7.0 sort.c. */
export const ES = {
  scoresNotDouble: "ERR One or more scores can't be converted into double",
} as const;

/** Texts of MULTI/EXEC/WATCH, Redis 7.0 multi.c and server.c (processCommand, rejectCommand). */
export const ET = {
  nested: 'ERR MULTI calls can not be nested',
  execWithoutMulti: 'ERR EXEC without MULTI',
  discardWithoutMulti: 'ERR DISCARD without MULTI',
  watchInMulti: 'ERR WATCH inside MULTI is not allowed',
  notInMulti: 'ERR Command not allowed inside a transaction',
  execAbort: 'EXECABORT Transaction discarded because of previous errors.',
  execAbortBecause: (err: string) => `EXECABORT Transaction discarded because of: ${err}`,
} as const;

/** Scripting (EVAL, EVALSHA, SCRIPT, and the redis.* API inside scripts). */
export const ELua = {
  compile: (msg: string) => `ERR Error compiling script (new function): ${msg}`,
  noScript: 'NOSCRIPT No matching script. Please use EVAL.',
  negativeKeys: "ERR Number of keys can't be negative",
  tooManyKeys: "ERR Number of keys can't be greater than number of args",
  noArgs: 'ERR Please specify at least one argument for this redis lib call',
  badArgType: 'ERR Lua redis lib command arguments must be strings or integers',
  unknownCommand: 'ERR Unknown Redis command called from script',
  wrongArgs: 'ERR Wrong number of args calling Redis command from script',
  notAllowed: 'ERR This Redis command is not allowed from script',
  writeInRO: 'ERR Write commands are not allowed from read-only scripts.',
  wrongNumberOrType: 'ERR wrong number or type of arguments',
  sha1hexArgs: 'ERR wrong number of arguments',
  logArgs: 'ERR redis.log() requires two arguments or more.',
  logFirstArg: 'ERR First argument must be a number (log level).',
  logLevel: 'ERR Invalid debug level.',
  setrespArgs: 'ERR redis.setresp() requires one argument.',
  setrespVersion: 'ERR RESP version must be 2 or 3.',
  setReplArgs: 'ERR redis.set_repl() requires two arguments.',
  setReplFlags: 'ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.',
  aclCheckCmd: 'ERR Invalid command passed to redis.acl_check_cmd()',
  killed: 'ERR Script killed by user with SCRIPT KILL...',
  notBusy: 'NOTBUSY No scripts in execution right now.',
  unkillable: 'UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.',
  busy: 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
  flushOption: 'ERR SCRIPT FLUSH only support SYNC|ASYNC option',
  vmLoading: 'LOADING Spindle is loading the Lua VM in memory',
} as const;

/** Functions (FUNCTION *, FCALL, redis.register_function), Redis 7.0 functions.c / function_lua.c. */
export const EFn = {
  notFound: 'ERR Function not found',
  badNumKeys: 'ERR Bad number of keys provided',
  writeWithRo: 'ERR Can not execute a script with write flag using *_ro command.',
  missingMeta: 'ERR Missing library metadata',
  invalidMeta: 'ERR Invalid library metadata',
  metaNameTwice: 'ERR Invalid metadata value, name argument was given multiple times',
  metaValue: (part: string) => `ERR Invalid metadata value given: ${part}`,
  noLibName: 'ERR Library name was not given',
  engineNotFound: (engine: string) => `ERR Engine '${engine}' not found`,
  /** Redis 7.0 uses this text for bad function names too. */
  badName: 'ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long',
  libExists: (name: string) => `ERR Library '${name}' already exists`,
  /** FUNCTION RESTORE APPEND's collision text (no quotes). */
  libExistsJoin: (name: string) => `ERR Library ${name} already exists`,
  fnExists: (name: string) => `ERR Function ${name} already exists`,
  noFunctions: 'ERR No functions registered',
  compile: (msg: string) => `ERR Error compiling function: ${msg}`,
  register: (msg: string) => `ERR Error registering functions: ${msg}`,
  loadTimeout: 'ERR FUNCTION LOAD timeout',
  unknownOption: (opt: string) => `ERR Unknown option given: ${opt}`,
  libNotFound: 'ERR Library not found',
  flushOption: 'ERR FUNCTION FLUSH only supports SYNC|ASYNC option',
  listNoName: 'ERR library name argument was not given',
  listUnknown: (arg: string) => `ERR Unknown argument ${arg}`,
  restorePolicy: 'ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.',
  restorePayload: 'ERR DUMP payload version or checksum are wrong',
  restoreType: 'ERR given type is not a function',
  restoreFailed: (what: string) => `ERR Failed loading ${what}`,
  busyFunction: 'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.',
  regArgs: 'ERR wrong number of arguments to redis.register_function',
  regSingle: 'ERR calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).',
  regKey: 'ERR named argument key given to redis.register_function is not a string',
  regName: 'ERR function_name argument given to redis.register_function must be a string',
  regDesc: 'ERR description argument given to redis.register_function must be a string',
  regCallback: 'ERR callback argument given to redis.register_function must be a function',
  regFlags: 'ERR flags argument to redis.register_function must be a table representing function flags',
  regUnknownFlag: 'ERR unknown flag given',
  regUnknownArg: 'ERR unknown argument given to redis.register_function',
  regNoName: 'ERR redis.register_function must get a function name argument',
  regNoCallback: 'ERR redis.register_function must get a callback argument',
  regFirst: 'ERR first argument to redis.register_function must be a string',
  regSecond: 'ERR second argument to redis.register_function must be a function',
  regDup: 'ERR Function already exists in the library',
  /** Spindle's own limit: all library code together must fit the 1 GiB registry buffer. */
  registryFull: 'ERR function libraries would exceed the 1 GiB function registry',
} as const;
