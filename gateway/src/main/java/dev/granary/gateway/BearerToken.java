package dev.granary.gateway;

import dev.granary.http.Request;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.regex.Pattern;

/** The {@code Authorization: Bearer <token>} of a request (RFC 6750), checked for form only. */
final class BearerToken {
  /** RFC 6750's b64token, at most 256 characters (a Granary token is 43). */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]{1,256}=*");
  private static final String HOW = "send Authorization: Bearer <token>, the \"token\" of a "
      + "credentials file";

  private BearerToken() {}

  /**
   * The token the request carries.
   *
   * @throws dev.granary.http.HttpError 401 if there is none, or the header is not a Bearer token
   */
  static String of(Request request) {
    return parse(request.headers().get(HttpHeaderNames.AUTHORIZATION));
  }

  /** The token of an {@code Authorization} header's value (null: no header). */
  static String parse(String h) {
    if (h == null || h.isBlank()) {
      throw Failures.unauthorized("no credentials: " + HOW, false);
    }
    String v = h.strip();
    int space = v.indexOf(' ');
    if (space < 0 || !v.substring(0, space).equalsIgnoreCase("Bearer")) {
      throw Failures.unauthorized("Authorization is not a Bearer token: " + HOW, false);
    }
    String token = v.substring(space + 1).strip();
    if (!TOKEN.matcher(token).matches()) {
      throw Failures.unauthorized("the Bearer token is malformed: " + HOW, true);
    }
    return token;
  }
}
