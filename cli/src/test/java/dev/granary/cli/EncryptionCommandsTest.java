package dev.granary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.Compression;
import dev.granary.client.DirectoryPolicy;
import dev.granary.client.EncryptionKey;
import dev.granary.client.PolicyChange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The commands of compression and encryption that need no cluster: {@code key new}, the checks
 * {@code key rotate}, {@code put} and {@code policy} make before dialling, and how a policy's
 * compression and encryption are shown.
 */
class EncryptionCommandsTest {
  /** A master nobody listens on: every command here must fail before dialling it. */
  private static final String NO_MASTER = "127.0.0.1:1";

  @TempDir
  Path tmp;

  private static void failsInOneLine(int code, String expected, String... args) {
    MainTest.Result r = MainTest.run(args);
    assertEquals(code, r.code(), r::toString);
    assertEquals(1, r.err().strip().lines().count(), r::toString);
    assertTrue(r.err().startsWith("granary: ") && r.err().contains(expected), r::toString);
    assertEquals("", r.out(), r::toString);
  }

  @Test
  void keyNewWritesAPrivateKeyFilePrintsItsIdAndNeverOverwrites() throws Exception {
    Path file = tmp.resolve("my.key");
    MainTest.Result r = MainTest.run("key", "new", "--out", file.toString());
    assertEquals(0, r.code(), r::toString);
    EncryptionKey key = EncryptionKey.read(file);
    assertEquals(key.id(), r.out().strip());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

    String before = Files.readString(file);
    failsInOneLine(Failures.EXISTS, file + ": file exists", "key", "new", "--out",
        file.toString());
    assertEquals(before, Files.readString(file), "the key was not overwritten");

    Path other = tmp.resolve("other.key");
    MainTest.Result json = MainTest.run("key", "new", "--out", other.toString(), "--json");
    assertEquals(0, json.code(), json::toString);
    assertEquals("{\"keyFile\":" + Json.write(other.toString()) + ",\"keyId\":\""
        + EncryptionKey.read(other).id() + "\"}", json.out().strip());
    assertFalse(EncryptionKey.read(other).equals(key), "each key is new");

    failsInOneLine(Failures.NOT_FOUND, tmp.resolve("no-dir").toString(), "key", "new", "--out",
        tmp.resolve("no-dir/k.key").toString());
    failsInOneLine(Failures.USAGE, "--out", "key", "new");
  }

  @Test
  void keyRotateReadsBothKeyFilesBeforeDialling() throws Exception {
    Path old = tmp.resolve("old.key");
    EncryptionKey.generate().write(old);
    Path missing = tmp.resolve("missing.key");
    failsInOneLine(Failures.USAGE, "key file " + missing + " does not exist", "key", "rotate",
        "--old-key-file", old.toString(), "--new-key-file", missing.toString(), "/d", "-R",
        "--master", NO_MASTER);
    Path open = tmp.resolve("open.key");
    EncryptionKey.generate().write(open);
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    failsInOneLine(Failures.USAGE, "chmod 600 " + open, "key", "rotate", "--old-key-file",
        open.toString(), "--new-key-file", old.toString(), "/d", "--master", NO_MASTER);
    failsInOneLine(Failures.USAGE, "--new-key-file", "key", "rotate", "--old-key-file",
        old.toString(), "/d", "--master", NO_MASTER);
  }

  @Test
  void everyClientCommandTakesAKeyFile() {
    for (String cmd : new String[] {"put", "get", "cat", "stat", "policy", "bench"}) {
      MainTest.Result r = MainTest.run(cmd, "--help");
      assertTrue(r.out().contains("--key-file=FILE"), cmd + ": " + r.out());
      assertTrue(r.out().contains("GRANARY_KEY_FILE"), cmd + ": " + r.out());
    }
    MainTest.Result rotate = MainTest.run("key", "rotate", "--help");
    assertTrue(rotate.out().contains("--key-file=FILE"), rotate.out());
  }

  @Test
  void aBadCompressionIsAOneLineUsageErrorNamingTheFlag() throws Exception {
    Path local = Files.writeString(tmp.resolve("a.txt"), "hello");
    failsInOneLine(Failures.USAGE, "invalid --compress 'gzip': expected lz4, zstd or none",
        "put", local.toString(), "/a.txt", "--compress", "gzip", "--master", NO_MASTER);
    failsInOneLine(Failures.USAGE, "invalid --compress 'fast': expected lz4, zstd or none, or"
        + " inherit", "policy", "/d", "--compress", "fast", "--master", NO_MASTER);
    assertEquals(Compression.ZSTD, PutCommand.compression("--compress", "ZSTD"));
    assertEquals(Compression.NONE, PutCommand.compression("--compress", "none"));
  }

  @Test
  void aKeyFileThatIsNotAKeyIsAConfigErrorNamingIt() throws Exception {
    Path local = Files.writeString(tmp.resolve("b.txt"), "hello");
    Path notKey = Files.writeString(tmp.resolve("not.key"), "hello\n");
    Files.setPosixFilePermissions(notKey, PosixFilePermissions.fromString("rw-------"));
    failsInOneLine(Failures.USAGE, "key file " + notKey + " is not a Granary key file", "put",
        local.toString(), "/b.txt", "--encrypt", "--key-file", notKey.toString(), "--master",
        NO_MASTER);
  }

  @Test
  void policyCompressAndEncryptSetClearAndRefuseContradictions() throws CliException {
    PolicyChange none = PolicyChange.none();
    assertEquals(Map.of("compress", "0"),
        PolicyCommand.encoding(none, "none", null, false).settings());
    assertEquals(Map.of("compress", "2", "encrypt", "1"),
        PolicyCommand.encoding(none, "zstd", true, false).settings());
    assertEquals(Map.of("compress", "1", "encrypt", "0"),
        PolicyCommand.encoding(none, "lz4", false, false).settings());
    assertEquals(Map.of("compress", "", "encrypt", ""),
        PolicyCommand.encoding(none, "inherit", null, true).settings());
    assertEquals(Map.of(), PolicyCommand.encoding(none, null, null, false).settings());
    assertThrows(CliException.class, () -> PolicyCommand.encoding(none, null, true, true));
    assertThrows(CliException.class, () -> PolicyCommand.encoding(none, "gzip", null, false));

    PolicyCommand on = parse("/d", "--encrypt", "--compress", "zstd");
    assertEquals(Boolean.TRUE, on.encrypt);
    assertEquals("zstd", on.compress);
    assertEquals(Boolean.FALSE, parse("--no-encrypt", "/d").encrypt);
    assertNull(parse("/d").encrypt, "not given: left as it is");
    assertEquals("/d", parse("--encrypt", "/d").dir, "--encrypt takes no value");
    failsInOneLine(Failures.USAGE, "--inherit-encrypt clears what --no-encrypt sets", "policy",
        "/d", "--no-encrypt", "--inherit-encrypt", "--master", NO_MASTER);
  }

  private static PolicyCommand parse(String... args) {
    PolicyCommand cmd = new PolicyCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd;
  }

  @Test
  void aPolicyShowsCompressionAndEncryptionAndWhereTheyComeFrom() {
    DirectoryPolicy p = new DirectoryPolicy("/p/q", List.of(
        new DirectoryPolicy.Setting("compress", "2", "/p"),
        new DirectoryPolicy.Setting("encrypt", "1", "/p/q")));
    assertEquals(Compression.ZSTD, p.compression().orElseThrow());
    assertTrue(p.encrypt().orElseThrow());
    assertEquals("{\"path\":\"/p/q\",\"replication\":null,\"keepVersions\":0,\"trash\":null,"
        + "\"trashMillis\":0,\"compress\":\"zstd\",\"encrypt\":true,"
        + "\"from\":{\"compress\":\"/p\",\"encrypt\":\"/p/q\"}}",
        Json.write(Retained.policyJson(p)));
    String text = Retained.policyText(p).replace(System.lineSeparator(), "\n");
    assertTrue(text.contains("  compress      zstd             (from /p)\n"), text);
    assertTrue(text.contains("  encrypt       yes              (set here)\n"), text);

    DirectoryPolicy off = new DirectoryPolicy("/p", List.of(
        new DirectoryPolicy.Setting("compress", "0", "/p"),
        new DirectoryPolicy.Setting("encrypt", "0", "/p")));
    assertEquals(Compression.NONE, off.compression().orElseThrow());
    assertFalse(off.encrypt().orElseThrow());
    String json = Json.write(Retained.policyJson(off));
    assertTrue(json.contains("\"compress\":\"none\",\"encrypt\":false"), json);
  }
}
