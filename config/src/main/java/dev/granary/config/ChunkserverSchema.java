package dev.granary.config;

import static dev.granary.config.Sizes.MIB;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The chunkserver's keys, defaults and rules; {@link ChunkserverConfig} is built from them. */
final class ChunkserverSchema {
  static final String SECTION = "chunkserver";

  static final Key<String> HOST = Key.host(SECTION, "host", "0.0.0.0");
  static final Key<Integer> PORT = Key.port(SECTION, "port", 7071);
  static final Key<HostPort> MASTER =
      Key.address(SECTION, "master", new HostPort("127.0.0.1", 7070));
  static final Key<Path> DATA_DIR =
      Key.path(SECTION, "dataDir", Path.of("data", "chunkserver"));
  static final Key<Long> CAPACITY =
      Key.size(
          SECTION,
          "capacity",
          0,
          size -> size >= 0,
          "a size of 0 or more (0 means the free space of the data dir's disk)");
  static final Key<Duration> SCRUB_INTERVAL =
      Key.duration(SECTION, "scrubInterval", Duration.ofHours(1), Duration.ofSeconds(1));
  static final Key<Long> SCRUB_RATE =
      Key.size(
          SECTION,
          "scrubRate",
          64 * MIB,
          size -> size >= MIB,
          "a size of at least 1MiB (bytes per second)");
  static final Key<Integer> MAX_TRANSFERS = Key.integer(SECTION, "maxTransfers", 64, 1, 4096);
  static final Key<Duration> IDLE_TIMEOUT =
      Key.duration(SECTION, "idleTimeout", Duration.ofSeconds(60), Duration.ofSeconds(1));
  static final Key<Integer> MAX_CONNECTIONS =
      Key.integer(SECTION, "maxConnections", 4096, 1, 1_000_000);
  static final Key<String> JOIN_TOKEN = Key.secret(SECTION, "joinToken",
      "a join token (gr1.HASH.SECRET, from the master's join-token file)",
      text -> text.startsWith("gr1.") && text.split("\\.", -1).length == 3);
  /** The HTTP(S) listener (this node's metrics); 0 (default) turns it off. */
  static final Key<Integer> HTTP_PORT = Key.port(SECTION, "httpPort", 0);

  static final Schema<ChunkserverConfig> SCHEMA =
      new Schema<>(
          SECTION,
          List.of(
              HOST,
              PORT,
              MASTER,
              DATA_DIR,
              CAPACITY,
              SCRUB_INTERVAL,
              SCRUB_RATE,
              MAX_TRANSFERS,
              IDLE_TIMEOUT,
              MAX_CONNECTIONS,
              JOIN_TOKEN,
              HTTP_PORT),
          List.of(),
          Map.of(JOIN_TOKEN, "GRANARY_JOIN_TOKEN"),
          values ->
              new ChunkserverConfig(
                  values.get(HOST),
                  values.get(PORT),
                  values.get(MASTER),
                  values.get(DATA_DIR),
                  values.get(CAPACITY),
                  values.get(SCRUB_INTERVAL),
                  values.get(SCRUB_RATE),
                  values.get(MAX_TRANSFERS),
                  values.get(IDLE_TIMEOUT),
                  values.get(MAX_CONNECTIONS),
                  values.get(JOIN_TOKEN),
                  values.get(HTTP_PORT)));

  private ChunkserverSchema() {}
}
