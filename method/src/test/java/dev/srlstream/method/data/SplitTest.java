package dev.srlstream.method.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SplitTest {

  @Test
  void byHashDependsOnTheKeyOnlyAndFollowsTheFractions() {
    Map<Split, Integer> counts = new EnumMap<>(Split.class);
    for (int i = 0; i < 20_000; i++) {
      String key = "problem-" + i;
      Split split = Split.byHash(key, 0.1, 0.2);
      assertThat(Split.byHash(key, 0.1, 0.2)).isEqualTo(split);
      counts.merge(split, 1, Integer::sum);
    }

    // Binomial standard deviations are 42 and 57 here; 5 of them is far outside chance.
    assertThat(counts.get(Split.VALIDATION)).isBetween(2_000 - 250, 2_000 + 250);
    assertThat(counts.get(Split.TEST)).isBetween(4_000 - 300, 4_000 + 300);
    assertThat(Split.byHash("anything", 0, 0)).isEqualTo(Split.TRAIN);
    assertThat(Split.byHash("anything", 1, 0)).isEqualTo(Split.VALIDATION);
  }

  @Test
  void knownKeysKeepTheirSplitAcrossVersions() {
    // Pinned (values from Python's hashlib): changing the hash would move held-out problems
    // into train, and change every generated id.
    assertThat(Hashes.hexHash("abc", 12)).isEqualTo("ba7816bf8f01");
    assertThat(Hashes.unitHash("abc")).isEqualTo(0.7283949105904021);
    assertThat(Hashes.unitHash("7 × 5")).isEqualTo(0.8965595536471423);
    assertThat(Split.byHash("7 × 5", 0.1, 0.1)).isEqualTo(Split.TRAIN);
    assertThat(Split.byHash("7 × 5", 0.1, 0.8)).isEqualTo(Split.TEST);
    assertThat(Split.byHash("1 + 2", 0.39, 0)).isEqualTo(Split.VALIDATION);
  }

  @Test
  void wireNames() {
    assertThat(Split.VALIDATION.wireName()).isEqualTo("validation");
    assertThat(Split.fromWireName("Test")).isEqualTo(Split.TEST);
    assertThatThrownBy(() -> Split.fromWireName("dev"))
        .hasMessage("split must be one of train, validation, test, but was \"dev\"");
    assertThatThrownBy(() -> Split.byHash("k", 0.6, 0.6))
        .hasMessage(
            "validation and test fractions must be >= 0 with a sum <= 1, but were 0.6 and 0.6");
  }
}
