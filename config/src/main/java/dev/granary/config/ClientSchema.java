package dev.granary.config;

import static dev.granary.config.Sizes.MIB;

import java.time.Duration;
import java.util.List;

/** The client's keys, defaults and rules; {@link ClientConfig} is built from them. */
final class ClientSchema {
  static final String SECTION = "client";

  static final Key<HostPort> MASTER = Key.address(SECTION, "master", new HostPort("127.0.0.1", 7070))
      .env(ConfigKeys.ENV_MASTER)
      .describe("The master's address");
  static final Key<Long> CACHE_SIZE =
      Key.size(
          SECTION,
          "cacheSize",
          256 * MIB,
          size -> size >= 0,
          "a size of 0 or more (0 disables the cache)")
      .describe("Bytes of chunk locations and data the client may cache; 0 disables the cache");
  static final Key<Integer> PARALLELISM = Key.integer(SECTION, "parallelism", 4, 1, 64)
      .describe("Concurrent chunk transfers per command, 1 to 64");
  static final Key<Duration> TIMEOUT =
      Key.duration(SECTION, "timeout", Duration.ofSeconds(30), Duration.ofMillis(100))
          .describe("How long transient failures are retried before giving up, at least 100ms");
  static final Key<java.nio.file.Path> CREDENTIALS = Key.optionalPath(SECTION, "credentials")
      .env(ConfigKeys.ENV_CREDENTIALS)
      .describe("Credentials file to authenticate with: JSON {user, token, caCert}");

  static final Key<java.nio.file.Path> KEY_FILE = Key.optionalPath(SECTION, "keyFile")
      .env(ConfigKeys.ENV_KEY_FILE)
      .describe("Key file (granary key new) that encrypts and decrypts files on this client");

  static final Schema<ClientConfig> SCHEMA =
      new Schema<>(
          SECTION,
          ClientConfig.class,
          List.of(MASTER, CACHE_SIZE, PARALLELISM, TIMEOUT, CREDENTIALS, KEY_FILE),
          List.of(),
          values ->
              new ClientConfig(
                  values.get(MASTER),
                  values.get(CACHE_SIZE),
                  values.get(PARALLELISM),
                  values.get(TIMEOUT),
                  values.get(CREDENTIALS),
                  values.get(KEY_FILE)));

  private ClientSchema() {}
}
