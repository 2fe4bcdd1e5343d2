package dev.granary.wire;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * The only exception a Granary decoder raises on bad input: wrong magic or version, unknown type, a
 * length above the limit, a payload that does not parse. The connection that produced it is closed.
 */
public class ProtocolException extends CorruptedFrameException {
  private static final long serialVersionUID = 1L;

  public ProtocolException(String message) {
    super(message);
  }
}
