package dev.granary.wire;

import java.util.List;

/**
 * The settings a directory policy holds (POLICY_REQUEST): their keys, and the rules for their
 * values, which the client checks before sending and the master checks again before it journals a
 * setting. A value travels as a decimal string in canonical form (digits only, no sign, no leading
 * zero); the empty string clears the key on that directory, so the nearest ancestor's setting
 * applies again.
 *
 * <ul>
 *   <li>{@value #REPLICATION}: the replication goal of new files, {@code 1..255}.
 *   <li>{@value #KEEP_VERSIONS}: how many replaced versions {@code put --force} keeps per file,
 *       {@code 0..}{@link Limits#MAX_KEEP_VERSIONS}.
 *   <li>{@value #TRASH}: how long {@code rm} keeps what it removes in the caller's trash, in
 *       milliseconds, {@code 0..}{@link #MAX_TRASH_MILLIS}; 0 = no trash here, even if an ancestor
 *       has one.
 *   <li>{@value #COMPRESS}: how new files are compressed, a {@link Compression} id {@code 0..2}
 *       (0 none, 1 lz4, 2 zstd).
 *   <li>{@value #ENCRYPT}: whether new files must be encrypted, {@code 0..1}; the master refuses
 *       the commit of an unencrypted file under 1.
 * </ul>
 */
public final class PolicyKeys {
  /** The replication goal of new files. */
  public static final String REPLICATION = "replication";
  /** Replaced versions kept per file. */
  public static final String KEEP_VERSIONS = "keepVersions";
  /** Milliseconds removed entries stay in the trash. */
  public static final String TRASH = "trash";
  /** How new files are compressed: a {@link Compression} id. */
  public static final String COMPRESS = "compress";
  /** Whether new files must be encrypted: 0 or 1. */
  public static final String ENCRYPT = "encrypt";
  /** Every key, in the order replies list them. */
  public static final List<String> ALL = List.of(REPLICATION, KEEP_VERSIONS, TRASH, COMPRESS,
      ENCRYPT);
  /** Most settings one POLICY_REQUEST may carry. */
  public static final int MAX_SETTINGS = 16;
  /** Highest replication goal a policy may set (as a file's goal). */
  public static final int MAX_REPLICATION = 255;
  /** Longest trash duration: ten years of 365 days, in milliseconds. */
  public static final long MAX_TRASH_MILLIS = 3650L * 24 * 60 * 60 * 1000;
  /** The value that clears a key on a directory. */
  public static final String CLEAR = "";

  private PolicyKeys() {}

  /** Whether {@code key} is one of {@link #ALL}. */
  public static boolean isKey(String key) {
    return ALL.contains(key);
  }

  /**
   * What is wrong with setting {@code key} to {@code value}, as one line naming both and what was
   * expected; null if the setting is valid ({@link #CLEAR} is valid for every key).
   */
  public static String problem(String key, String value) {
    if (!isKey(key)) {
      return "unknown policy key " + PathLimits.quote(key) + ", expected one of " + ALL;
    }
    if (value.equals(CLEAR)) {
      return null;
    }
    long max = max(key);
    long v = parse(value, max);
    if (v < min(key)) {
      return "policy " + key + " " + PathLimits.quote(value) + " is invalid, expected a decimal "
          + "number in " + min(key) + ".." + max + (key.equals(TRASH) ? " (milliseconds)" : "")
          + " or \"\" to clear it";
    }
    return null;
  }

  /** Throws {@link IllegalArgumentException} with {@link #problem}'s line if there is one. */
  public static void check(String key, String value) {
    String problem = problem(key, value);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /**
   * The number a valid, non-empty {@code value} of {@code key} stands for.
   *
   * @throws IllegalArgumentException if the setting is invalid or clears the key
   */
  public static long value(String key, String value) {
    check(key, value);
    if (value.equals(CLEAR)) {
      throw new IllegalArgumentException("policy " + key + " is cleared, it has no value");
    }
    return Long.parseLong(value);
  }

  /** The smallest value {@code key} takes. */
  public static long min(String key) {
    return key.equals(REPLICATION) ? 1 : 0;
  }

  /** The largest value {@code key} takes. */
  public static long max(String key) {
    return switch (key) {
      case REPLICATION -> MAX_REPLICATION;
      case KEEP_VERSIONS -> Limits.MAX_KEEP_VERSIONS;
      case TRASH -> MAX_TRASH_MILLIS;
      case COMPRESS -> Compression.ZSTD.id();
      case ENCRYPT -> 1;
      default -> throw new IllegalArgumentException("unknown policy key " + key);
    };
  }

  /** {@code value} as a number if it is canonical decimal within {@code 0..max}, else -1. */
  private static long parse(String value, long max) {
    int n = value.length();
    // Longer than max's digits cannot be in range; this also keeps parseLong from overflowing.
    if (n > Long.toString(max).length() || (n > 1 && value.charAt(0) == '0')) {
      return -1;
    }
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
    }
    long v = Long.parseLong(value);
    return v <= max ? v : -1;
  }
}
