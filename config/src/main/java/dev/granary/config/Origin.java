package dev.granary.config;

/**
 * Where a value came from, and how an error message names it: {@code --chunk-size} for a flag,
 * {@code config FILE: master.chunkSize} for a file, {@code GRANARY_MASTER} for the environment.
 *
 * @param rank precedence, higher wins: default 0, file 1, environment 2, flag 3
 * @param prefix text before the message, naming the file if there is one
 * @param name the name the user wrote
 * @param source where the value came from, for the effective-config line: {@code default},
 *     {@code file FILE}, {@code env VARIABLE} or {@code flag --FLAG}
 */
record Origin(int rank, String prefix, String name, String source) {
  static Origin defaults(Key<?> key) {
    return new Origin(0, "", key.qualifiedName() + " (default)", "default");
  }

  static Origin file(String file, Key<?> key) {
    return new Origin(1, "config " + file + ": ", key.qualifiedName(), "file " + file);
  }

  static Origin environment(String variable) {
    return new Origin(2, "", variable, "env " + variable);
  }

  static Origin flag(Key<?> key) {
    return new Origin(3, "", key.flag(), "flag " + key.flag());
  }

  /** {@code <prefix>invalid <name> "<raw>": <reason>}. */
  String invalid(String raw, String reason) {
    return prefix + "invalid " + name + " " + Messages.quote(raw) + ": " + reason;
  }

  /** {@code <prefix><name> has no value; expected <expected>}. */
  String noValue(String expected) {
    return prefix + name + " has no value; expected " + expected;
  }

  /** {@code <prefix>invalid <name>: expected <expected>, not <shape>}. */
  String notScalar(String expected, String shape) {
    return prefix + "invalid " + name + ": expected " + expected + ", not " + shape;
  }
}
