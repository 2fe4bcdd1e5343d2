package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;


/**
 * The outcome of a command from a pulse reply, so the master can free the copy slot or retry
 * elsewhere. Answered by a {@link PulseResponse}: the node's next commands.
 */
public record CommandResultRequest(String nodeId, ChunkCommand command, boolean ok, String message) implements Message {
  @Override
  public MessageType type() {
    return MessageType.COMMAND_RESULT_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, nodeId);
    command.encode(out);
    Codec.writeBoolean(out, ok);
    Codec.writeString(out, message);
  }

  public static CommandResultRequest decode(ByteBuf in) {
    return new CommandResultRequest(Codec.readString(in), ChunkCommand.decode(in),
        Codec.readBoolean(in), Codec.readString(in));
  }
}
