package dev.granary.wire;

/**
 * The contract's limits on namespace paths: a name component is at most {@link
 * Limits#MAX_NAME_BYTES} bytes of UTF-8, a path at most {@link Limits#MAX_PATH_BYTES}, and names
 * hold no control character (U+0000–U+001F, U+007F). The master is the authority and checks every
 * path it accepts; the client library checks the same rules before sending, so that a path too
 * long for the wire fails the same way. Structure (absolute, no empty, '.' or '..' components) is
 * the master's to judge, not this class's.
 *
 * <p>Messages quote paths and names through {@link #quote}: cut after {@value #ECHO_CHARS}
 * characters and with control characters escaped, so that the message stays one short line.
 */
public final class PathLimits {
  /** Characters of a path or name quoted back in a message before it is cut with "...". */
  public static final int ECHO_CHARS = 48;

  private PathLimits() {}

  /**
   * The first limit {@code path} breaks, as one line naming the path, the offending name and the
   * limit; null if it is within every limit.
   */
  public static String problem(String path) {
    int total = utf8Length(path, 0, path.length());
    if (total > Limits.MAX_PATH_BYTES) {
      return "invalid path " + quote(path) + ": " + total + " bytes of UTF-8, over the limit of "
          + Limits.MAX_PATH_BYTES;
    }
    int start = 0;
    for (int i = 0; i <= path.length(); i++) {
      char c = i < path.length() ? path.charAt(i) : '/';
      if (c == '/') {
        int n = utf8Length(path, start, i);
        if (n > Limits.MAX_NAME_BYTES) {
          return "invalid path " + quote(path) + ": name " + quote(path.substring(start, i))
              + " is " + n + " bytes of UTF-8, over the limit of " + Limits.MAX_NAME_BYTES;
        }
        start = i + 1;
      } else if (isControl(c)) {
        int end = path.indexOf('/', i);
        String name = path.substring(start, end < 0 ? path.length() : end);
        return "invalid path " + quote(path) + ": name " + quote(name)
            + String.format(" holds control character U+%04X;", (int) c)
            + " names hold none (U+0000-U+001F, U+007F)";
      }
    }
    return null;
  }

  /** Whether {@code c} is a control character no name may hold. */
  public static boolean isControl(char c) {
    return c < 0x20 || c == 0x7f;
  }

  /**
   * {@code s} in single quotes for a one-line message: at most {@value #ECHO_CHARS} characters
   * (then "..."), control characters (C0, DEL, C1, line and paragraph separators) and the
   * backslash escaped as {@code \}{@code uXXXX} and {@code \\}.
   */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder(ECHO_CHARS + 16).append('\'');
    int shown = 0;
    int i = 0;
    while (i < s.length() && shown < ECHO_CHARS) {
      int cp = s.codePointAt(i);
      if (cp == '\\') {
        sb.append("\\\\");
      } else if (Character.isISOControl(cp) || cp == 0x2028 || cp == 0x2029) {
        sb.append(String.format("\\u%04X", cp));
      } else {
        sb.appendCodePoint(cp);
      }
      i += Character.charCount(cp);
      shown++;
    }
    if (i < s.length()) {
      sb.append("...");
    }
    return sb.append('\'').toString();
  }

  /** UTF-8 length of {@code s} as {@link String#getBytes} encodes it, without encoding it. */
  public static int utf8Length(String s) {
    return utf8Length(s, 0, s.length());
  }

  /**
   * UTF-8 length of {@code s[from, to)} as {@link String#getBytes} encodes it (an unpaired
   * surrogate becomes one '?').
   */
  static int utf8Length(String s, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < to
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        n++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
