package dev.granary.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One configuration key of one role: its name, default, syntax and rule, and what people are told
 * about it: a one-sentence description, the placeholder for its value ({@code SIZE}), its
 * command-line flag (the name in kebab case) and the environment variable that may set it. The
 * loader uses it to parse raw strings from files, flags and the environment; the config records
 * use it to validate their components; the CLI's flags, their {@code --help}, the effective-config
 * log line and the README's table are rendered from it. So each default, rule and description is
 * written once, here.
 *
 * <p>A factory method gives the syntax, rule and a placeholder; {@link #describe}, {@link #label}
 * and {@link #env} return copies with the rest.
 *
 * @param <T> the type of the parsed value, the boxed type of the record component
 */
final class Key<T> {
  private static final Pattern INTEGER = Pattern.compile("([+-]?)0*([0-9]{1,19})");
  /** How an unset optional value or secret is shown. */
  static final String NONE = "none";

  // Descriptions of keys that mean the same for the master and the chunkserver.
  static final String BIND_ADDRESS =
      "Address to bind, a host name or IP address of this machine; 0.0.0.0 is every interface";
  static final String SERVER_PORT =
      "Port to serve on; 0 lets the operating system pick a free port";
  static final String MAX_CONNECTIONS =
      "Connections held open at once, 1 to 1000000; one more is closed at once";

  private final String section;
  private final String name;
  private final Class<T> type;
  private final T defaultValue;
  private final String expected;
  private final Function<String, T> parser;
  private final Predicate<T> accepts;
  private final Function<T, String> formatter;
  private final boolean secret;
  private final String label;
  private final String description;
  private final String environment;

  /**
   * @param expected what a valid value is, completing the phrase "expected ..."
   * @param parser turns a non-empty raw string into a value; throws {@link ValueException}
   * @param accepts whether a parsed value satisfies the key's rule
   * @param label the placeholder for a value in usage text, e.g. {@code SIZE}
   */
  private Key(
      String section,
      String name,
      Class<T> type,
      T defaultValue,
      String expected,
      Function<String, T> parser,
      Predicate<T> accepts,
      Function<T, String> formatter,
      String label) {
    this(section, name, type, defaultValue, expected, parser, accepts, formatter, false, label,
        null, null);
  }

  private Key(
      String section,
      String name,
      Class<T> type,
      T defaultValue,
      String expected,
      Function<String, T> parser,
      Predicate<T> accepts,
      Function<T, String> formatter,
      boolean secret,
      String label,
      String description,
      String environment) {
    this.section = section;
    this.name = name;
    this.type = type;
    this.defaultValue = defaultValue;
    this.expected = expected;
    this.parser = parser;
    this.accepts = accepts;
    this.formatter = formatter;
    this.secret = secret;
    this.label = label;
    this.description = description;
    this.environment = environment;
  }

  /**
   * This key with its description: one sentence for people, without the default (which is shown
   * beside it) and without a final full stop, e.g. {@code Bytes per chunk}.
   */
  Key<T> describe(String text) {
    return new Key<>(section, name, type, defaultValue, expected, parser, accepts, formatter,
        secret, label, text, environment);
  }

  /** This key with another placeholder for its value in usage text, e.g. {@code DIR}. */
  Key<T> label(String text) {
    return new Key<>(section, name, type, defaultValue, expected, parser, accepts, formatter,
        secret, text, description, environment);
  }

  /** This key with an environment variable that sets it, below a flag and above the file. */
  Key<T> env(String variable) {
    return new Key<>(section, name, type, defaultValue, expected, parser, accepts, formatter,
        secret, label, description, variable);
  }

  /** An int between min and max inclusive. */
  static Key<Integer> integer(String section, String name, int defaultValue, int min, int max) {
    String expected = "an integer between " + min + " and " + max;
    return new Key<>(
        section,
        name,
        Integer.class,
        defaultValue,
        expected,
        text -> (int) parseInteger(text, min, max, expected),
        value -> value >= min && value <= max,
        String::valueOf,
        "N");
  }

  /** A long of at least min. */
  static Key<Long> atLeast(String section, String name, long defaultValue, long min) {
    String expected = "an integer of at least " + min;
    return new Key<>(
        section,
        name,
        Long.class,
        defaultValue,
        expected,
        text -> parseInteger(text, min, Long.MAX_VALUE, expected),
        value -> value >= min,
        String::valueOf,
        "N");
  }

  /** A byte size (see {@link Sizes}) satisfying the rule. */
  static Key<Long> size(
      String section, String name, long defaultValue, Predicate<Long> rule, String expected) {
    return new Key<>(
        section, name, Long.class, defaultValue, expected, Sizes::parse, rule, Sizes::format,
        "SIZE");
  }

  /** A duration (see {@link Durations}) of at least min. */
  static Key<Duration> duration(String section, String name, Duration defaultValue, Duration min) {
    return duration(
        section,
        name,
        defaultValue,
        value -> value.compareTo(min) >= 0,
        "a duration of at least " + Durations.format(min));
  }

  /** A duration (see {@link Durations}) satisfying the rule. */
  static Key<Duration> duration(
      String section,
      String name,
      Duration defaultValue,
      Predicate<Duration> rule,
      String expected) {
    return new Key<>(
        section,
        name,
        Duration.class,
        defaultValue,
        expected,
        Durations::parse,
        rule,
        Durations::format,
        "DUR");
  }

  /** A server port; 0 asks the operating system for a free one. */
  static Key<Integer> port(String section, String name, int defaultValue) {
    return integer(section, name, defaultValue, 0, 65535);
  }

  /** A host name or IP address to bind to. */
  static Key<String> host(String section, String name, String defaultValue) {
    String expected = "a host name or IP address to bind to, e.g. 0.0.0.0";
    return new Key<>(
        section,
        name,
        String.class,
        defaultValue,
        expected,
        text -> {
          String problem = HostPort.hostProblem(text);
          if (problem != null) {
            throw new ValueException(problem);
          }
          return text;
        },
        value -> HostPort.hostProblem(value) == null,
        Function.identity(),
        "ADDR");
  }

  /** A {@code host:port} address (see {@link HostPort#parse}). */
  static Key<HostPort> address(String section, String name, HostPort defaultValue) {
    return new Key<>(
        section,
        name,
        HostPort.class,
        defaultValue,
        "host:port, e.g. 127.0.0.1:7070",
        HostPort::parse,
        value -> true,
        HostPort::toString,
        "HOST:PORT");
  }

  /** A non-empty file system path, kept as written (a relative path is relative to the cwd). */
  static Key<Path> path(String section, String name, Path defaultValue) {
    String expected = "a non-empty path";
    return new Key<>(
        section,
        name,
        Path.class,
        defaultValue,
        expected,
        text -> {
          try {
            return Path.of(text);
          } catch (InvalidPathException e) {
            throw new ValueException("expected a valid path: " + e.getReason());
          }
        },
        value -> !value.toString().isEmpty(),
        Path::toString,
        "PATH");
  }

  /**
   * A secret (a token) whose shape {@code valid} checks; empty means none. A bad value's message
   * never repeats it: {@link #format} masks it too.
   */
  static Key<String> secret(String section, String name, String expected,
      Predicate<String> valid) {
    return new Key<>(
        section,
        name,
        String.class,
        "",
        expected,
        text -> {
          String t = text.strip();
          if (!t.isEmpty() && !valid.test(t)) {
            throw new ValueException("expected " + expected);
          }
          return t;
        },
        value -> value.isEmpty() || valid.test(value),
        value -> value.isEmpty() ? NONE : "(set)",
        true,
        "TOKEN",
        null,
        null);
  }

  /** Whether values of this key are secrets, never to be quoted in a message. */
  boolean secret() {
    return secret;
  }

  /**
   * An optional file system path: no value by default (null, shown as {@code none}); when set, a
   * non-empty path kept as written.
   */
  static Key<Path> optionalPath(String section, String name) {
    Key<Path> path = path(section, name, null);
    return new Key<>(
        section,
        name,
        Path.class,
        null,
        path.expected,
        path.parser,
        value -> value == null || path.accepts.test(value),
        value -> value == null ? NONE : value.toString(),
        "FILE");
  }

  /** true or false. */
  static Key<Boolean> bool(String section, String name, boolean defaultValue) {
    return new Key<>(
        section,
        name,
        Boolean.class,
        defaultValue,
        "true or false",
        text -> {
          if (text.equals("true") || text.equals("false")) {
            return Boolean.valueOf(text);
          }
          throw new ValueException("expected true or false");
        },
        value -> value != null,
        String::valueOf,
        "BOOL");
  }

  /** One of a fixed list of words; a near miss gets a suggestion. */
  static Key<String> oneOf(String section, String name, String defaultValue, List<String> words) {
    String expected = "one of " + String.join(", ", words);
    return new Key<>(
        section,
        name,
        String.class,
        defaultValue,
        expected,
        text -> {
          if (!words.contains(text)) {
            throw new ValueException(
                "expected "
                    + expected
                    + Messages.closest(text, words)
                        .map(word -> Messages.DASH + "did you mean " + word + "?")
                        .orElse(""));
          }
          return text;
        },
        words::contains,
        Function.identity(),
        "WORD");
  }

  String section() {
    return section;
  }

  String name() {
    return name;
  }

  /** {@code section.name}, as the key is written in a config file. */
  String qualifiedName() {
    return section + "." + name;
  }

  Class<T> type() {
    return type;
  }

  T defaultValue() {
    return defaultValue;
  }

  /** What a valid value is, completing the phrase "expected ...". */
  String expected() {
    return expected;
  }

  /** The placeholder for a value in usage text, e.g. {@code SIZE}. */
  String label() {
    return label;
  }

  /** One sentence for people, without the default and without a final full stop; null if unset. */
  String description() {
    return description;
  }

  /** The environment variable that sets this key, or null if none does. */
  String environment() {
    return environment;
  }

  /** The command-line flag, e.g. {@code --chunk-size} for {@code chunkSize}. */
  String flag() {
    return ConfigKeys.toFlag(name);
  }

  /** The key as people meet it: flag, label, description, default and environment variable. */
  KeyInfo info() {
    boolean unset = defaultValue == null || "".equals(defaultValue);
    return new KeyInfo(section, name, flag(), label, description,
        unset ? null : format(defaultValue), environment);
  }

  /**
   * Parses a non-empty raw string and checks the key's rule.
   *
   * @throws ValueException whose reason says what was wrong and what was expected
   */
  T parse(String text) {
    T value = parser.apply(text);
    if (!accepts.test(value)) {
      throw new ValueException("expected " + expected);
    }
    return value;
  }

  /** The value as a user would write it, e.g. {@code 64MiB} or {@code 1s}. */
  String format(T value) {
    return formatter.apply(value);
  }

  /** Formats a value known to be of this key's type. */
  String formatAny(Object value) {
    return format(type.cast(value));
  }

  /**
   * Checks a value given programmatically, e.g. to a config record's constructor.
   *
   * @throws ConfigException naming {@link #qualifiedName()}, the value and what was expected
   */
  T require(T value) {
    if (value == null && defaultValue == null) {
      return null; // an optional key left unset
    }
    if (value == null) {
      throw new ConfigException(qualifiedName() + " has no value; expected " + expected);
    }
    if (!accepts.test(value)) {
      throw new ConfigException(
          "invalid "
              + qualifiedName()
              + " "
              + Messages.quote(format(value))
              + ": expected "
              + expected);
    }
    return value;
  }

  @Override
  public String toString() {
    return qualifiedName();
  }

  private static long parseInteger(String text, long min, long max, String expected) {
    Matcher matcher = INTEGER.matcher(text.strip());
    try {
      if (matcher.matches()) {
        long value = Long.parseLong(matcher.group(1) + matcher.group(2));
        if (value >= min && value <= max) {
          return value;
        }
      }
    } catch (NumberFormatException e) {
      // Nineteen digits beyond Long.MAX_VALUE: out of range like any other.
    }
    throw new ValueException("expected " + expected);
  }
}
