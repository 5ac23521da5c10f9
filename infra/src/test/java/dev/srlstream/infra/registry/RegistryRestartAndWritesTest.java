package dev.srlstream.infra.registry;

import static dev.srlstream.infra.registry.TestSchemas.TASK_ADDS_SCORE_NO_DEFAULT;
import static dev.srlstream.infra.registry.TestSchemas.TASK_V1;
import static dev.srlstream.infra.registry.TestSchemas.TASK_V2_WITH_DEFAULT;
import static dev.srlstream.infra.registry.TestSchemas.field;
import static dev.srlstream.infra.registry.TestSchemas.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.srlstream.schemas.registry.CompatibilityLevel;
import dev.srlstream.schemas.registry.RegistryException;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** What the store sees: restarts, serialized writes off the event loop, failed writes. */
class RegistryRestartAndWritesTest {

  /** An in-memory store that records where appends ran and can be told to fail. */
  private static final class ObservedStore implements SchemaStore {
    private final InMemorySchemaStore delegate = new InMemorySchemaStore();
    final List<String> appendThreads = new ArrayList<>();
    boolean appendedOnEventLoop;
    int inFlight;
    int maxInFlight;
    volatile boolean failNextAppend;

    @Override
    public List<StoreEntry> replay() {
      return delegate.replay();
    }

    @Override
    public void append(StoreEntry entry) {
      synchronized (this) {
        appendedOnEventLoop |= Context.isOnEventLoopThread();
        appendThreads.add(Thread.currentThread().getName());
        maxInFlight = Math.max(maxInFlight, ++inFlight);
      }
      try {
        Thread.yield(); // widen the window in which a second writer would overlap
        if (failNextAppend) {
          failNextAppend = false;
          throw new IllegalStateException("broker unreachable (simulated)");
        }
        delegate.append(entry);
      } finally {
        synchronized (this) {
          inFlight--;
        }
      }
    }

    @Override
    public void close() {}
  }

  @Test
  void aRegistryRestartedOnTheSameStoreServesTheSameIdsVersionsAndLevels() {
    InMemorySchemaStore store = new InMemorySchemaStore();
    int v1;
    int v2;
    int other;
    try (SchemaRegistryServer first =
        SchemaRegistryServer.start(RegistryConfig.inMemory(0), store)) {
      SchemaRegistryClient client = new SchemaRegistryClient(first.url());
      v1 = client.register("a", TASK_V1);
      v2 = client.register("a", TASK_V2_WITH_DEFAULT);
      other = client.register("b", record("Other", field("x", "int")));
      client.setCompatibility(CompatibilityLevel.FULL);
      client.setCompatibility("b", CompatibilityLevel.NONE);
    }

    try (SchemaRegistryServer second =
        SchemaRegistryServer.start(RegistryConfig.inMemory(0), store)) {
      SchemaRegistryClient client = new SchemaRegistryClient(second.url());
      assertThat(client.subjects()).containsExactly("a", "b");
      assertThat(client.versions("a")).containsExactly(1, 2);
      assertThat(client.version("a", "1").id()).isEqualTo(v1);
      assertThat(client.latest("a").id()).isEqualTo(v2);
      assertThat(client.schemaById(other)).isEqualTo(record("Other", field("x", "int")));
      assertThat(client.compatibility()).isEqualTo(CompatibilityLevel.FULL);
      assertThat(client.compatibility("b")).isEqualTo(CompatibilityLevel.NONE);
      assertThat(client.register("c", TASK_V1)).as("dedup survives the restart").isEqualTo(v1);
      assertThat(client.register("c", TASK_V2_WITH_DEFAULT)).isEqualTo(v2);
      assertThat(client.register("d", record("New", field("y", "int"))))
          .as("allocation continues after the highest id")
          .isEqualTo(Math.max(v2, other) + 1);
    }
  }

  @Test
  void concurrentRegistrationsNeverShareAnIdAndRunOneAtATimeOffTheEventLoop() throws Exception {
    ObservedStore store = new ObservedStore();
    int schemas = 24;
    try (SchemaRegistryServer server =
        SchemaRegistryServer.start(RegistryConfig.inMemory(0), store)) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Callable<int[]>> calls = new ArrayList<>();
        for (int i = 0; i < schemas; i++) {
          Schema distinct = record("R" + i, field("f", "int"));
          String subject = "s" + i;
          calls.add(
              () -> {
                // Each task uses its own client so no client-side cache hides a server answer.
                SchemaRegistryClient client = new SchemaRegistryClient(server.url());
                int shared = client.register("shared-" + subject, TASK_V1);
                int own = client.register(subject, distinct);
                return new int[] {shared, own};
              });
        }
        Set<Integer> ownIds = new HashSet<>();
        Set<Integer> sharedIds = new HashSet<>();
        for (Future<int[]> f : pool.invokeAll(calls)) {
          sharedIds.add(f.get()[0]);
          ownIds.add(f.get()[1]);
        }
        assertThat(sharedIds).as("one schema, one id across subjects").hasSize(1);
        assertThat(ownIds).as("distinct schemas, distinct ids").hasSize(schemas);
        assertThat(ownIds).doesNotContainAnyElementsOf(sharedIds);
        Set<Integer> all = new HashSet<>(ownIds);
        all.addAll(sharedIds);
        assertThat(all).as("ids are dense from 1").isEqualTo(range(1, schemas + 2));
      } finally {
        pool.shutdownNow();
      }
    }
    assertThat(store.appendThreads).hasSize(2 * schemas);
    assertThat(store.appendedOnEventLoop).as("blocking store I/O on the event loop").isFalse();
    assertThat(store.maxInFlight).as("writes overlapping in the store").isEqualTo(1);
  }

  @Test
  void aFailedWriteIsA500WithTheReasonAndItsIdIsNeverReused() {
    ObservedStore store = new ObservedStore();
    try (SchemaRegistryServer server =
        SchemaRegistryServer.start(RegistryConfig.inMemory(0), store)) {
      SchemaRegistryClient client = new SchemaRegistryClient(server.url());
      assertThat(client.register("s", TASK_V1)).isEqualTo(1);

      store.failNextAppend = true;
      RegistryException e =
          catchThrowableOfType(
              RegistryException.class, () -> client.register("s", TASK_V2_WITH_DEFAULT));
      assertThat(e.httpStatus()).isEqualTo(500);
      assertThat(e.errorCode()).isEqualTo(50001);
      assertThat(e.getMessage()).contains("broker unreachable (simulated)");
      assertThat(client.versions("s")).containsExactly(1);

      // Id 2 may be in the store (the outcome of the failed write is unknown): it is skipped.
      assertThat(client.register("t", TASK_ADDS_SCORE_NO_DEFAULT)).isEqualTo(3);
      assertThat(client.register("s", TASK_V2_WITH_DEFAULT)).isEqualTo(4);
      assertThat(client.latest("s").version()).isEqualTo(2);
    }
  }

  private static Set<Integer> range(int fromInclusive, int toExclusive) {
    Set<Integer> ids = new HashSet<>();
    for (int i = fromInclusive; i < toExclusive; i++) {
      ids.add(i);
    }
    return ids;
  }
}
