package dev.granary.config;

import static dev.granary.config.Sizes.MIB;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The chunkserver's keys, defaults and rules; {@link ChunkserverConfig} is built from them. */
final class ChunkserverSchema {
  static final String SECTION = "chunkserver";

  static final Key<String> HOST = Key.host(SECTION, "host", "0.0.0.0")
      .describe(Key.BIND_ADDRESS);
  static final Key<Integer> PORT = Key.port(SECTION, "port", 7071)
      .describe(Key.SERVER_PORT);
  static final Key<HostPort> MASTER =
      Key.address(SECTION, "master", new HostPort("127.0.0.1", 7070))
          .describe("The master's address");
  static final Key<Path> DATA_DIR =
      Key.path(SECTION, "dataDir", Path.of("data", "chunkserver"))
          .label("DIR")
          .describe("Directory of the replica files and their checksums");
  static final Key<Long> CAPACITY =
      Key.size(
          SECTION,
          "capacity",
          0,
          size -> size >= 0,
          "a size of 0 or more (0 means the free space of the data dir's disk)")
      .describe("Bytes this server offers; 0 means the free space of the data dir's disk");
  static final Key<Duration> SCRUB_INTERVAL =
      Key.duration(SECTION, "scrubInterval", Duration.ofHours(1), Duration.ofSeconds(1))
          .describe("How often every replica's checksums are verified, at least 1s");
  static final Key<Long> SCRUB_RATE =
      Key.size(
          SECTION,
          "scrubRate",
          64 * MIB,
          size -> size >= MIB,
          "a size of at least 1MiB (bytes per second)")
      .describe("The scrubber's reads in bytes per second, at least 1MiB");
  static final Key<Integer> MAX_TRANSFERS = Key.integer(SECTION, "maxTransfers", 64, 1, 4096)
      .describe("Concurrent chunk transfers served, 1 to 4096");
  static final Key<Duration> IDLE_TIMEOUT =
      Key.duration(SECTION, "idleTimeout", Duration.ofSeconds(60), Duration.ofSeconds(1))
          .describe("Close a connection idle this long, and abort a write stream that sends no"
              + " data for as long; at least 1s");
  static final Key<Integer> MAX_CONNECTIONS =
      Key.integer(SECTION, "maxConnections", 4096, 1, 1_000_000)
          .describe(Key.MAX_CONNECTIONS);
  static final Key<String> JOIN_TOKEN = Key.secret(SECTION, "joinToken",
      "a join token (gr1.HASH.SECRET, from the master's join-token file)",
      text -> text.startsWith("gr1.") && text.split("\\.", -1).length == 3)
      .env("GRANARY_JOIN_TOKEN")
      .describe("The cluster's join token (the master's join-token file), needed once to get"
          + " this node's certificate; never printed");
  static final Key<Integer> HTTP_PORT = Key.port(SECTION, "httpPort", 0)
      .describe("HTTP(S) port of this node's metrics (/metrics); 0 is off, so several"
          + " chunkservers share a host without choosing ports");

  static final Schema<ChunkserverConfig> SCHEMA =
      new Schema<>(
          SECTION,
          ChunkserverConfig.class,
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
