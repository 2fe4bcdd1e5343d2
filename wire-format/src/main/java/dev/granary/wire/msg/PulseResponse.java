package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;
import java.util.List;

/** Commands for the chunkserver to carry out (delete, copy, verify). */
public record PulseResponse(List<ChunkCommand> commands) implements Message {
  public PulseResponse {
    commands = List.copyOf(commands);
  }

  @Override
  public MessageType type() {
    return MessageType.PULSE_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeList(out, commands, (b, c) -> c.encode(b));
  }

  public static PulseResponse decode(ByteBuf in) {
    return new PulseResponse(Codec.readList(in, ChunkCommand.MIN_BYTES, ChunkCommand::decode));
  }
}
