package dev.granary.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and formats durations such as {@code 500ms}, {@code 10s}, {@code 1.5m}, {@code 1h} or
 * {@code 7d}.
 *
 * <p>A duration is a non-negative number, optionally with decimals, followed by one unit: {@code
 * ms, s, m, h} or {@code d} (case-sensitive; whitespace may separate number and unit). The unit is
 * required: a bare number is rejected rather than guessed. Durations are at most {@link #MAX}, so
 * that {@link Duration#toNanos()} never overflows.
 */
public final class Durations {
  /** The longest duration accepted: {@link Long#MAX_VALUE} nanoseconds, about 292 years. */
  public static final Duration MAX = Duration.ofNanos(Long.MAX_VALUE);

  private static final Map<String, BigDecimal> UNITS = units();
  private static final List<String> LARGEST_FIRST = List.of("d", "h", "m", "s", "ms");
  private static final Map<String, String> ALIASES = aliases();
  private static final Pattern SYNTAX = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*([A-Za-z]*)");
  private static final int MAX_NUMBER_LENGTH = 64;
  private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);
  private static final int MAX_FORMAT_DECIMALS = 3;

  private Durations() {}

  /**
   * Parses a duration.
   *
   * @param text for example {@code 500ms}, {@code 1.5s}, {@code 10 m}, {@code 1h} or {@code 7d}
   * @return the duration, zero or more and at most {@link #MAX}
   * @throws IllegalArgumentException if the text has no unit or an unknown one, is negative, is
   *     not a whole number of nanoseconds or is longer than {@link #MAX}; the message is one line
   *     naming the text and what was expected
   */
  public static Duration parse(String text) {
    Objects.requireNonNull(text, "text");
    String trimmed = text.strip();
    if (trimmed.startsWith("-")) {
      throw invalid(text, "expected a duration of 0 or more, not a negative one");
    }
    Matcher matcher = SYNTAX.matcher(trimmed);
    if (!matcher.matches()) {
      throw invalid(text, "expected a number and a unit, e.g. 500ms, 10s or 1.5h");
    }
    String number = matcher.group(1);
    String unit = matcher.group(2);
    if (unit.isEmpty()) {
      throw invalid(
          text, "a unit is required; expected one of ms, s, m, h, d after the number, e.g. "
              + number + "s");
    }
    BigDecimal unitNanos = UNITS.get(unit);
    if (unitNanos == null) {
      throw invalid(text, unknownUnit(unit));
    }
    if (number.length() > MAX_NUMBER_LENGTH) {
      throw invalid(text, "expected at most " + MAX_NUMBER_LENGTH + " digits");
    }
    BigDecimal nanos = new BigDecimal(number).multiply(unitNanos);
    if (nanos.compareTo(MAX_NANOS) > 0) {
      throw invalid(text, "expected a duration of at most 292 years");
    }
    if (nanos.stripTrailingZeros().scale() > 0) {
      throw invalid(text, "expected a whole number of nanoseconds");
    }
    return Duration.ofNanos(nanos.longValueExact());
  }

  /**
   * Formats a duration in the largest unit that shows it exactly with at most three decimals:
   * {@code 1s}, {@code 1.5s}, {@code 250ms}, {@code 1.5m}, {@code 2h}, {@code 0s}. Durations that
   * need more precision are shown in milliseconds with up to six decimals. For every duration
   * {@code d} between zero and {@link #MAX}, {@code parse(format(d)).equals(d)}.
   *
   * @param duration any duration; a negative one is formatted with a leading minus sign
   * @return the human-readable form
   */
  public static String format(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    BigInteger total =
        BigInteger.valueOf(duration.getSeconds())
            .multiply(NANOS_PER_SECOND)
            .add(BigInteger.valueOf(duration.getNano()));
    if (total.signum() == 0) {
      return "0s";
    }
    String sign = total.signum() < 0 ? "-" : "";
    BigInteger nanos = total.abs();
    BigInteger scaled = nanos.multiply(BigInteger.TEN.pow(MAX_FORMAT_DECIMALS));
    for (String unit : LARGEST_FIRST) {
      BigInteger unitNanos = UNITS.get(unit).toBigIntegerExact();
      BigInteger[] quotient = scaled.divideAndRemainder(unitNanos);
      if (nanos.compareTo(unitNanos) >= 0 && quotient[1].signum() == 0) {
        BigDecimal value = new BigDecimal(quotient[0], MAX_FORMAT_DECIMALS).stripTrailingZeros();
        return sign + value.toPlainString() + unit;
      }
    }
    BigDecimal millis = new BigDecimal(nanos).divide(UNITS.get("ms")).stripTrailingZeros();
    return sign + millis.toPlainString() + "ms";
  }

  private static String unknownUnit(String unit) {
    String problem = "unknown unit " + Messages.quote(unit);
    String hint = null;
    for (String known : UNITS.keySet()) {
      if (known.equalsIgnoreCase(unit)) {
        hint = known;
      }
    }
    if (hint == null) {
      hint = ALIASES.get(unit.toLowerCase(Locale.ROOT));
    }
    if (hint == null) {
      return problem + "; expected one of " + String.join(", ", UNITS.keySet());
    }
    return problem + Messages.DASH + "did you mean " + hint + "?";
  }

  private static ValueException invalid(String text, String reason) {
    return new ValueException("duration", text, reason);
  }

  private static Map<String, BigDecimal> units() {
    Map<String, BigDecimal> units = new LinkedHashMap<>();
    units.put("ms", BigDecimal.valueOf(1_000_000L));
    units.put("s", BigDecimal.valueOf(1_000_000_000L));
    units.put("m", BigDecimal.valueOf(60_000_000_000L));
    units.put("h", BigDecimal.valueOf(3_600_000_000_000L));
    units.put("d", BigDecimal.valueOf(86_400_000_000_000L));
    return Collections.unmodifiableMap(units);
  }

  private static Map<String, String> aliases() {
    Map<String, String> aliases = new LinkedHashMap<>();
    for (String alias : List.of("msec", "msecs", "millis", "millisecond", "milliseconds")) {
      aliases.put(alias, "ms");
    }
    for (String alias : List.of("sec", "secs", "second", "seconds")) {
      aliases.put(alias, "s");
    }
    for (String alias : List.of("min", "mins", "minute", "minutes")) {
      aliases.put(alias, "m");
    }
    for (String alias : List.of("hr", "hrs", "hour", "hours")) {
      aliases.put(alias, "h");
    }
    for (String alias : List.of("day", "days")) {
      aliases.put(alias, "d");
    }
    return Map.copyOf(aliases);
  }
}
