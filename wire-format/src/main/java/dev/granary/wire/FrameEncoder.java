package dev.granary.wire;

import dev.granary.wire.msg.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Turns {@link Frame}s into bytes: header and fields in one buffer, then a data packet's bulk bytes
 * as a second buffer without copying them. Refuses (without sending) a frame above its type's limit.
 */
@Sharable
public final class FrameEncoder extends MessageToMessageEncoder<Frame> {
  public static final FrameEncoder INSTANCE = new FrameEncoder();

  @Override
  protected void encode(ChannelHandlerContext ctx, Frame frame, List<Object> out) {
    ByteBuf buf = encodeHead(ctx.alloc(), frame);
    ByteBuf bulk = frame.message().bulk();
    out.add(buf);
    if (bulk != null && bulk.isReadable()) {
      out.add(bulk.retain());
    }
  }

  /**
   * The header and fields of {@code frame} in one buffer from {@code alloc}; the header's length
   * counts the message's bulk bytes too, which the caller sends right after.
   *
   * @throws EncoderException the payload exceeds the type's limit
   */
  public static ByteBuf encodeHead(ByteBufAllocator alloc, Frame frame) {
    Message m = frame.message();
    ByteBuf bulk = m.bulk();
    ByteBuf buf = alloc.ioBuffer(64);
    try {
      buf.writerIndex(Frames.HEADER_LENGTH);
      m.encode(buf);
      long length = buf.readableBytes() - Frames.HEADER_LENGTH
          + (bulk == null ? 0 : bulk.readableBytes());
      if (length > m.type().maxPayload()) {
        throw new EncoderException(m.type() + " payload of " + length + " bytes exceeds the limit "
            + m.type().maxPayload());
      }
      writeHeader(buf, 0, m.type(), frame.requestId(), frame.flags(), (int) length);
      return buf;
    } catch (RuntimeException e) {
      buf.release();
      throw e;
    }
  }

  /** Writes a frame header at {@code index} of {@code buf} (does not move the writer index). */
  public static void writeHeader(ByteBuf buf, int index, MessageType type, long requestId,
      int flags, int payloadLength) {
    buf.setInt(index, Frames.MAGIC);
    buf.setByte(index + 4, Frames.VERSION);
    buf.setByte(index + 5, flags);
    buf.setShort(index + 6, type.code());
    buf.setLong(index + 8, requestId);
    buf.setInt(index + 16, payloadLength);
  }
}
