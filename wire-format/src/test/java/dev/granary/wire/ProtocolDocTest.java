package dev.granary.wire;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** PROTOCOL.md names every message type and status with its code, so it cannot silently rot. */
class ProtocolDocTest {
  private static String doc() throws IOException {
    // Surefire runs in the module directory.
    return Files.readString(Path.of("PROTOCOL.md"), StandardCharsets.UTF_8);
  }

  @Test
  void everyMessageTypeHasARowAndAFieldSection() throws IOException {
    String doc = doc();
    for (MessageType t : MessageType.values()) {
      assertTrue(Pattern.compile("(?m)^\\| " + t.code() + " \\| " + t.name() + " \\|")
          .matcher(doc).find(), "PROTOCOL.md has no table row for " + t.code() + " " + t);
      assertTrue(doc.contains("**" + t.code() + " " + t.name() + "**"),
          "PROTOCOL.md has no field section for " + t);
    }
  }

  @Test
  void unassignedCodesBetweenTypesAreListed() throws IOException {
    String doc = doc();
    for (int code = 1; code < 70; code++) {
      if (MessageType.forCode(code) == null) {
        int c = code;
        boolean listed = Pattern.compile("(?m)^\\| (\\d+)(?:–(\\d+))? \\| — \\|").matcher(doc)
            .results().anyMatch(m -> {
              int lo = Integer.parseInt(m.group(1));
              int hi = m.group(2) == null ? lo : Integer.parseInt(m.group(2));
              return lo <= c && c <= hi;
            });
        assertTrue(listed, "PROTOCOL.md does not list unassigned code " + code);
      }
    }
  }

  @Test
  void everyStatusHasARowWithItsExitCode() throws IOException {
    String doc = doc();
    for (Status s : Status.values()) {
      assertTrue(doc.contains("| " + s.code() + " | " + s.name() + " | " + s.exitCode() + " |"),
          "PROTOCOL.md has no row for status " + s);
    }
  }

  @Test
  void versionAndLimitsAreTheCodes() throws IOException {
    String doc = doc();
    assertTrue(doc.startsWith("# Granary wire protocol, version " + Frames.VERSION + "\n"));
    assertTrue(doc.contains("| `MAX_CONTROL_PAYLOAD` | 1 MiB (" + Limits.MAX_CONTROL_PAYLOAD));
    assertTrue(doc.contains("| `MAX_PACKET_PAYLOAD` | " + Limits.MAX_PACKET_PAYLOAD + " "));
    assertTrue(doc.contains("| `MAX_READ_PACKET_PAYLOAD` | " + Limits.MAX_READ_PACKET_PAYLOAD + " "));
    assertTrue(doc.contains("| `READ_PACKET_BLOCKS` | " + Limits.READ_PACKET_BLOCKS + " |"));
    assertTrue(doc.contains("| `BLOCK_SIZE` | 64 KiB (" + Limits.BLOCK_SIZE + ")"));
    assertTrue(doc.contains("| `MAX_STRING_BYTES` | " + Limits.MAX_STRING_BYTES + " |"));
    assertTrue(doc.contains("| `MAX_NAME_BYTES` | " + Limits.MAX_NAME_BYTES + " |"));
    assertTrue(doc.contains("| `MAX_PATH_BYTES` | " + Limits.MAX_PATH_BYTES + " |"));
    assertTrue(doc.contains("| `MAX_LIST_ENTRIES` | " + Limits.MAX_LIST_ENTRIES + " |"));
    assertTrue(doc.contains("| `MAX_LOOKUP_CHUNKS` | " + Limits.MAX_LOOKUP_CHUNKS + " |"));
    assertTrue(doc.contains("| `MAX_KEEP_VERSIONS` | " + Limits.MAX_KEEP_VERSIONS + " |"));
    assertTrue(doc.contains("| `MAX_SNAPSHOTS` | " + Limits.MAX_SNAPSHOTS + " |"));
    assertTrue(doc.contains("| `MAX_TRASH_ENTRIES` | " + Limits.MAX_TRASH_ENTRIES + " |"));
    assertTrue(doc.contains("| `trash` | 0.." + PolicyKeys.MAX_TRASH_MILLIS + " "));
  }
}
