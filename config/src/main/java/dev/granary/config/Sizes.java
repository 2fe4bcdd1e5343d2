package dev.granary.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and formats byte sizes such as {@code 64MiB}, {@code 1.5GiB} or {@code 500MB}.
 *
 * <p>Units are {@code B, KiB, MiB, GiB, TiB} (powers of 2) and {@code KB, MB, GB, TB} (powers of
 * 10), matched case-sensitively; a number without a unit is a number of bytes. Whitespace may
 * separate the number from its unit. A decimal number is accepted when the result is a whole
 * number of bytes ({@code 1.5GiB} is, {@code 1.3B} is not). Sizes are never negative and at most
 * {@link Long#MAX_VALUE} bytes.
 */
public final class Sizes {
  /** One kibibyte, 2<sup>10</sup> bytes. */
  public static final long KIB = 1L << 10;

  /** One mebibyte, 2<sup>20</sup> bytes. */
  public static final long MIB = 1L << 20;

  /** One gibibyte, 2<sup>30</sup> bytes. */
  public static final long GIB = 1L << 30;

  /** One tebibyte, 2<sup>40</sup> bytes. */
  public static final long TIB = 1L << 40;

  private static final Map<String, Long> UNITS = units();
  private static final List<String> BINARY = List.of("TiB", "GiB", "MiB", "KiB");
  private static final List<String> DECIMAL = List.of("TB", "GB", "MB", "KB");
  private static final Pattern SYNTAX = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*([A-Za-z]*)");
  private static final int MAX_NUMBER_LENGTH = 64;
  private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);
  /** Formatting uses at most this many decimal places; beyond it, a smaller unit reads better. */
  private static final int MAX_FORMAT_DECIMALS = 3;

  private Sizes() {}

  /**
   * Parses a size.
   *
   * @param text for example {@code 64MiB}, {@code 1.5 GiB}, {@code 500MB} or {@code 4096}
   * @return the size in bytes, zero or more
   * @throws IllegalArgumentException if the text is not a size, has an unknown unit, is negative,
   *     is not a whole number of bytes or exceeds {@link Long#MAX_VALUE} bytes; the message is one
   *     line naming the text and what was expected
   */
  public static long parse(String text) {
    Objects.requireNonNull(text, "text");
    String trimmed = text.strip();
    if (trimmed.startsWith("-")) {
      throw invalid(text, "expected a size of 0 or more, not a negative one");
    }
    Matcher matcher = SYNTAX.matcher(trimmed);
    if (!matcher.matches()) {
      throw invalid(text, "expected a number with an optional unit, e.g. 64MiB or 1.5GiB");
    }
    String number = matcher.group(1);
    String unit = matcher.group(2);
    Long multiplier = unit.isEmpty() ? Long.valueOf(1) : UNITS.get(unit);
    if (multiplier == null) {
      throw invalid(text, unknownUnit(unit));
    }
    if (number.length() > MAX_NUMBER_LENGTH) {
      throw invalid(text, "expected at most " + MAX_NUMBER_LENGTH + " digits");
    }
    BigDecimal bytes = new BigDecimal(number).multiply(BigDecimal.valueOf(multiplier));
    if (bytes.compareTo(MAX) > 0) {
      throw invalid(text, "expected at most " + Long.MAX_VALUE + " bytes");
    }
    if (bytes.stripTrailingZeros().scale() > 0) {
      throw invalid(text, "expected a whole number of bytes");
    }
    return bytes.longValueExact();
  }

  /**
   * Formats a size in the shortest exact form with at most three decimals, preferring binary
   * units: {@code 64MiB}, {@code 1.5GiB}, {@code 1KB}, {@code 123B}. For every size {@code s >= 0},
   * {@code parse(format(s)) == s}.
   *
   * @param bytes a number of bytes; a negative one is formatted with a leading minus sign
   * @return the human-readable form
   */
  public static String format(long bytes) {
    BigInteger value = BigInteger.valueOf(bytes);
    return bytes < 0 ? "-" + format(value.negate()) : format(value);
  }

  private static String format(BigInteger bytes) {
    BigInteger scaled = bytes.multiply(BigInteger.TEN.pow(MAX_FORMAT_DECIMALS));
    String best = bytes + "B";
    for (List<String> family : List.of(DECIMAL, BINARY)) {
      for (String unit : family) {
        BigInteger unitBytes = BigInteger.valueOf(UNITS.get(unit));
        BigInteger[] quotient = scaled.divideAndRemainder(unitBytes);
        if (bytes.compareTo(unitBytes) >= 0 && quotient[1].signum() == 0) {
          BigDecimal value = new BigDecimal(quotient[0], MAX_FORMAT_DECIMALS).stripTrailingZeros();
          String candidate = value.toPlainString() + unit;
          if (candidate.length() <= best.length()) {
            best = candidate;
          }
          break;
        }
      }
    }
    return best;
  }

  private static String unknownUnit(String unit) {
    List<String> hints = new ArrayList<>();
    for (String known : UNITS.keySet()) {
      if (known.equalsIgnoreCase(unit)) {
        hints.add(known);
      }
    }
    if (hints.isEmpty() && unit.length() <= 2) {
      String prefix = unit.toLowerCase(Locale.ROOT);
      for (String known : UNITS.keySet()) {
        if (known.toLowerCase(Locale.ROOT).startsWith(prefix)) {
          hints.add(known);
        }
      }
    }
    String problem = "unknown unit " + Messages.quote(unit);
    if (hints.isEmpty()) {
      return problem + "; expected one of " + String.join(", ", UNITS.keySet());
    }
    return problem + Messages.DASH + "did you mean " + String.join(" or ", hints) + "?";
  }

  private static ValueException invalid(String text, String reason) {
    return new ValueException("size", text, reason);
  }

  private static Map<String, Long> units() {
    Map<String, Long> units = new LinkedHashMap<>();
    units.put("B", 1L);
    units.put("KiB", KIB);
    units.put("MiB", MIB);
    units.put("GiB", GIB);
    units.put("TiB", TIB);
    units.put("KB", 1_000L);
    units.put("MB", 1_000_000L);
    units.put("GB", 1_000_000_000L);
    units.put("TB", 1_000_000_000_000L);
    return Collections.unmodifiableMap(units);
  }
}
