package dev.srlstream.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
  @TempDir Path dir;

  private static Checkpoint checkpoint(long version) {
    return new Checkpoint(
        "p",
        version,
        version * 32,
        new byte[] {1, 2, 3, (byte) version},
        new byte[] {9, 8, (byte) version},
        Map.of("srl.training-groups-0", version * 10, "srl.training-groups-1", 7L),
        version - 1);
  }

  @Test
  void aWrittenCheckpointReadsBackWhole() {
    CheckpointStore store = new CheckpointStore(dir, 3);
    store.write(checkpoint(4));
    Checkpoint back = store.latest().orElseThrow();
    assertThat(back.version()).isEqualTo(4);
    assertThat(back.groupsTrained()).isEqualTo(128);
    assertThat(back.weights()).containsExactly(1, 2, 3, 4);
    assertThat(back.optimizerState()).containsExactly(9, 8, 4);
    assertThat(back.offsets()).isEqualTo(checkpoint(4).offsets());
    assertThat(back.freshestSampledVersion()).isEqualTo(3);
  }

  @Test
  void onlyTheNewestAreKeptAndTheLatestIsTheHighestVersion() {
    CheckpointStore store = new CheckpointStore(dir, 2);
    for (long v = 1; v <= 5; v++) {
      store.write(checkpoint(v));
    }
    assertThat(store.versions()).containsExactly(4L, 5L);
    assertThat(store.latest().orElseThrow().version()).isEqualTo(5);
    assertThat(store.read(4).version()).isEqualTo(4);
  }

  @Test
  void anEmptyDirectoryHasNoCheckpoint() {
    assertThat(new CheckpointStore(dir.resolve("nothing-yet"), 2).latest()).isEmpty();
  }

  @Test
  void aCorruptFileIsRefusedNamingIt() throws Exception {
    CheckpointStore store = new CheckpointStore(dir, 2);
    Path written = store.write(checkpoint(1));
    Files.write(written.resolve(CheckpointStore.WEIGHTS), new byte[] {1, 2, 3, 0});
    assertThatThrownBy(() -> store.read(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(written.resolve("weights.bin").toString())
        .hasMessageContaining("is corrupt");
  }

  @Test
  void aMissingOrGarbledMetadataFileIsRefusedNamingIt() throws Exception {
    CheckpointStore store = new CheckpointStore(dir, 2);
    Path written = store.write(checkpoint(1));
    Files.writeString(written.resolve(CheckpointStore.META), "{not json");
    assertThatThrownBy(() -> store.read(1))
        .hasMessageContaining(written.resolve("checkpoint.json").toString())
        .hasMessageContaining("corrupt");
    Files.delete(written.resolve(CheckpointStore.META));
    assertThatThrownBy(() -> store.read(1)).hasMessageContaining("is missing");
  }

  @Test
  void halfWrittenTemporaryDirectoriesAreNotCheckpoints() throws Exception {
    CheckpointStore store = new CheckpointStore(dir, 2);
    Files.createDirectories(dir.resolve(".tmp-crashed"));
    store.write(checkpoint(2));
    assertThat(store.versions()).containsExactly(2L);
  }

  @Test
  void keepingFewerThanTwoIsRefused() {
    assertThatThrownBy(() -> new CheckpointStore(dir, 1)).hasMessageContaining("keep must be >= 2");
  }
}
