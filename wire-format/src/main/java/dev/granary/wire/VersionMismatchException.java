package dev.granary.wire;

/** A frame announced a protocol version this build does not speak. */
public final class VersionMismatchException extends ProtocolException {
  private static final long serialVersionUID = 1L;
  private final int peerVersion;

  public VersionMismatchException(int peerVersion) {
    super("protocol version " + peerVersion + " is not supported; this peer speaks version "
        + Frames.VERSION);
    this.peerVersion = peerVersion;
  }

  public int peerVersion() {
    return peerVersion;
  }
}
