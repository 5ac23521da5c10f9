package dev.srlstream.schemas;

import java.nio.ByteBuffer;

/** Avro {@code bytes} fields come as {@link ByteBuffer}s; services need the bytes. */
public final class AvroBytes {
  private AvroBytes() {}

  /** A copy of the buffer's remaining bytes; the buffer's position is left as it was. */
  public static byte[] toArray(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }
}
