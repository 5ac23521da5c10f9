package dev.srlstream.infra.registry;

import java.util.List;

/**
 * Where the registry keeps its entries. The registry replays every entry once at start, then
 * appends one entry per accepted write and answers the HTTP caller only after {@link #append}
 * returned, so an acknowledged registration survives a restart.
 *
 * <p>The registry calls {@link #append} from one thread at a time and never from a Vert.x event
 * loop: implementations may block.
 */
public interface SchemaStore extends AutoCloseable {

  /** Every entry stored so far, oldest first. Blocks until the whole history has been read. */
  List<StoreEntry> replay();

  /**
   * Stores an entry durably; returns once it is acknowledged.
   *
   * @throws RuntimeException when the entry could not be stored (it may or may not have been)
   */
  void append(StoreEntry entry);

  /** Releases the store's resources. Does not throw checked exceptions. */
  @Override
  void close();
}
