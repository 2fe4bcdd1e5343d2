package dev.granary.client;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The effective policy of a directory ({@link GranaryClient#policy}): for each setting made on
 * the directory or an ancestor, its value and the directory that makes it (the nearest one). New
 * files under the directory take these settings; a setting made nowhere leaves the cluster's
 * default (replication), no kept versions, no trash, no compression and no required encryption.
 *
 * @param path the directory
 * @param settings one per key set on {@code path} or above, in the order of {@link #KEYS}
 */
public record DirectoryPolicy(String path, List<Setting> settings) {
  /** The replication goal of new files, 1..255. */
  public static final String REPLICATION = "replication";
  /** How many replaced versions of each file {@code put} with overwrite keeps, 0..1000. */
  public static final String KEEP_VERSIONS = "keepVersions";
  /** How long a delete keeps what it removes in the caller's trash (0: no trash). */
  public static final String TRASH = "trash";
  /** How new files are compressed: a {@link Compression} id, 0..2 (0: none). */
  public static final String COMPRESS = "compress";
  /** Whether new files must be encrypted on the client: 1, or 0 (not required here). */
  public static final String ENCRYPT = "encrypt";
  /** Every key, in the order the settings are listed. */
  public static final List<String> KEYS = List.of(REPLICATION, KEEP_VERSIONS, TRASH, COMPRESS,
      ENCRYPT);

  /**
   * One effective setting: {@code key}, its {@code value} as the master keeps it (a decimal
   * number; {@code trash} in milliseconds, {@code compress} a {@link Compression} id, {@code
   * encrypt} 0 or 1) and {@code from}, the directory that sets it.
   */
  public record Setting(String key, String value, String from) {}

  public DirectoryPolicy {
    settings = List.copyOf(settings);
  }

  /** The setting of {@code key}, if {@code path} or an ancestor makes one. */
  public Optional<Setting> setting(String key) {
    return settings.stream().filter(s -> s.key().equals(key)).findFirst();
  }

  /** The replication goal new files take, if a policy sets one. */
  public OptionalInt replication() {
    return setting(REPLICATION).map(s -> OptionalInt.of(Integer.parseInt(s.value())))
        .orElse(OptionalInt.empty());
  }

  /** How many replaced versions each file keeps, if a policy sets it. */
  public OptionalInt keepVersions() {
    return setting(KEEP_VERSIONS).map(s -> OptionalInt.of(Integer.parseInt(s.value())))
        .orElse(OptionalInt.empty());
  }

  /** How long deletes keep what they remove in the trash, if a policy sets it (zero: no trash). */
  public Optional<Duration> trash() {
    return setting(TRASH).map(s -> Duration.ofMillis(Long.parseLong(s.value())));
  }

  /**
   * How new files are compressed, if a policy sets it ({@link Compression#NONE}: a policy that
   * says not to compress, even if an ancestor's does).
   */
  public Optional<Compression> compression() {
    // The value is the wire id; the API's enum has the same constants.
    return setting(COMPRESS).map(s -> Compression.valueOf(
        dev.granary.wire.Compression.ofId(Integer.parseInt(s.value())).name()));
  }

  /**
   * Whether new files must be encrypted, if a policy says (false: a policy that does not require
   * it here, even if an ancestor's does).
   */
  public Optional<Boolean> encrypt() {
    return setting(ENCRYPT).map(s -> s.value().equals("1"));
  }
}
