package dev.granary.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The names of the config sections and keys, and the mapping between a camelCase key and its
 * kebab-case command-line flag ({@code chunkSize} ⇄ {@code --chunk-size}).
 */
public final class ConfigKeys {
  /** The environment variable holding the client's default master address. */
  public static final String ENV_MASTER = "GRANARY_MASTER";
  /** The environment variable holding the client's credentials file. */
  public static final String ENV_CREDENTIALS = "GRANARY_CREDENTIALS";

  private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)*");
  private static final Pattern FLAG = Pattern.compile("--[a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)*");

  private ConfigKeys() {}

  /**
   * The YAML sections, in documented order.
   *
   * @return {@code master}, {@code chunkserver}, {@code client}
   */
  public static List<String> sections() {
    return List.of(
        MasterSchema.SECTION, ChunkserverSchema.SECTION, ClientSchema.SECTION);
  }

  /**
   * The master's keys in {@link MasterConfig} component order, e.g. {@code chunkSize}.
   *
   * @return the camelCase key names
   */
  public static List<String> masterKeys() {
    return MasterSchema.SCHEMA.keyNames();
  }

  /**
   * The chunkserver's keys in {@link ChunkserverConfig} component order.
   *
   * @return the camelCase key names
   */
  public static List<String> chunkserverKeys() {
    return ChunkserverSchema.SCHEMA.keyNames();
  }

  /**
   * The client's keys in {@link ClientConfig} component order.
   *
   * @return the camelCase key names
   */
  public static List<String> clientKeys() {
    return ClientSchema.SCHEMA.keyNames();
  }

  /**
   * The command-line flag for a key: {@code toFlag("chunkSize")} is {@code "--chunk-size"}.
   *
   * @param key a camelCase key name
   * @return the kebab-case flag, with its leading {@code --}
   * @throws IllegalArgumentException if the key is not camelCase (a lower-case letter followed by
   *     letters and digits)
   */
  public static String toFlag(String key) {
    Objects.requireNonNull(key, "key");
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException(
          "invalid key " + Messages.quote(key) + ": expected a camelCase name such as chunkSize");
    }
    StringBuilder flag = new StringBuilder("--");
    for (char c : key.toCharArray()) {
      if (Character.isUpperCase(c)) {
        flag.append('-').append(Character.toLowerCase(c));
      } else {
        flag.append(c);
      }
    }
    return flag.toString();
  }

  /**
   * The key for a command-line flag: {@code fromFlag("--chunk-size")} is {@code "chunkSize"}.
   *
   * @param flag a kebab-case flag with its leading {@code --}
   * @return the camelCase key name
   * @throws IllegalArgumentException if the flag is not {@code --} followed by lower-case words
   *     joined by hyphens
   */
  public static String fromFlag(String flag) {
    Objects.requireNonNull(flag, "flag");
    if (!FLAG.matcher(flag).matches()) {
      throw new IllegalArgumentException(
          "invalid flag " + Messages.quote(flag) + ": expected a kebab-case flag such as "
              + "--chunk-size");
    }
    StringBuilder key = new StringBuilder();
    boolean upper = false;
    for (char c : flag.substring(2).toCharArray()) {
      if (c == '-') {
        upper = true;
      } else {
        key.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return key.toString();
  }

  /** The flag for a name that may not be a valid key, for messages about unknown flags. */
  static String displayFlag(String key) {
    return KEY.matcher(key).matches() ? toFlag(key) : "--" + key.toLowerCase(Locale.ROOT);
  }
}
