package dev.granary.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.cli.Main;
import dev.granary.gateway.RestApi;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The programs built on the client library (the CLI and the REST gateway) use only its API: no
 * class of their production code refers to {@code dev.granary.client.internal}. The module system
 * keeps a modular caller out; these two run on the class path, where only this check does.
 */
class ClientBoundaryTest {
  /** How a class file names a class of the internal package: in its constant pool, by slashes. */
  private static final byte[] INTERNAL =
      "dev/granary/client/internal/".getBytes(StandardCharsets.UTF_8);

  @Test
  void cliAndGatewayUseOnlyTheClientApi() throws Exception {
    List<String> offenders = new ArrayList<>();
    int scanned = 0;
    for (Class<?> anchor : List.of(Main.class, RestApi.class)) {
      Path where = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
      scanned += scan(where, offenders);
    }
    assertTrue(scanned > 50, "scanned " + scanned + " classes");
    assertEquals(List.of(), offenders);
  }

  @Test
  void theScanSeesAReferenceToTheInternals() throws Exception {
    // The library's own implementation refers to its internals: the same scan must find it, or
    // the check above could pass by finding nothing.
    Path lib = Path.of(dev.granary.client.GranaryClient.class.getProtectionDomain()
        .getCodeSource().getLocation().toURI());
    List<String> found = new ArrayList<>();
    scan(lib, found);
    assertTrue(found.contains("dev/granary/client/GranaryClient.class"), found.toString());
  }

  /** Adds the classes under {@code where} (a directory or a jar) that name the internals. */
  private static int scan(Path where, List<String> offenders)
      throws IOException, URISyntaxException {
    int n = 0;
    if (Files.isDirectory(where)) {
      List<Path> classes;
      try (Stream<Path> files = Files.walk(where)) {
        classes = files.filter(f -> f.toString().endsWith(".class")).toList();
      }
      for (Path f : classes) {
        n++;
        if (mentions(Files.readAllBytes(f))) {
          offenders.add(where.relativize(f).toString());
        }
      }
      return n;
    }
    try (JarFile jar = new JarFile(where.toFile())) {
      for (JarEntry e : jar.stream().toList()) {
        if (e.getName().endsWith(".class")) {
          n++;
          try (InputStream in = jar.getInputStream(e)) {
            if (mentions(in.readAllBytes())) {
              offenders.add(e.getName());
            }
          }
        }
      }
    }
    return n;
  }

  private static boolean mentions(byte[] classFile) {
    outer:
    for (int i = 0; i + INTERNAL.length <= classFile.length; i++) {
      for (int j = 0; j < INTERNAL.length; j++) {
        if (classFile[i + j] != INTERNAL[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
