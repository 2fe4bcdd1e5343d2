package dev.granary.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The names of the config sections and keys, what people are told about each key ({@link
 * #keys(String)}, {@link #markdownTable()}), and the mapping between a camelCase key and its
 * kebab-case command-line flag ({@code chunkSize} ⇄ {@code --chunk-size}).
 */
public final class ConfigKeys {
  /** The environment variable holding the client's default master address. */
  public static final String ENV_MASTER = "GRANARY_MASTER";
  /** The environment variable holding the client's credentials file. */
  public static final String ENV_CREDENTIALS = "GRANARY_CREDENTIALS";
  /** The key-encryption key file of {@code client.keyFile}. */
  public static final String ENV_KEY_FILE = "GRANARY_KEY_FILE";
  /** The master's section of a config file. */
  public static final String MASTER_SECTION = MasterSchema.SECTION;
  /** The chunkservers' section of a config file. */
  public static final String CHUNKSERVER_SECTION = ChunkserverSchema.SECTION;
  /** The clients' section of a config file. */
  public static final String CLIENT_SECTION = ClientSchema.SECTION;

  private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)*");
  private static final Pattern FLAG = Pattern.compile("--[a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)*");

  private ConfigKeys() {}

  /**
   * The YAML sections, in documented order.
   *
   * @return {@code master}, {@code chunkserver}, {@code client}
   */
  public static List<String> sections() {
    return List.of(MASTER_SECTION, CHUNKSERVER_SECTION, CLIENT_SECTION);
  }

  /**
   * A section's keys as people meet them (flag, description, default), in record order: what the
   * CLI builds its flags and {@code --help} from.
   *
   * @param section one of {@link #sections()}
   * @return the keys of the section
   * @throws IllegalArgumentException if the section is not one of {@link #sections()}
   */
  public static List<KeyInfo> keys(String section) {
    return schema(section).keys().stream().map(Key::info).toList();
  }

  /**
   * Every key of every section as a Markdown table (key, default, flag, description), one line
   * each, ending with a newline: the README's configuration table.
   *
   * @return the table
   */
  public static String markdownTable() {
    StringBuilder table = new StringBuilder("| key | default | flag | description |\n")
        .append("| --- | --- | --- | --- |\n");
    for (String section : sections()) {
      for (KeyInfo key : keys(section)) {
        table.append("| `").append(key.qualifiedName()).append("` | ")
            .append(key.defaultValue() == null ? "none" : "`" + key.defaultValue() + "`")
            .append(" | `").append(key.flag()).append('`')
            .append(key.environment() == null ? "" : ", env `" + key.environment() + "`")
            .append(" | ").append(key.description().replace("|", "\\|")).append(" |\n");
      }
    }
    return table.toString();
  }

  /** The line before the README's configuration table. */
  public static final String TABLE_BEGIN = "<!-- config-table:begin -->";
  /** The line after the README's configuration table. */
  public static final String TABLE_END = "<!-- config-table:end -->";

  /**
   * A document with the text between its {@link #TABLE_BEGIN} and {@link #TABLE_END} lines
   * replaced by {@link #markdownTable()}: the README as it should be. Equal to the document when
   * its table is current.
   *
   * @param document Markdown holding both marker lines, begin first
   * @return the document with the current table
   * @throws IllegalArgumentException if a marker line is missing or they are out of order
   */
  public static String withMarkdownTable(String document) {
    int begin = document.indexOf(TABLE_BEGIN + "\n");
    int end = document.indexOf(TABLE_END, Math.max(begin, 0));
    if (begin < 0 || end < 0) {
      throw new IllegalArgumentException("no configuration table: expected a line " + TABLE_BEGIN
          + " and, after it, a line " + TABLE_END);
    }
    return document.substring(0, begin + TABLE_BEGIN.length() + 1) + markdownTable()
        + document.substring(end);
  }

  private static Schema<?> schema(String section) {
    return switch (Objects.requireNonNull(section, "section")) {
      case MasterSchema.SECTION -> MasterSchema.SCHEMA;
      case ChunkserverSchema.SECTION -> ChunkserverSchema.SCHEMA;
      case ClientSchema.SECTION -> ClientSchema.SCHEMA;
      default -> throw new IllegalArgumentException("unknown section " + Messages.quote(section)
          + ": expected one of " + String.join(", ", sections()));
    };
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
