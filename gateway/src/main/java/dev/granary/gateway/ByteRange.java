package dev.granary.gateway;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of a file a {@code Range} header asks for (RFC 9110 section 14): one range, {@code
 * bytes=a-b}, {@code bytes=a-} or {@code bytes=-n}. A header that is not one such range (several
 * ranges, another unit, a malformed one) is ignored, as the RFC lets a server do: the whole file is
 * sent.
 *
 * @param first the first byte sent
 * @param last the last byte sent (inclusive)
 */
record ByteRange(long first, long last) {
  private static final Pattern ONE = Pattern.compile("bytes=(\\d{0,19})-(\\d{0,19})");

  /** The range cannot be served: it starts at or past the end (416). */
  static final class Unsatisfiable extends Exception {
    private static final long serialVersionUID = 1L;

    Unsatisfiable(String message) {
      super(message);
    }
  }

  /** Bytes in the range. */
  long length() {
    return last - first + 1;
  }

  /** {@code bytes first-last/size}, the {@code Content-Range} of a 206. */
  String contentRange(long size) {
    return "bytes " + first + "-" + last + "/" + size;
  }

  /**
   * The range {@code header} asks for of a file of {@code size} bytes, or null to send all of it
   * (no header, or one this parser ignores).
   *
   * @throws Unsatisfiable if the range lies wholly past the end (or is an empty suffix)
   */
  static ByteRange parse(String header, long size) throws Unsatisfiable {
    if (header == null) {
      return null;
    }
    Matcher m = ONE.matcher(header.strip());
    if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      return null;
    }
    try {
      if (m.group(1).isEmpty()) {
        long n = Long.parseLong(m.group(2));
        if (n == 0 || size == 0) {
          throw new Unsatisfiable("range " + header + " of a " + size + "-byte file is empty");
        }
        return new ByteRange(Math.max(0, size - n), size - 1);
      }
      long first = Long.parseLong(m.group(1));
      long last = m.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(m.group(2));
      if (last < first) {
        return null; // invalid: ignored
      }
      if (first >= size) {
        throw new Unsatisfiable("range " + header + " starts at or past the end of the "
            + size + "-byte file");
      }
      return new ByteRange(first, Math.min(last, size - 1));
    } catch (NumberFormatException e) {
      return null; // more than a long holds: not a range this server can mean
    }
  }
}
