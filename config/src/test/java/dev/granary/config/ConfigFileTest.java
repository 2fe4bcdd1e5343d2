package dev.granary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** YAML files: shape, names, safety limits and how values are read. */
class ConfigFileTest {
  /** The YAML block of CONTRACT.md's "Configuration" section, verbatim. */
  private static final String CONTRACT_EXAMPLE =
      """
      master:      {port: 7070, dataDir: data/master, chunkSize: 64MiB, replication: 3, minReplicas: 2,
                    pulseInterval: 1s, deadAfter: 10s, gcInterval: 30s, placement: round-robin}
      chunkserver: {port: 7071, master: 127.0.0.1:7070, dataDir: data/chunkserver, capacity: 0, scrubInterval: 1h}
      client:      {master: 127.0.0.1:7070, cacheSize: 256MiB, parallelism: 4, timeout: 30s}
      """;

  @TempDir Path dir;

  @Test
  void contractExampleLoadsToTheDocumentedDefaults() throws IOException {
    Path file = write("granary.yaml", CONTRACT_EXAMPLE);
    assertEquals(MasterConfig.defaults(), ConfigLoader.loadMaster(file, Map.of()));
    assertEquals(ChunkserverConfig.defaults(), ConfigLoader.loadChunkserver(file, Map.of()));
    assertEquals(ClientConfig.defaults(), ConfigLoader.loadClient(file, Map.of(), Map.of()));
  }

  @Test
  void oneFileServesEveryRoleFromItsOwnSection() throws IOException {
    Path file =
        write(
            "all.yaml",
            """
            master:
              port: 7000
              replication: 2
              minReplicas: 1
            chunkserver:
              port: 7001
              master: 10.0.0.1:7000
              dataDir: /srv/granary/chunks
            client:
              master: 10.0.0.1:7000
              parallelism: 8
            """);
    MasterConfig master = ConfigLoader.loadMaster(file, Map.of());
    assertEquals(7000, master.port());
    assertEquals(2, master.replication());
    assertEquals(1, master.minReplicas());
    ChunkserverConfig chunkserver = ConfigLoader.loadChunkserver(file, Map.of());
    assertEquals(7001, chunkserver.port());
    assertEquals(new HostPort("10.0.0.1", 7000), chunkserver.master());
    assertEquals(Path.of("/srv/granary/chunks"), chunkserver.dataDir());
    ClientConfig client = ConfigLoader.loadClient(file, Map.of(), Map.of());
    assertEquals(new HostPort("10.0.0.1", 7000), client.master());
    assertEquals(8, client.parallelism());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "",
        "# only a comment\n",
        "---\n",
        "---\n...\n",
        "master:\n",
        "master: ~\n",
        "master: {}\n",
        "master:\nchunkserver:\nclient:\n",
        "\n\n   \n",
      })
  void emptyFilesAndSectionsMeanDefaults(String yaml) throws IOException {
    Path file = write("empty.yaml", yaml);
    assertEquals(MasterConfig.defaults(), ConfigLoader.loadMaster(file, Map.of()));
    assertEquals(ChunkserverConfig.defaults(), ConfigLoader.loadChunkserver(file, Map.of()));
    assertEquals(ClientConfig.defaults(), ConfigLoader.loadClient(file, Map.of(), Map.of()));
  }

  @Test
  void valuesAreReadAsWrittenWhateverTheirYamlType() throws IOException {
    Path file =
        write(
            "types.yaml",
            """
            master:
              port: 07070
              chunkSize: 1048576
              replication: "4"
              pulseInterval: '500ms'
              dataDir: "data dir/master"
              host: 127.0.0.1
            chunkserver:
              capacity: 0
              scrubRate: 2 MiB
            client:
              master: localhost:7070
            """);
    MasterConfig master = ConfigLoader.loadMaster(file, Map.of());
    assertEquals(7070, master.port());
    assertEquals(1L << 20, master.chunkSize());
    assertEquals(4, master.replication());
    assertEquals(Duration.ofMillis(500), master.pulseInterval());
    assertEquals(Path.of("data dir/master"), master.dataDir());
    assertEquals("127.0.0.1", master.host());
    ChunkserverConfig chunkserver = ConfigLoader.loadChunkserver(file, Map.of());
    assertEquals(0, chunkserver.capacity());
    assertEquals(2L << 20, chunkserver.scrubRate());
    assertEquals(
        new HostPort("localhost", 7070), ConfigLoader.loadClient(file, Map.of(), Map.of()).master());
  }

  @Test
  void yamlBooleansAndNumbersAreNotReinterpreted() throws IOException {
    Path placement = write("no.yaml", "master:\n  placement: no\n");
    assertEquals(
        "config " + placement + ": invalid master.placement \"no\": expected one of round-robin,"
            + " most-free-space",
        load(placement));
    Path timeout = write("timeout.yaml", "client:\n  timeout: 30\n");
    assertEquals(
        "config " + timeout + ": invalid client.timeout \"30\": a unit is required; expected one"
            + " of ms, s, m, h, d after the number, e.g. 30s",
        assertThrows(
                ConfigException.class, () -> ConfigLoader.loadClient(timeout, Map.of(), Map.of()))
            .getMessage());
    Path hex = write("hex.yaml", "master:\n  port: 0x1F\n");
    assertEquals(
        "config " + hex + ": invalid master.port \"0x1F\": expected an integer between 0 and"
            + " 65535",
        load(hex));
  }

  @Test
  void badFileValueNamesTheFileSectionKeyAndValue() throws IOException {
    Path file = write("data.yaml", "master:\n  chunkSize: 100KiB\n");
    assertEquals(
        "config " + file + ": invalid master.chunkSize \"100KiB\": expected a multiple of 64KiB"
            + " between 64KiB and 1GiB",
        load(file));
  }

  @Test
  void onlyTheRolesOwnSectionHasItsValuesChecked() throws IOException {
    Path file = write("other.yaml", "chunkserver:\n  port: not-a-port\nmaster:\n  port: 7000\n");
    assertEquals(7000, ConfigLoader.loadMaster(file, Map.of()).port());
    assertEquals(
        "config " + file + ": invalid chunkserver.port \"not-a-port\": expected an integer between"
            + " 0 and 65535",
        assertThrows(ConfigException.class, () -> ConfigLoader.loadChunkserver(file, Map.of()))
            .getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"master:\n  port:\n", "master:\n  port: ~\n", "master:\n  port: null\n",
      "master:\n  port: ''\n", "master: {port: }\n"})
  void emptyValuesAreErrorsNamingTheKey(String yaml) throws IOException {
    Path file = write("null.yaml", yaml);
    assertEquals(
        "config " + file + ": master.port has no value; expected an integer between 0 and 65535",
        load(file));
  }

  @Test
  void listAndMappingValuesAreErrors() throws IOException {
    Path list = write("list.yaml", "master:\n  port: [7070, 7071]\n");
    assertEquals(
        "config " + list + ": invalid master.port: expected an integer between 0 and 65535, not a"
            + " list",
        load(list));
    Path mapping = write("map.yaml", "master:\n  dataDir: {path: x}\n");
    assertEquals(
        "config " + mapping + ": invalid master.dataDir: expected a non-empty path, not a mapping",
        load(mapping));
  }

  @Test
  void unknownKeyGetsADidYouMeanSuggestion() throws IOException {
    Path file = write("data.yaml", "master:\n  chunksize: 64MiB\n");
    assertEquals(
        "config " + file + ": unknown key master.chunksize — did you mean chunkSize?", load(file));
    Path typo = write("typo.yaml", "master:\n  replicaton: 3\n");
    assertEquals(
        "config " + typo + ": unknown key master.replicaton — did you mean replication?",
        load(typo));
  }

  @Test
  void unknownKeyWithoutACloseMatchListsTheSectionsKeys() throws IOException {
    Path file = write("foo.yaml", "client:\n  foo: 1\n");
    assertEquals(
        "config " + file + ": unknown key client.foo; expected one of master, cacheSize,"
            + " parallelism, timeout, credentials, keyFile",
        load(file));
  }

  @Test
  void unknownKeysInEverySectionAreErrorsForEveryRole() throws IOException {
    Path file = write("cs.yaml", "master:\n  port: 7000\nchunkserver:\n  scrubIntervl: 1h\n");
    String message =
        "config " + file + ": unknown key chunkserver.scrubIntervl — did you mean scrubInterval?";
    assertEquals(message, load(file));
    assertEquals(
        message,
        assertThrows(
                ConfigException.class, () -> ConfigLoader.loadClient(file, Map.of(), Map.of()))
            .getMessage());
  }

  @Test
  void keyOfAnotherSectionIsUnknownHere() throws IOException {
    Path file = write("wrong.yaml", "client:\n  chunkSize: 64MiB\n");
    assertEquals(
        "config " + file + ": unknown key client.chunkSize; expected one of master, cacheSize,"
            + " parallelism, timeout, credentials, keyFile",
        load(file));
    Path master = write("master.yaml", "master:\n  capacity: 1GiB\n");
    assertEquals(
        "config " + master + ": unknown key master.capacity; expected one of host, port, dataDir,"
            + " chunkSize, replication, minReplicas, pulseInterval, deadAfter, gcInterval,"
            + " placement, checkpointOps, maxCopiesPerNode, maxConnections, leaseTimeout, security,"
            + " balanceThreshold, balanceBandwidth, httpPort, dedup",
        load(master));
  }

  @Test
  void unknownSectionGetsASuggestionOrTheList() throws IOException {
    Path typo = write("typo.yaml", "mastr:\n  port: 7070\n");
    assertEquals("config " + typo + ": unknown section mastr — did you mean master?", load(typo));
    Path upper = write("upper.yaml", "Client:\n  timeout: 1s\n");
    assertEquals(
        "config " + upper + ": unknown section Client — did you mean client?", load(upper));
    Path other = write("other.yaml", "logging:\n  level: debug\n");
    assertEquals(
        "config " + other + ": unknown section logging; expected one of master, chunkserver,"
            + " client",
        load(other));
  }

  @Test
  void malformedYamlIsOneLineWithPosition() throws IOException {
    Path file = write("broken.yaml", "master:\n  port: [1\n");
    assertEquals(
        "config " + file + ": invalid YAML at line 3, column 1: expected ',' or ']', but got"
            + " <stream end>",
        load(file));
    Path indent = write("indent.yaml", "master:\n  port: 1\n   dataDir: x\n");
    assertEquals(
        "config " + indent + ": invalid YAML at line 3, column 11: mapping values are not allowed"
            + " here",
        load(indent));
    Path tab = write("tab.yaml", "master:\n\tport: 1\n");
    String message = load(tab);
    assertTrue(
        message.startsWith("config " + tab + ": invalid YAML at line 2, column 1: "), message);
    assertTrue(!message.contains("\n"), message);
  }

  @Test
  void severalDocumentsAreRejected() throws IOException {
    Path file = write("two.yaml", "master: {port: 1}\n---\nmaster: {port: 2}\n");
    assertEquals(
        "config " + file + ": invalid YAML at line 2, column 1: expected a single document in the"
            + " stream, but found another document",
        load(file));
  }

  @Test
  void duplicateKeysAndSectionsAreRejected() throws IOException {
    Path keys = write("dup.yaml", "master:\n  port: 7070\n  port: 7071\n");
    assertEquals(
        "config " + keys + ": invalid YAML at line 3, column 3: duplicate key master.port",
        load(keys));
    Path sections = write("dups.yaml", "master:\n  port: 7070\nmaster:\n  port: 7071\n");
    assertEquals(
        "config " + sections + ": invalid YAML at line 3, column 1: duplicate section master",
        load(sections));
  }

  @Test
  void aliasBombIsRejected() throws IOException {
    Path file =
        write(
            "bomb.yaml",
            """
            a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
            d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
            e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
            f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
            g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
            h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
            i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
            """);
    assertEquals(
        "config " + file + ": invalid YAML: Number of aliases for non-scalar nodes exceeds the"
            + " specified max=10",
        load(file));
  }

  @Test
  void scalarAliasesAreAllowed() throws IOException {
    Path file =
        write(
            "alias.yaml",
            "master:\n  port: &p 7000\nchunkserver:\n  master: &m 10.0.0.1:7000\n"
                + "client:\n  master: *m\n");
    assertEquals(
        new HostPort("10.0.0.1", 7000), ConfigLoader.loadClient(file, Map.of(), Map.of()).master());
  }

  @Test
  void deepNestingIsRejected() throws IOException {
    Path file = write("deep.yaml", "master:\n  port: " + "[".repeat(30) + "]".repeat(30) + "\n");
    String message = load(file);
    assertTrue(message.startsWith("config " + file + ": invalid YAML"), message);
    assertTrue(message.contains("Nesting Depth exceeded max 20"), message);
  }

  @Test
  void oversizeFileIsRejectedBeforeParsing() throws IOException {
    // Valid YAML, so only the size check can reject it.
    String line = "# " + "x".repeat(97) + "\n";
    Path file = write("big.yaml", line.repeat(ConfigFile.MAX_BYTES / line.length() + 1));
    assertTrue(Files.size(file) > ConfigFile.MAX_BYTES);
    assertEquals("config " + file + ": file is too large; expected at most 1MiB", load(file));
  }

  @Test
  void fileUnderOneMibButOverAMillionCodePointsIsRejected() throws IOException {
    String line = "# " + "x".repeat(97) + "\n";
    Path file = write("long.yaml", line.repeat(10_300) + "master:\n  port: 7000\n");
    assertTrue(Files.size(file) <= ConfigFile.MAX_BYTES);
    assertEquals(
        "config " + file + ": invalid YAML: The incoming YAML document exceeds the limit:"
            + " 1000000 code points.",
        load(file));
  }

  @Test
  void largeFileWithinTheLimitsLoads() throws IOException {
    String line = "# " + "x".repeat(97) + "\n";
    Path file = write("large.yaml", "master:\n  port: 7000\n" + line.repeat(9_000));
    assertEquals(7000, ConfigLoader.loadMaster(file, Map.of()).port());
  }

  @Test
  void unsupportedTagsAreRejected() throws IOException {
    Path file = write("tag.yaml", "master:\n  host: !!python/object:os.system x\n");
    assertEquals(
        "config " + file + ": invalid YAML at line 2, column 9: Global tag is not allowed:"
            + " tag:yaml.org,2002:python/object:os.system",
        load(file));
    Path local = write("local.yaml", "master: !cfg\n  port: 1\n");
    assertEquals(
        "config " + local + ": invalid YAML at line 1, column 9: unsupported tag !cfg",
        load(local));
  }

  @Test
  void standardTagsAreAllowed() throws IOException {
    Path file = write("std.yaml", "master:\n  port: !!str 7000\n  replication: !!int 2\n");
    MasterConfig config = ConfigLoader.loadMaster(file, Map.of());
    assertEquals(7000, config.port());
    assertEquals(2, config.replication());
  }

  @Test
  void mergeKeysAreRejectedWithAnExplanation() throws IOException {
    Path file = write("merge.yaml", "master:\n  <<: {port: 7000}\n");
    assertEquals(
        "config " + file + ": invalid YAML at line 2, column 3: merge keys (<<) are not"
            + " supported; write each key out",
        load(file));
  }

  @Test
  void topLevelAndSectionsMustBeMappings() throws IOException {
    Path scalar = write("scalar.yaml", "hello\n");
    assertEquals(
        "config " + scalar + ": expected a mapping of sections (master, chunkserver, client) at"
            + " the top level",
        load(scalar));
    Path list = write("list.yaml", "- master\n");
    assertEquals(
        "config " + list + ": expected a mapping of sections (master, chunkserver, client) at the"
            + " top level",
        load(list));
    Path section = write("section.yaml", "master: 7070\n");
    assertEquals(
        "config " + section + ": invalid section master: expected a mapping of keys to values,"
            + " e.g. master: {host: ...}",
        load(section));
    Path listKey = write("key.yaml", "master:\n  [a, b]: 1\n");
    assertEquals(
        "config " + listKey + ": invalid YAML at line 2, column 3: expected a key name, not a"
            + " list",
        load(listKey));
  }

  @Test
  void missingFileIsOneLineNamingIt() {
    Path file = dir.resolve("missing.yaml");
    assertEquals("config " + file + ": file not found", load(file));
  }

  @Test
  void directoryIsNotAConfigFile() {
    assertEquals("config " + dir + ": is a directory; expected a YAML file", load(dir));
  }

  @Test
  void invalidUtf8IsRejected() throws IOException {
    Path file = dir.resolve("latin1.yaml");
    Files.write(file, "master:\n  dataDir: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    assertEquals("config " + file + ": not valid UTF-8; expected a UTF-8 YAML file", load(file));
  }

  @Test
  void utf8WithByteOrderMarkAndNonAsciiValuesLoads() throws IOException {
    Path file = write("bom.yaml", "\uFEFFmaster:\n  dataDir: données/maître\n");
    assertEquals(Path.of("données/maître"), ConfigLoader.loadMaster(file, Map.of()).dataDir());
  }

  @Test
  void fileValuesWithLineBreaksStayOnOneLineInMessages() throws IOException {
    Path file = write("multi.yaml", "master:\n  placement: \"round\\nrobin\"\n");
    assertEquals(
        "config " + file + ": invalid master.placement \"round\\nrobin\": expected one of"
            + " round-robin, most-free-space — did you mean round-robin?",
        load(file));
  }

  private String load(Path file) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.loadMaster(file, Map.of()))
        .getMessage();
  }

  private Path write(String name, String yaml) throws IOException {
    return Files.writeString(dir.resolve(name), yaml);
  }
}
