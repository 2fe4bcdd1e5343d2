package dev.granary.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A credentials file: who a client is and what it trusts. JSON with three string fields,
 * {@code {"user": "...", "token": "...", "caCert": "-----BEGIN CERTIFICATE-----..."}}: the user
 * name, its secret token (what the master verifies, and what REST clients send as a Bearer token)
 * and the PEM certificate of the cluster's authority. The file holds a secret: it is written mode
 * 0600, atomically (temporary file, fsync, rename), and {@link #toString()} never shows the token.
 *
 * <p>Read with SnakeYAML (already this module's parser; JSON is YAML's flow syntax), after checking
 * that the text is a JSON object, so a YAML-only file is refused as "not JSON".
 */
public record Credentials(String user, String token, String caCert) {
  /** Mode of every credentials file. */
  public static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-------");
  /** The largest credentials file read (a token and one certificate are a few KiB). */
  static final int MAX_BYTES = 64 * 1024;

  public Credentials {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(caCert, "caCert");
  }

  /**
   * Reads and checks a credentials file.
   *
   * @throws ConfigException one line naming the file and what is wrong: missing, unreadable, too
   *     large, not a JSON object, or a field missing, empty or not a string
   */
  public static Credentials read(Path file) {
    String text;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new ConfigException(what(file) + ": larger than " + MAX_BYTES
            + " bytes; expected a JSON object {\"user\", \"token\", \"caCert\"}");
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(what(file) + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new ConfigException(what(file) + ": cannot read it (permission denied)", e);
    } catch (IOException e) {
      throw new ConfigException(what(file) + ": cannot read it ("
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")", e);
    }
    return parse(text, what(file));
  }

  /** Parses the text of a credentials file; {@code name} names it in messages. */
  static Credentials parse(String text, String name) {
    String expected = "expected a JSON object {\"user\", \"token\", \"caCert\"}";
    String t = text.strip();
    if (!t.startsWith("{") || !t.endsWith("}")) {
      throw new ConfigException(name + ": not JSON; " + expected);
    }
    Object doc;
    try {
      doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(t);
    } catch (YAMLException e) {
      String why = String.valueOf(e.getMessage()).strip().split("\\R", 2)[0];
      throw new ConfigException(name + ": not JSON (" + why + "); " + expected, e);
    }
    if (!(doc instanceof Map<?, ?> map)) {
      throw new ConfigException(name + ": not JSON; " + expected);
    }
    return new Credentials(field(map, "user", name), field(map, "token", name),
        field(map, "caCert", name));
  }

  private static String field(Map<?, ?> map, String key, String name) {
    Object v = map.get(key);
    if (v == null && !map.containsKey(key)) {
      throw new ConfigException(name + ": field \"" + key + "\" is missing; expected a JSON "
          + "object {\"user\", \"token\", \"caCert\"}");
    }
    if (!(v instanceof String s)) {
      throw new ConfigException(name + ": field \"" + key + "\" is not a string");
    }
    if (s.isBlank()) {
      throw new ConfigException(name + ": field \"" + key + "\" is empty");
    }
    return s;
  }

  /** The file's JSON text, one field per line. */
  public String toJson() {
    return "{\n  \"user\": " + quote(user) + ",\n  \"token\": " + quote(token)
        + ",\n  \"caCert\": " + quote(caCert) + "\n}\n";
  }

  /**
   * Writes this to {@code file} (mode 0600) atomically: a temporary file beside it is written,
   * forced to disk and then moved into place, and the directory is forced. With {@code replace}
   * false an existing {@code file} is left alone.
   *
   * @throws FileAlreadyExistsException if {@code file} exists and {@code replace} is false
   * @throws IOException if it cannot be written
   */
  public void write(Path file, boolean replace) throws IOException {
    Path abs = file.toAbsolutePath();
    Path dir = abs.getParent();
    if (!replace && Files.exists(abs)) {
      throw new FileAlreadyExistsException(file.toString());
    }
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp",
        PosixFilePermissions.asFileAttribute(MODE));
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(toJson().getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      if (replace) {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
      } else {
        // A link fails if the name exists, so a file created meanwhile is never replaced.
        Files.createLink(abs, tmp);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  /** Never shows the token. */
  @Override
  public String toString() {
    return "Credentials{user=" + user + ", token=<hidden>, caCert=" + caCert.length() + " chars}";
  }

  private static String what(Path file) {
    return "credentials file " + file;
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
