package dev.granary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the schema tells people about each key, and the effective-config line it renders. */
class SchemaTest {
  @TempDir
  Path tmp;

  /** A record for schemas built in tests. */
  record Pair(int port, String host) {}

  private static final Key<Integer> PORT = Key.port("test", "port", 7).describe("A port");
  private static final Key<String> HOST = Key.host("test", "host", "h").describe("A host");

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"master", "chunkserver", "client"})
  void everyKeyHasItsFlagLabelDescriptionAndDefault(String section) {
    List<KeyInfo> keys = ConfigKeys.keys(section);
    assertEquals(ConfigKeys.keys(section).stream().map(KeyInfo::name).toList(), switch (section) {
      case "master" -> ConfigKeys.masterKeys();
      case "chunkserver" -> ConfigKeys.chunkserverKeys();
      default -> ConfigKeys.clientKeys();
    });
    for (KeyInfo key : keys) {
      assertEquals(section, key.section());
      assertEquals(ConfigKeys.toFlag(key.name()), key.flag());
      assertTrue(key.label().matches("[A-Z:]+"), key + " label");
      assertFalse(key.description().isBlank(), key + " description");
      assertFalse(key.description().endsWith("."), key + " description");
    }
  }

  @Test
  void defaultsAreRenderedByTheirKey() {
    Map<String, KeyInfo> master = byName(ConfigKeys.MASTER_SECTION);
    assertEquals("64MiB", master.get("chunkSize").defaultValue());
    assertEquals("SIZE", master.get("chunkSize").label());
    assertEquals("1s", master.get("pulseInterval").defaultValue());
    assertEquals("DUR", master.get("pulseInterval").label());
    assertEquals("data/master", master.get("dataDir").defaultValue());
    assertEquals("DIR", master.get("dataDir").label());
    assertEquals("round-robin", master.get("placement").defaultValue());
    assertEquals("--max-copies-per-node", master.get("maxCopiesPerNode").flag());
    assertNull(master.get("port").environment());

    Map<String, KeyInfo> chunkserver = byName(ConfigKeys.CHUNKSERVER_SECTION);
    assertEquals("1h", chunkserver.get("scrubInterval").defaultValue());
    assertEquals("127.0.0.1:7070", chunkserver.get("master").defaultValue());
    assertNull(chunkserver.get("joinToken").defaultValue());
    assertEquals("GRANARY_JOIN_TOKEN", chunkserver.get("joinToken").environment());

    Map<String, KeyInfo> client = byName(ConfigKeys.CLIENT_SECTION);
    assertEquals("256MiB", client.get("cacheSize").defaultValue());
    assertNull(client.get("credentials").defaultValue());
    assertEquals(ConfigKeys.ENV_CREDENTIALS, client.get("credentials").environment());
    assertEquals(ConfigKeys.ENV_MASTER, client.get("master").environment());
    assertEquals("client.master", client.get("master").qualifiedName());
  }

  @Test
  void anUnknownSectionIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ConfigKeys.keys("mastr"));
    assertEquals("unknown section \"mastr\": expected one of master, chunkserver, client",
        e.getMessage());
  }

  @Test
  void theEffectiveLineSaysWhereEveryValueCameFrom() throws Exception {
    Path file = Files.writeString(tmp.resolve("g.yaml"),
        "master:\n  port: 9000\n  chunkSize: 1MiB\n");
    Effective<MasterConfig> master =
        ConfigLoader.effectiveMaster(file, Map.of("port", "9001", "security", "none"));
    assertEquals(ConfigLoader.loadMaster(file, Map.of("port", "9001", "security", "none")),
        master.config());
    assertEquals("MasterConfig{host=0.0.0.0 (default), port=9001 (flag --port),"
        + " dataDir=data/master (default), chunkSize=1MiB (file " + file + "),"
        + " replication=3 (default), minReplicas=2 (default), pulseInterval=1s (default),"
        + " deadAfter=10s (default), gcInterval=30s (default), placement=round-robin (default),"
        + " checkpointOps=100000 (default), maxCopiesPerNode=32 (default),"
        + " maxConnections=4096 (default), leaseTimeout=2m (default), security=none (flag"
        + " --security), balanceThreshold=10 (default), balanceBandwidth=64MiB (default),"
        + " httpPort=7080 (default), dedup=false (default)}", master.toString());

    Effective<ChunkserverConfig> chunkserver = ConfigLoader.effectiveChunkserver(null,
        Map.of("scrubRate", "2MiB"), Map.of("GRANARY_JOIN_TOKEN", "gr1.abc.secret"));
    assertTrue(chunkserver.description().contains(
        "scrubRate=2MiB (flag --scrub-rate), "), chunkserver.description());
    assertTrue(chunkserver.description().endsWith(
        "joinToken=(set) (env GRANARY_JOIN_TOKEN), httpPort=0 (default)}"),
        chunkserver.description());
    assertFalse(chunkserver.description().contains("secret"), chunkserver.description());

    Effective<ChunkserverConfig> flagged = ConfigLoader.effectiveChunkserver(null,
        Map.of("joinToken", "gr1.abc.flag"), Map.of("GRANARY_JOIN_TOKEN", "gr1.abc.secret"));
    assertTrue(flagged.description().contains("joinToken=(set) (flag --join-token)"),
        flagged.description());
    assertEquals("gr1.abc.flag", flagged.config().joinToken());
  }

  @Test
  void aRecordRendersEveryKeyInOrder() {
    Schema<Pair> schema = new Schema<>("test", Pair.class, List.of(PORT, HOST), List.of(),
        values -> new Pair(values.get(PORT), values.get(HOST)));
    assertEquals("Pair{port=7, host=h}", schema.render(schema.defaults()));
    assertEquals("Pair{port=8 (a), host=x (b)}",
        schema.render(new Pair(8, "x"), key -> key == PORT ? " (a)" : " (b)"));
  }

  @Test
  void theKeysMustBeTheRecordsComponentsInOrder() {
    IllegalStateException order = assertThrows(IllegalStateException.class,
        () -> new Schema<>("test", Pair.class, List.of(HOST, PORT), List.of(),
            values -> new Pair(values.get(PORT), values.get(HOST))));
    assertEquals("Pair component 0 is port but key 0 of section test is host", order.getMessage());
    IllegalStateException missing = assertThrows(IllegalStateException.class,
        () -> new Schema<>("test", Pair.class, List.of(PORT), List.of(),
            values -> new Pair(values.get(PORT), "h")));
    assertEquals("Pair has 2 components but section test has 1 keys", missing.getMessage());
  }

  @Test
  void everyKeyNeedsOneSentenceOfDescription() {
    Key<String> undescribed = Key.host("test", "host", "h");
    Key<String> fullStop = undescribed.describe("A host.");
    for (Key<String> host : List.of(undescribed, fullStop)) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> new Schema<>("test", Pair.class, List.of(PORT, host), List.of(),
              values -> new Pair(values.get(PORT), values.get(host))));
      assertEquals("test.host needs a description: one sentence without a final full stop",
          e.getMessage());
    }
  }

  private static Map<String, KeyInfo> byName(String section) {
    Map<String, KeyInfo> keys = new java.util.LinkedHashMap<>();
    ConfigKeys.keys(section).forEach(key -> keys.put(key.name(), key));
    return keys;
  }
}
