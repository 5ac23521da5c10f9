package dev.srlstream.infra.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link SchemaStore} in memory, for tests and throw-away runs. Closing it keeps its entries, so
 * one instance handed to a second registry simulates a restart.
 */
public final class InMemorySchemaStore implements SchemaStore {

  private final List<StoreEntry> entries = new ArrayList<>();

  @Override
  public synchronized List<StoreEntry> replay() {
    return List.copyOf(entries);
  }

  @Override
  public synchronized void append(StoreEntry entry) {
    entries.add(Objects.requireNonNull(entry, "entry"));
  }

  @Override
  public void close() {
    // Nothing to release; the entries stay for a registry that replays them later.
  }
}
