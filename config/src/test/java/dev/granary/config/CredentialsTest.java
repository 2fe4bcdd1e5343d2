package dev.granary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CredentialsTest {
  static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\"q\\uote\n"
      + "-----END CERTIFICATE-----\n";
  static final Credentials BOB = new Credentials("bob", "dG9rZW4tYnl0ZXMtaGVyZQ", PEM);

  @TempDir
  Path tmp;

  @Test
  void writtenFileReadsBackWithMode0600AndNoTemporaryLeft() throws IOException {
    Path f = tmp.resolve("bob.credentials");
    BOB.write(f, false);
    assertEquals(BOB, Credentials.read(f));
    assertEquals(Credentials.MODE, Files.getPosixFilePermissions(f));
    try (var files = Files.list(tmp)) {
      assertEquals(1, files.count(), "the temporary file was not removed");
    }
  }

  @Test
  void writeRefusesAnExistingFileUnlessReplacing() throws IOException {
    Path f = tmp.resolve("c.json");
    Files.writeString(f, "keep me");
    assertThrows(FileAlreadyExistsException.class, () -> BOB.write(f, false));
    assertEquals("keep me", Files.readString(f));
    BOB.write(f, true);
    assertEquals(BOB, Credentials.read(f));
    assertEquals(Credentials.MODE, Files.getPosixFilePermissions(f));
  }

  @Test
  void readsJsonWrittenByOtherTools() {
    Credentials c = Credentials.parse("{\"caCert\":\"-----BEGIN CERTIFICATE-----\\nAB\\n\","
        + "\"user\":\"alice\",\"token\":\"t0k\",\"extra\":1}", "f");
    assertEquals(new Credentials("alice", "t0k", "-----BEGIN CERTIFICATE-----\nAB\n"), c);
  }

  @Test
  void missingFileNamesIt() {
    Path f = tmp.resolve("nope.credentials");
    ConfigException e = assertThrows(ConfigException.class, () -> Credentials.read(f));
    assertEquals("credentials file " + f + ": no such file", e.getMessage());
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(delimiter = '|', value = {
    "user: bob                                 | not JSON; expected a JSON object"
        + " {\"user\", \"token\", \"caCert\"}",
    "'  '                                      | not JSON; expected a JSON object",
    "[\"user\"]                                | not JSON; expected a JSON object",
    "{\"user\": \"bob\", \"token\": }          | field \"token\" is not a string",
    "{\"user\": \"bob\"                      | not JSON; expected",
    "{\"user\": \"bob\", \"token\": \"t\" ]} | not JSON (",
    "{\"user\":\"bob\",\"caCert\":\"x\"}       | field \"token\" is missing; expected a JSON object",
    "{\"user\":\"bob\",\"token\":\"t\"}        | field \"caCert\" is missing",
    "{\"token\":\"t\",\"caCert\":\"x\"}        | field \"user\" is missing",
    "{\"user\":7,\"token\":\"t\",\"caCert\":\"x\"} | field \"user\" is not a string",
    "{\"user\":\"\",\"token\":\"t\",\"caCert\":\"x\"} | field \"user\" is empty",
  })
  void malformedFileIsOneLineNamingTheFile(String text, String expected) throws IOException {
    Path f = tmp.resolve("bad.credentials");
    Files.writeString(f, text, StandardCharsets.UTF_8);
    ConfigException e = assertThrows(ConfigException.class, () -> Credentials.read(f));
    assertTrue(e.getMessage().startsWith("credentials file " + f + ": " + expected),
        e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void toStringHidesTheToken() {
    assertFalse(BOB.toString().contains(BOB.token()), BOB.toString());
  }

  @Test
  void clientCredentialsComeFromFlagOverEnvironmentOverFileAndDefaultToNone() throws IOException {
    assertNull(ClientConfig.defaults().credentials());
    assertNull(ClientConfig.defaults().readCredentials());
    Path yaml = tmp.resolve("granary.yaml");
    Files.writeString(yaml, "client:\n  credentials: /from/file\n");
    assertEquals(Path.of("/from/file"),
        ConfigLoader.loadClient(yaml, Map.of(), Map.of()).credentials());
    assertEquals(Path.of("/from/env"), ConfigLoader.loadClient(yaml, Map.of(),
        Map.of("GRANARY_CREDENTIALS", "/from/env")).credentials());
    assertEquals(Path.of("/from/flag"), ConfigLoader.loadClient(yaml,
        Map.of("credentials", "/from/flag"), Map.of("GRANARY_CREDENTIALS", "/from/env"))
        .credentials());
    Path f = tmp.resolve("c");
    BOB.write(f, false);
    assertEquals(BOB, ConfigLoader.loadClient(null, Map.of("credentials", f.toString()),
        Map.of()).readCredentials());
  }
}
