package dev.granary.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Turns bytes into {@link Frame}s. The header is checked field by field before the payload is
 * awaited: magic, version, flags, a known type, and a length within that type's limit, so a peer can
 * never make us buffer more than {@link Limits#MAX_CONTROL_PAYLOAD} (plus one header) per connection.
 *
 * <p>On the first bad frame the decoder raises a {@link ProtocolException} (and nothing else), stops
 * decoding, and discards whatever else arrives; the pipeline's error handler answers and closes.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
  private boolean failed;

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (in.readableBytes() < Frames.HEADER_LENGTH) {
      // Check what we already have so garbage fails fast instead of waiting for 20 bytes. The
      // version too: only the first 5 bytes are frozen, another version's header may be shorter.
      if (in.readableBytes() >= 4 && in.getInt(in.readerIndex()) != Frames.MAGIC) {
        throw fail(in, new ProtocolException(Frames.badMagic(in.getInt(in.readerIndex()))));
      }
      if (in.readableBytes() >= 5 && in.getUnsignedByte(in.readerIndex() + 4) != Frames.VERSION) {
        throw fail(in, new VersionMismatchException(in.getUnsignedByte(in.readerIndex() + 4)));
      }
      return;
    }
    Frames.Header h;
    try {
      h = Frames.header(in, in.readerIndex());
    } catch (ProtocolException e) {
      throw fail(in, e);
    }
    if (in.readableBytes() < Frames.HEADER_LENGTH + h.length()) {
      return;
    }
    in.skipBytes(Frames.HEADER_LENGTH);
    ByteBuf payload = in.readSlice(h.length());
    try {
      out.add(Frames.decode(h, payload));
    } catch (ProtocolException e) {
      throw fail(in, e);
    }
  }

  private ProtocolException fail(ByteBuf in, ProtocolException e) {
    failed = true;
    in.skipBytes(in.readableBytes());
    return e;
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    decode(ctx, in, out);
    if (in.isReadable()) {
      int left = in.readableBytes();
      in.skipBytes(left);
      failed = true;
      throw new ProtocolException("connection closed inside a frame (" + left
          + " bytes of a truncated frame)");
    }
  }
}
