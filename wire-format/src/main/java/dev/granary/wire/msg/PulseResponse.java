package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import dev.granary.wire.security.TokenKeys;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Commands for the chunkserver to carry out (delete, copy, verify), and the current chunk token
 * keys (the whole set, so a rotation reaches the node within one pulse).
 */
public record PulseResponse(List<ChunkCommand> commands, TokenKeys tokens) implements Message {
  public PulseResponse {
    commands = List.copyOf(commands);
  }

  /** A reply of a cluster without tokens. */
  public PulseResponse(List<ChunkCommand> commands) {
    this(commands, TokenKeys.NONE);
  }

  @Override
  public MessageType type() {
    return MessageType.PULSE_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeList(out, commands, (b, c) -> c.encode(b));
    tokens.encode(out);
  }

  public static PulseResponse decode(ByteBuf in) {
    return new PulseResponse(Codec.readList(in, ChunkCommand.MIN_BYTES, ChunkCommand::decode),
        TokenKeys.decode(in));
  }
}
