package dev.granary.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A network address as {@code host:port}, for example {@code 127.0.0.1:7070}, {@code
 * master.example.com:7070} or {@code [::1]:7070}.
 *
 * <p>The host is a name or an IP address, never empty; an IPv6 address is stored without brackets
 * and written with them. The port is between 1 and 65535. The host is not resolved.
 *
 * @param host a host name or IP address, for example {@code 127.0.0.1} or {@code ::1}
 * @param port a port between 1 and 65535
 */
public record HostPort(String host, int port) {
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:%-]+");
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
  private static final String EXAMPLE = "e.g. 127.0.0.1:7070 or [::1]:7070";

  /**
   * Validates the address.
   *
   * @throws IllegalArgumentException if the host is empty or contains characters other than
   *     letters, digits and {@code . _ : % -}, or the port is outside 1..65535
   */
  public HostPort {
    Objects.requireNonNull(host, "host");
    String problem = hostProblem(host);
    if (problem != null) {
      throw new IllegalArgumentException("invalid host " + Messages.quote(host) + ": " + problem);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "invalid port " + port + ": expected a port between 1 and 65535");
    }
  }

  /**
   * Parses {@code host:port}, or {@code [ipv6]:port} for an IPv6 address. Surrounding whitespace
   * is ignored.
   *
   * @param text the address as the user wrote it
   * @return the address
   * @throws IllegalArgumentException if the text is not {@code host:port}, the host is invalid, an
   *     IPv6 address is not in brackets, or the port is not a number between 1 and 65535; the
   *     message is one line naming the text and what was expected
   */
  public static HostPort parse(String text) {
    Objects.requireNonNull(text, "text");
    String trimmed = text.strip();
    String host;
    String port;
    if (trimmed.startsWith("[")) {
      int close = trimmed.indexOf(']');
      if (close < 0 || close + 1 >= trimmed.length() || trimmed.charAt(close + 1) != ':') {
        throw invalid(text, "expected [IPv6 address]:port, e.g. [::1]:7070");
      }
      host = trimmed.substring(1, close);
      port = trimmed.substring(close + 2);
      if (!host.contains(":")) {
        throw invalid(text, "expected an IPv6 address inside the brackets, e.g. [::1]:7070");
      }
    } else {
      int colon = trimmed.lastIndexOf(':');
      if (colon < 0) {
        throw invalid(text, "expected host:port, " + EXAMPLE);
      }
      host = trimmed.substring(0, colon);
      port = trimmed.substring(colon + 1);
      if (host.contains(":")) {
        throw invalid(text, "expected an IPv6 address in brackets, e.g. [::1]:7070");
      }
    }
    if (host.isEmpty()) {
      throw invalid(text, "expected a host before the port, " + EXAMPLE);
    }
    String problem = hostProblem(host);
    if (problem != null) {
      throw invalid(text, problem);
    }
    int number = PORT.matcher(port).matches() ? Integer.parseInt(port) : -1;
    if (number < 1 || number > 65535) {
      throw invalid(text, "expected a port between 1 and 65535 after the host");
    }
    return new HostPort(host, number);
  }

  /**
   * The address as {@code host:port}, with an IPv6 host in brackets; {@link #parse} reads it back.
   */
  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * Why the text is not a valid host, or null if it is one. Shared with the bind-address keys.
   */
  static String hostProblem(String host) {
    if (host.isEmpty()) {
      return "expected a non-empty host name or IP address";
    }
    if (!HOST.matcher(host).matches()) {
      return "expected a host name or IP address (letters, digits and . _ : % -)";
    }
    return null;
  }

  private static ValueException invalid(String text, String reason) {
    return new ValueException("address", text, reason);
  }
}
