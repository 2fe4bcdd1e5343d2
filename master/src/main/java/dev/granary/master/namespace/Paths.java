package dev.granary.master.namespace;

import dev.granary.wire.PathLimits;
import dev.granary.wire.Status;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses and normalizes namespace paths: absolute, '/'-separated, UTF-8. Empty components (other
 * than one trailing '/'), '.' and '..' are rejected, and so is a path beyond the contract's limits
 * ({@link PathLimits}: names of at most 255 bytes, paths of at most 4,096, no control characters).
 */
public final class Paths {
  private Paths() {}

  /**
   * The components of {@code path}, a path a client sent; an empty array for the root.
   *
   * @throws MetadataException INVALID_ARGUMENT naming the path and the problem, or the broken
   *     limit
   */
  public static String[] parse(String path) {
    if (path == null || path.isEmpty()) {
      throw invalid(path, "empty path");
    }
    String problem = PathLimits.problem(path);
    if (problem != null) {
      throw new MetadataException(Status.INVALID_ARGUMENT, problem);
    }
    return parseStored(path);
  }

  /**
   * The components of a path read back from the master's own checkpoint: the structure is checked
   * but not the limits, so a namespace written before a limit existed still loads.
   */
  static String[] parseStored(String path) {
    if (path == null || path.isEmpty()) {
      throw invalid(path, "empty path");
    }
    if (path.charAt(0) != '/') {
      throw invalid(path, "expected an absolute path starting with '/'");
    }
    String p = path;
    if (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
      if (p.equals("/")) {
        throw invalid(path, "empty path component");
      }
    }
    if (p.equals("/")) {
      return new String[0];
    }
    List<String> parts = new ArrayList<>();
    int start = 1;
    while (start <= p.length()) {
      int slash = p.indexOf('/', start);
      int end = slash < 0 ? p.length() : slash;
      String c = p.substring(start, end);
      if (c.isEmpty()) {
        throw invalid(path, "empty path component");
      }
      if (c.equals(".") || c.equals("..")) {
        throw invalid(path, "'" + c + "' components are not allowed");
      }
      parts.add(c);
      start = end + 1;
    }
    return parts.toArray(new String[0]);
  }

  /** The normalized form of {@code path}. */
  public static String normalize(String path) {
    return join(parse(path), 0, parse(path).length);
  }

  static String join(String[] parts, int from, int to) {
    if (to - from <= 0) {
      return "/";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < to; i++) {
      sb.append('/').append(parts[i]);
    }
    return sb.toString();
  }

  static String join(String[] parts, int count) {
    return join(parts, 0, count);
  }

  static String child(String dir, String name) {
    return dir.equals("/") ? "/" + name : dir + "/" + name;
  }

  private static MetadataException invalid(String path, String why) {
    return new MetadataException(Status.INVALID_ARGUMENT, "invalid path "
        + (path == null ? "''" : PathLimits.quote(path)) + ": " + why);
  }
}
