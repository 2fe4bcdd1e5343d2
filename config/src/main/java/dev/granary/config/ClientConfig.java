package dev.granary.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A client's configuration, validated and immutable. Build it with {@link
 * ConfigLoader#loadClient} (defaults &lt; file &lt; environment &lt; flags) or {@link #defaults()}.
 *
 * <p>Each component is the {@code client} key of the same name, in the order the schema lists
 * them. What a key means, its default and its rule are written once, in the client's schema, and
 * read from there by the loader, this record's checks, every client command's {@code --help}, the
 * README's configuration table and {@link ConfigKeys#keys(String)}; they are not repeated here.
 */
public record ClientConfig(HostPort master, long cacheSize, int parallelism, Duration timeout,
    Path credentials, Path keyFile) {

  /**
   * Validates every component against its key's rule.
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
    ClientSchema.KEY_FILE.require(keyFile);
  }

  /** A configuration without a key file. */
  public ClientConfig(HostPort master, long cacheSize, int parallelism, Duration timeout,
      Path credentials) {
    this(master, cacheSize, parallelism, timeout, credentials, null);
  }

  /** A configuration without credentials (for a cluster with {@code security: none}). */
  public ClientConfig(HostPort master, long cacheSize, int parallelism, Duration timeout) {
    this(master, cacheSize, parallelism, timeout, null);
  }

  /** This configuration with {@link #credentials()} set to {@code file} (null: none). */
  public ClientConfig withCredentials(Path file) {
    return new ClientConfig(master, cacheSize, parallelism, timeout, file, keyFile);
  }

  /** This configuration with {@link #keyFile()} set to {@code file} (null: none). */
  public ClientConfig withKeyFile(Path file) {
    return new ClientConfig(master, cacheSize, parallelism, timeout, credentials, file);
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
   * cacheSize=256MiB, parallelism=4, timeout=30s, credentials=none, keyFile=none}}.
   */
  @Override
  public String toString() {
    return ClientSchema.SCHEMA.render(this);
  }
}
