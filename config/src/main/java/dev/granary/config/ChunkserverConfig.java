package dev.granary.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A chunkserver's configuration, validated and immutable. Build it with {@link
 * ConfigLoader#loadChunkserver} (defaults &lt; file &lt; environment &lt; flags) or {@link
 * #defaults()}.
 *
 * <p>Each component is the {@code chunkserver} key of the same name, in the order the schema lists
 * them. What a key means, its default and its rule are written once, in the chunkserver's schema,
 * and read from there by the loader, this record's checks, {@code granary chunkserver --help}, the
 * README's configuration table and {@link ConfigKeys#keys(String)}; they are not repeated here.
 */
public record ChunkserverConfig(
    String host,
    int port,
    HostPort master,
    Path dataDir,
    long capacity,
    Duration scrubInterval,
    long scrubRate,
    int maxTransfers,
    Duration idleTimeout,
    int maxConnections,
    String joinToken,
    int httpPort) {

  /**
   * Validates every component against its key's rule.
   *
   * @throws ConfigException naming the first invalid key as {@code chunkserver.key}, its value and
   *     what was expected
   */
  public ChunkserverConfig {
    ChunkserverSchema.HOST.require(host);
    ChunkserverSchema.PORT.require(port);
    ChunkserverSchema.MASTER.require(master);
    ChunkserverSchema.DATA_DIR.require(dataDir);
    ChunkserverSchema.CAPACITY.require(capacity);
    ChunkserverSchema.SCRUB_INTERVAL.require(scrubInterval);
    ChunkserverSchema.SCRUB_RATE.require(scrubRate);
    ChunkserverSchema.MAX_TRANSFERS.require(maxTransfers);
    ChunkserverSchema.IDLE_TIMEOUT.require(idleTimeout);
    ChunkserverSchema.MAX_CONNECTIONS.require(maxConnections);
    ChunkserverSchema.JOIN_TOKEN.require(joinToken);
    ChunkserverSchema.HTTP_PORT.require(httpPort);
  }

  /**
   * The same configuration with {@link #httpPort()} 0: the HTTP listener off.
   *
   * @throws ConfigException as the canonical constructor
   */
  public ChunkserverConfig(String host, int port, HostPort master, Path dataDir, long capacity,
      Duration scrubInterval, long scrubRate, int maxTransfers, Duration idleTimeout,
      int maxConnections, String joinToken) {
    this(host, port, master, dataDir, capacity, scrubInterval, scrubRate, maxTransfers,
        idleTimeout, maxConnections, joinToken, 0);
  }

  /**
   * The same configuration without a join token.
   *
   * @throws ConfigException as the canonical constructor
   */
  public ChunkserverConfig(String host, int port, HostPort master, Path dataDir, long capacity,
      Duration scrubInterval, long scrubRate, int maxTransfers, Duration idleTimeout,
      int maxConnections) {
    this(host, port, master, dataDir, capacity, scrubInterval, scrubRate, maxTransfers,
        idleTimeout, maxConnections, "");
  }

  /** This configuration with {@link #joinToken()} set to {@code token}. */
  public ChunkserverConfig withJoinToken(String token) {
    return new ChunkserverConfig(host, port, master, dataDir, capacity, scrubInterval, scrubRate,
        maxTransfers, idleTimeout, maxConnections, token, httpPort);
  }

  /** This configuration with {@link #httpPort()} set to {@code port} (0: off). */
  public ChunkserverConfig withHttpPort(int port) {
    return new ChunkserverConfig(host, this.port, master, dataDir, capacity, scrubInterval,
        scrubRate, maxTransfers, idleTimeout, maxConnections, joinToken, port);
  }

  /**
   * The same configuration with the default {@code maxConnections}: for code that sets the keys of
   * 0.1 only.
   *
   * @throws ConfigException as the canonical constructor
   */
  public ChunkserverConfig(String host, int port, HostPort master, Path dataDir, long capacity,
      Duration scrubInterval, long scrubRate, int maxTransfers, Duration idleTimeout) {
    this(host, port, master, dataDir, capacity, scrubInterval, scrubRate, maxTransfers,
        idleTimeout, ChunkserverSchema.MAX_CONNECTIONS.defaultValue());
  }

  /** The documented defaults, as used when neither file nor flags set a key. */
  public static ChunkserverConfig defaults() {
    return ChunkserverSchema.SCHEMA.defaults();
  }

  /**
   * The effective configuration on one line, sizes and durations as a user would write them, e.g.
   * {@code ChunkserverConfig{host=0.0.0.0, port=7071, master=127.0.0.1:7070, ...}}.
   */
  @Override
  public String toString() {
    return ChunkserverSchema.SCHEMA.render(this);
  }
}
