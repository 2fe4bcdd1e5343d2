package dev.granary.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Loads each role's configuration from defaults, an optional YAML file and command-line flags, in
 * that order of precedence (the client also reads {@code GRANARY_MASTER}, between file and flags).
 *
 * <p>The file has up to three top-level sections, {@code master}, {@code chunkserver} and {@code
 * client}, each a mapping of camelCase keys to values; all are optional and an empty file means
 * all defaults. One file may serve all three roles: each role reads its own section, but every
 * section present is checked for unknown keys. Flags are given as a map from camelCase key to the
 * raw string the user typed, and are named in messages by their kebab-case flag ({@code
 * --chunk-size}); file values are named as {@code section.key} after the file name.
 *
 * <p>Every method throws {@link ConfigException} with a one-line message on the first problem: an
 * unreadable, oversized (over 1 MiB) or malformed file, an unknown section, key or flag (with a
 * "did you mean" suggestion where one is close), an empty value, or a value that does not parse or
 * breaks its key's rule.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /**
   * Loads the master's configuration.
   *
   * @param fileOrNull the YAML file given with {@code --config}, or null for none
   * @param flags raw flag values by camelCase key, e.g. {@code chunkSize -> "64MiB"}
   * @return the validated configuration
   * @throws ConfigException on the first problem, with a one-line message
   */
  public static MasterConfig loadMaster(Path fileOrNull, Map<String, String> flags) {
    return effectiveMaster(fileOrNull, flags).config();
  }

  /**
   * Loads the master's configuration as {@link #loadMaster} does, with the line that says where
   * each value came from.
   *
   * @throws ConfigException on the first problem, with a one-line message
   */
  public static Effective<MasterConfig> effectiveMaster(
      Path fileOrNull, Map<String, String> flags) {
    return load(MasterSchema.SCHEMA, fileOrNull, flags, Map.of());
  }

  /**
   * Loads a chunkserver's configuration.
   *
   * @param fileOrNull the YAML file given with {@code --config}, or null for none
   * @param flags raw flag values by camelCase key, e.g. {@code master -> "10.0.0.1:7070"}
   * @return the validated configuration
   * @throws ConfigException on the first problem, with a one-line message
   */
  public static ChunkserverConfig loadChunkserver(Path fileOrNull, Map<String, String> flags) {
    return loadChunkserver(fileOrNull, flags, Map.of());
  }

  /**
   * Loads a chunkserver's configuration with the environment: {@code GRANARY_JOIN_TOKEN} sets
   * {@code chunkserver.joinToken} below the flag and above the file.
   */
  public static ChunkserverConfig loadChunkserver(Path fileOrNull, Map<String, String> flags,
      Map<String, String> env) {
    return effectiveChunkserver(fileOrNull, flags, env).config();
  }

  /**
   * Loads a chunkserver's configuration as {@link #loadChunkserver(Path, Map, Map)} does, with the
   * line that says where each value came from.
   *
   * @throws ConfigException on the first problem, with a one-line message
   */
  public static Effective<ChunkserverConfig> effectiveChunkserver(
      Path fileOrNull, Map<String, String> flags, Map<String, String> env) {
    return load(ChunkserverSchema.SCHEMA, fileOrNull, flags, env);
  }

  /**
   * Loads a client's configuration. The master address comes from, in order of precedence, the
   * {@code master} flag, the {@code GRANARY_MASTER} environment variable (ignored when blank), the
   * file's {@code client.master}, and the default {@code 127.0.0.1:7070}.
   *
   * @param fileOrNull the YAML file given with {@code --config}, or null for none
   * @param flags raw flag values by camelCase key, e.g. {@code master -> "10.0.0.1:7070"}
   * @param env the process environment, e.g. {@link System#getenv()}
   * @return the validated configuration
   * @throws ConfigException on the first problem, with a one-line message
   */
  public static ClientConfig loadClient(
      Path fileOrNull, Map<String, String> flags, Map<String, String> env) {
    return load(ClientSchema.SCHEMA, fileOrNull, flags, env).config();
  }

  private static <C extends Record> Effective<C> load(
      Schema<C> schema, Path fileOrNull, Map<String, String> flags, Map<String, String> env) {
    Objects.requireNonNull(flags, "flags");
    Objects.requireNonNull(env, "env");
    ConfigFile file = fileOrNull == null ? ConfigFile.none() : ConfigFile.read(fileOrNull, layout());
    checkFlagNames(schema, flags);

    Map<Key<?>, Setting> settings = new LinkedHashMap<>();
    for (Key<?> key : schema.keys()) {
      settings.put(
          key,
          new Setting(key.defaultValue(), key.formatAny(key.defaultValue()), Origin.defaults(key)));
    }
    for (Map.Entry<String, ConfigFile.Value> entry : file.section(schema.section()).entrySet()) {
      Key<?> key = schema.key(entry.getKey()).orElseThrow();
      settings.put(key, fromFile(key, entry.getValue(), Origin.file(file.name(), key)));
    }
    for (Map.Entry<Key<?>, String> binding : schema.environment().entrySet()) {
      String value = env.get(binding.getValue());
      if (value != null && !value.isBlank()) {
        Key<?> key = binding.getKey();
        settings.put(key, parse(key, value, Origin.environment(binding.getValue())));
      }
    }
    for (Key<?> key : schema.keys()) {
      if (flags.containsKey(key.name())) {
        settings.put(key, parse(key, flags.get(key.name()), Origin.flag(key)));
      }
    }
    for (Relation<?> relation : schema.relations()) {
      check(relation, settings);
    }

    Schema.Values values = new Schema.Values();
    settings.forEach((key, setting) -> values.put(key, setting.value()));
    C config = schema.build(values);
    return new Effective<>(config,
        schema.render(config, key -> " (" + settings.get(key).origin().source() + ")"));
  }

  /** Every section with its keys, so that a file is checked against all three roles. */
  private static Map<String, List<String>> layout() {
    Map<String, List<String>> layout = new LinkedHashMap<>();
    layout.put(MasterSchema.SECTION, MasterSchema.SCHEMA.keyNames());
    layout.put(ChunkserverSchema.SECTION, ChunkserverSchema.SCHEMA.keyNames());
    layout.put(ClientSchema.SECTION, ClientSchema.SCHEMA.keyNames());
    return layout;
  }

  private static void checkFlagNames(Schema<?> schema, Map<String, String> flags) {
    List<String> known = schema.keyNames();
    List<String> knownFlags = schema.keys().stream().map(Key::flag).toList();
    for (String name : new TreeSet<>(flags.keySet())) {
      if (!known.contains(name)) {
        String flag = ConfigKeys.displayFlag(name);
        String hint =
            Messages.closest(flag, knownFlags)
                .map(match -> Messages.DASH + "did you mean " + match + "?")
                .orElse("; expected one of " + String.join(", ", knownFlags));
        throw new ConfigException("unknown flag " + flag + hint);
      }
    }
  }

  private static Setting fromFile(Key<?> key, ConfigFile.Value value, Origin origin) {
    return switch (value.shape()) {
      case SCALAR -> parse(key, value.text(), origin);
      case EMPTY -> throw new ConfigException(origin.noValue(key.expected()));
      case LIST -> throw new ConfigException(origin.notScalar(key.expected(), "a list"));
      case MAPPING -> throw new ConfigException(origin.notScalar(key.expected(), "a mapping"));
    };
  }

  private static Setting parse(Key<?> key, String raw, Origin origin) {
    if (raw == null || raw.isBlank()) {
      throw new ConfigException(origin.noValue(key.expected()));
    }
    try {
      return new Setting(key.parse(raw), raw, origin);
    } catch (ValueException e) {
      throw new ConfigException(origin.invalid(key.secret() ? "(hidden)" : raw, e.reason()), e);
    }
  }

  /**
   * Checks a rule between two keys. The side from the more specific source is blamed (a flag over
   * a file value over a default), since that is the one the user most recently chose.
   */
  private static <T extends Comparable<? super T>> void check(
      Relation<T> relation, Map<Key<?>, Setting> settings) {
    Setting lower = settings.get(relation.lower());
    Setting upper = settings.get(relation.upper());
    T lowerValue = relation.lower().type().cast(lower.value());
    T upperValue = relation.upper().type().cast(upper.value());
    if (relation.holds(lowerValue, upperValue)) {
      return;
    }
    int order = Integer.compare(lower.origin().rank(), upper.origin().rank());
    boolean blameLower = order > 0 || (order == 0 && relation.blameLowerByDefault());
    if (blameLower) {
      throw new ConfigException(
          lower.origin().invalid(lower.raw(), "expected " + relation.lowerExpected(upperValue)));
    }
    throw new ConfigException(
        upper.origin().invalid(upper.raw(), "expected " + relation.upperExpected(lowerValue)));
  }

  /** A resolved value with the text it came from and where. */
  private record Setting(Object value, String raw, Origin origin) {}
}
