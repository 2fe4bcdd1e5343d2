package dev.granary.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A client's configuration, validated and immutable. Build it with {@link
 * ConfigLoader#loadClient} (defaults &lt; file &lt; environment &lt; flags) or {@link #defaults()}.
 * Each key's default, rule and description are declared once, in the client's schema; the
 * README's configuration table and every client command's {@code --help} show them.
 *
 * @param master the master's address ({@code GRANARY_MASTER} when loaded)
 * @param cacheSize bytes of chunk locations and data the client may cache, 0 or more; 0 disables
 *     the cache
 * @param parallelism concurrent chunk transfers per command, 1..64
 * @param timeout how long transient failures are retried before giving up, at least 100ms
 * @param credentials the credentials file ({@link Credentials}) the client authenticates with,
 *     or null for none ({@code GRANARY_CREDENTIALS} when loaded)
 */
public record ClientConfig(HostPort master, long cacheSize, int parallelism, Duration timeout,
    Path credentials) {

  /**
   * Validates every component against the rules above.
   *
   * @throws ConfigException naming the first invalid key as {@code client.key}, its value and what
   *     was expected
   */
  public ClientConfig {
    ClientSchema.MASTER.require(master);
    ClientSchema.CACHE_SIZE.require(cacheSize);
    ClientSchema.PARALLELISM.require(parallelism);
    ClientSchema.TIMEOUT.require(timeout);
    ClientSchema.CREDENTIALS.require(credentials);
  }

  /** A configuration without credentials (for a cluster with {@code security: none}). */
  public ClientConfig(HostPort master, long cacheSize, int parallelism, Duration timeout) {
    this(master, cacheSize, parallelism, timeout, null);
  }

  /** This configuration with {@link #credentials()} set to {@code file} (null: none). */
  public ClientConfig withCredentials(Path file) {
    return new ClientConfig(master, cacheSize, parallelism, timeout, file);
  }

  /**
   * Reads the credentials file, if one is configured.
   *
   * @return the credentials, or null without a credentials file
   * @throws ConfigException one line naming the file if it is missing or malformed
   */
  public Credentials readCredentials() {
    return credentials == null ? null : Credentials.read(credentials);
  }

  /**
   * The documented defaults, as used when neither file, environment nor flags set a key. This
   * ignores {@code GRANARY_MASTER}; use {@link ConfigLoader#loadClient} to honour it.
   */
  public static ClientConfig defaults() {
    return ClientSchema.SCHEMA.defaults();
  }

  /**
   * The effective configuration on one line, e.g. {@code ClientConfig{master=127.0.0.1:7070,
   * cacheSize=256MiB, parallelism=4, timeout=30s, credentials=none}}.
   */
  @Override
  public String toString() {
    return ClientSchema.SCHEMA.render(this);
  }
}
