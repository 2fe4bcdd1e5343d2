package dev.granary.chunkserver;

import dev.granary.chunkserver.storage.StoreLayout;
import dev.granary.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The chunkserver's stable id, kept in {@code <dataDir>/node-id} so the node is the same one after
 * a restart (the master keys replica locations by it). Created once, durably: written to a
 * temporary file, forced, renamed, and the directory forced.
 */
final class NodeIdentity {
  static final String FILE = "node-id";
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private NodeIdentity() {}

  /**
   * Returns the id stored in {@code dataDir}, creating {@code cs-<uuid>} if there is none.
   *
   * @throws ConfigException if the file exists but does not hold a valid id
   * @throws IOException if it cannot be read or written
   */
  static String loadOrCreate(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    if (Files.exists(file)) {
      String id = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (!VALID.matcher(id).matches()) {
        throw new ConfigException("chunkserver.dataDir " + dataDir + ": " + file
            + " does not hold a valid node id (expected 1-128 of [A-Za-z0-9._-])");
      }
      return id;
    }
    String id = "cs-" + UUID.randomUUID();
    StoreLayout.writeDurably(dataDir, FILE, id + "\n");
    return id;
  }
}
