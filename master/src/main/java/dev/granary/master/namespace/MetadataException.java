package dev.granary.master.namespace;

import dev.granary.wire.Limits;
import dev.granary.wire.PathLimits;
import dev.granary.wire.Status;
import dev.granary.wire.msg.ErrorReply;

/**
 * A metadata operation was refused: carries the wire {@link Status} and the one-line message that
 * the client receives in its {@code ERROR} reply (naming the path and the problem). A message that
 * quotes two long paths is cut to {@link Limits#MAX_STRING_BYTES}, so the reply can always be sent.
 */
public final class MetadataException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Status status;

  public MetadataException(Status status, String message) {
    super(fit(message), null, false, false);
    this.status = status;
  }

  public Status status() {
    return status;
  }

  private static String fit(String message) {
    if (message == null || PathLimits.utf8Length(message) <= Limits.MAX_STRING_BYTES) {
      return message;
    }
    int bytes = 0;
    int end = 0;
    while (end < message.length()) {
      int cp = message.codePointAt(end);
      int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + n > Limits.MAX_STRING_BYTES - 3) {
        break;
      }
      bytes += n;
      end += Character.charCount(cp);
    }
    return message.substring(0, end) + "...";
  }

  /** The reply a client receives for this failure. */
  public ErrorReply toReply() {
    return new ErrorReply(status, getMessage(), "");
  }
}
