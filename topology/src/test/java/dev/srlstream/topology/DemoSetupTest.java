package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.method.data.JsonlSolutionReader;
import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.ModelWeights;
import dev.srlstream.policy.WeightsCodec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoSetupTest {
  @TempDir Path dir;

  @Test
  void theCacheKeyIsStableAndChangesWithEveryWarmupSetting() {
    DemoSetup.Warmup warmup = DemoSetup.DEFAULT_WARMUP;
    String key = DemoSetup.cacheKey(warmup);

    assertThat(key).matches("[0-9a-f]{16}");
    assertThat(DemoSetup.cacheKey(warmup)).isEqualTo(key);
    assertThat(DemoSetup.cacheKey(new DemoSetup.Warmup(2000, 16, 3e-3, 1))).isEqualTo(key);

    List<DemoSetup.Warmup> changed =
        List.of(
            new DemoSetup.Warmup(2001, 16, 3e-3, 1),
            new DemoSetup.Warmup(2000, 32, 3e-3, 1),
            new DemoSetup.Warmup(2000, 16, 1e-3, 1),
            new DemoSetup.Warmup(2000, 16, 3e-3, 2));
    Set<String> keys = new HashSet<>();
    keys.add(key);
    for (DemoSetup.Warmup other : changed) {
      keys.add(DemoSetup.cacheKey(other));
    }
    assertThat(keys).hasSize(1 + changed.size());
  }

  @Test
  void aValidCachedBaseIsUsedAsItIs() throws Exception {
    Path cache = Files.createDirectories(dir.resolve("cache"));
    Path cached = cache.resolve("base-" + DemoSetup.cacheKey(DemoSetup.DEFAULT_WARMUP) + ".bin");
    byte[] base =
        WeightsCodec.encode(
            ModelConfig.DEFAULT, ByteTokenizer.ID, 0, ModelWeights.initial(ModelConfig.DEFAULT, 1));
    Files.write(cached, base);
    StringWriter log = new StringWriter();

    DemoSetup.Prepared prepared =
        DemoSetup.prepare(
            dir.resolve("data"), cache, DemoSetup.DEFAULT_WARMUP, new PrintWriter(log, true));

    assertThat(prepared.baseFromCache()).isTrue();
    assertThat(prepared.baseWeights()).isEqualTo(cached);
    assertThat(Files.readAllBytes(cached)).isEqualTo(base);
    assertThat(log.toString())
        .contains("base policy from the cache: " + cached)
        .doesNotContain("warming");
    // the data: every split of its size, test disjoint from the others
    Set<String> test = ids(prepared.hardTest());
    assertThat(test).hasSize(200);
    assertThat(ids(prepared.warmupTrain())).hasSize(8400).doesNotContainAnyElementsOf(test);
    assertThat(ids(prepared.hardValidation())).hasSize(100).doesNotContainAnyElementsOf(test);
    assertThat(ids(prepared.hardTrain())).hasSize(4000).doesNotContainAnyElementsOf(test);
  }

  private static Set<String> ids(Path file) throws Exception {
    Set<String> ids = new HashSet<>();
    new JsonlSolutionReader().read(file).solutions().forEach(s -> ids.add(s.id()));
    return ids;
  }
}
