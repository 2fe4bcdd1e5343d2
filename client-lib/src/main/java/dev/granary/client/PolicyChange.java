package dev.granary.client;

import dev.granary.wire.PolicyKeys;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings {@link GranaryClient#setPolicy} makes on a directory: each key is left as it is
 * (not named), set to a value, or cleared (so the nearest ancestor's setting applies again).
 * Immutable; each method returns a new change:
 *
 * <pre>{@code
 * client.setPolicy("/projects", PolicyChange.none().keepVersions(5).trash(Duration.ofDays(7)));
 * client.setPolicy("/projects", PolicyChange.none().clear(DirectoryPolicy.TRASH));
 * }</pre>
 *
 * @param settings key to value as the master takes it ({@code ""} clears the key), in the order
 *     they were named
 */
public record PolicyChange(Map<String, String> settings) {

  /**
   * @throws IllegalArgumentException for an unknown key or a value outside its range
   */
  public PolicyChange {
    for (Map.Entry<String, String> e : settings.entrySet()) {
      PolicyKeys.check(e.getKey(), e.getValue());
    }
    settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }

  /** A change that changes nothing: {@link GranaryClient#setPolicy} with it only shows. */
  public static PolicyChange none() {
    return new PolicyChange(Map.of());
  }

  /**
   * Sets the replication goal of new files.
   *
   * @throws IllegalArgumentException unless {@code replication} is 1..255
   */
  public PolicyChange replication(int replication) {
    return with(DirectoryPolicy.REPLICATION, Integer.toString(replication));
  }

  /**
   * Keeps up to {@code versions} replaced versions of each file (0: none).
   *
   * @throws IllegalArgumentException unless {@code versions} is 0..1000
   */
  public PolicyChange keepVersions(int versions) {
    return with(DirectoryPolicy.KEEP_VERSIONS, Integer.toString(versions));
  }

  /**
   * Keeps what deletes remove in the caller's trash for {@code duration} (zero: no trash here,
   * even if an ancestor has one).
   *
   * @throws IllegalArgumentException if {@code duration} is negative or above ten years
   */
  public PolicyChange trash(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("trash duration " + duration + " is negative");
    }
    long millis = duration.compareTo(Duration.ofMillis(PolicyKeys.MAX_TRASH_MILLIS)) > 0
        ? PolicyKeys.MAX_TRASH_MILLIS + 1 : duration.toMillis();
    return with(DirectoryPolicy.TRASH, Long.toString(millis));
  }

  /**
   * Compresses new files with {@code compression} ({@link Compression#NONE}: not compressed, even
   * if an ancestor's policy says otherwise).
   */
  public PolicyChange compression(Compression compression) {
    // The master takes the wire id; the API's enum has the same constants.
    return with(DirectoryPolicy.COMPRESS, Integer.toString(
        dev.granary.wire.Compression.valueOf(compression.name()).id()));
  }

  /**
   * Requires new files to be encrypted on the client ({@code true}; the master refuses the commit
   * of a plain file under it), or does not require it here ({@code false}), whatever an ancestor
   * says.
   */
  public PolicyChange encrypt(boolean encrypt) {
    return with(DirectoryPolicy.ENCRYPT, encrypt ? "1" : "0");
  }

  /**
   * Clears {@code key} on the directory: the nearest ancestor's setting applies again.
   *
   * @throws IllegalArgumentException for a key not in {@link DirectoryPolicy#KEYS}
   */
  public PolicyChange clear(String key) {
    return with(key, PolicyKeys.CLEAR);
  }

  /** Whether this change sets or clears nothing. */
  public boolean isEmpty() {
    return settings.isEmpty();
  }

  private PolicyChange with(String key, String value) {
    Map<String, String> next = new LinkedHashMap<>(settings);
    next.put(key, value);
    return new PolicyChange(next);
  }
}
