package dev.srlstream.method.reward;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bit-for-bit agreement with CPython 3.11's difflib on the committed golden vectors (see {@code
 * golden/generate_similarity_golden.py}).
 */
class SequenceSimilarityGoldenTest {

  private static final String RESOURCE = "/golden/similarity-golden.jsonl";

  record Vector(
      int id,
      String category,
      String a,
      String b,
      int lengthA,
      int lengthB,
      double withAutojunk,
      double withoutAutojunk) {}

  private static List<Vector> vectors;

  @BeforeAll
  static void load() throws IOException {
    vectors = readVectors();
  }

  @Test
  void everyVectorMatchesCPythonWithAutojunk() {
    assertAllMatch(true);
  }

  @Test
  void everyVectorMatchesCPythonWithoutAutojunk() {
    assertAllMatch(false);
  }

  /** Each thread reuses its working arrays; threads must not share them. */
  @Test
  void everyVectorMatchesWhenScoredOnSeveralThreadsAtOnce() throws Exception {
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<String>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        List<Vector> shuffled = new ArrayList<>(vectors);
        Collections.shuffle(shuffled, new Random(t));
        boolean autojunk = t % 2 == 0;
        results.add(pool.submit(() -> mismatches(shuffled, autojunk)));
      }
      for (Future<List<String>> result : results) {
        assertThat(result.get()).isEmpty();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void lengthsAreCountedInCodePointsAsPythonDoes() {
    List<String> wrong = new ArrayList<>();
    for (Vector v : vectors) {
      int la = SequenceSimilarity.codePoints(v.a()).length;
      int lb = SequenceSimilarity.codePoints(v.b()).length;
      if (la != v.lengthA() || lb != v.lengthB()) {
        wrong.add(
            "#" + v.id() + ": " + la + "/" + lb + ", python " + v.lengthA() + "/" + v.lengthB());
      }
    }
    assertThat(wrong).isEmpty();
  }

  /**
   * The case behind the reward's autojunk default: a close paraphrase of a 226-character expert
   * step keeps most of its similarity without autojunk and loses most of it with autojunk, in
   * CPython and here alike.
   */
  @Test
  void aCloseParaphraseOfALongStepLosesMostOfItsRatioToAutojunk() {
    List<Vector> found =
        vectors.stream().filter(v -> v.category().equals("long-step-paraphrase")).toList();
    assertThat(found).hasSize(1);
    Vector v = found.get(0);
    assertThat(v.a()).isEqualTo(LongStepParaphrase.ACTION);
    assertThat(v.b()).isEqualTo(LongStepParaphrase.EXPERT_STEP);
    assertThat(v.lengthB())
        .isEqualTo(226)
        .isGreaterThanOrEqualTo(SequenceSimilarity.AUTOJUNK_MIN_LENGTH);
    assertThat(v.withAutojunk()).isEqualTo(LongStepParaphrase.CPYTHON_AUTOJUNK);
    assertThat(v.withoutAutojunk()).isEqualTo(LongStepParaphrase.CPYTHON_NO_AUTOJUNK);

    double on = SequenceSimilarity.ratio(v.a(), v.b(), true);
    double off = SequenceSimilarity.ratio(v.a(), v.b(), false);
    assertThat(Double.doubleToLongBits(on)).isEqualTo(Double.doubleToLongBits(v.withAutojunk()));
    assertThat(Double.doubleToLongBits(off))
        .isEqualTo(Double.doubleToLongBits(v.withoutAutojunk()));
    assertThat(on).isLessThan(0.2);
    assertThat(off).isGreaterThan(0.6);
    assertThat(off - on).isGreaterThan(0.5);
  }

  /**
   * The step reward computes its ratio from the matching blocks it also hands out as the alignment;
   * on every vector that is a valid action (non-empty, stripped, no tags) it equals CPython's.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void theStepRewardComputedFromItsBlocksMatchesCPython(boolean autojunk) {
    RewardFunction step = new StepSimilarityReward(autojunk);
    List<String> mismatches = new ArrayList<>();
    long compared = 0;
    for (Vector v : vectors) {
      if (v.a().isEmpty() || !v.a().equals(v.a().strip()) || v.a().contains("<")) {
        continue;
      }
      compared++;
      double expected = autojunk ? v.withAutojunk() : v.withoutAutojunk();
      Reward r = step.score("<think></think>" + v.a(), v.b());
      if (Double.doubleToLongBits(r.reward()) != Double.doubleToLongBits(expected)) {
        mismatches.add("#" + v.id() + " " + v.category() + ": " + r.reward() + " vs " + expected);
      }
    }
    assertThat(compared).isGreaterThan(2000);
    assertThat(mismatches).isEmpty();
  }

  /** Guards the generator: the file must keep exercising what the heuristics make subtle. */
  @Test
  void theVectorsCoverTheSubtleCases() {
    Map<String, Integer> byCategory = new TreeMap<>();
    for (Vector v : vectors) {
      byCategory.merge(v.category(), 1, Integer::sum);
    }
    assertThat(vectors).hasSizeGreaterThanOrEqualTo(3000);
    assertThat(byCategory)
        .containsKeys(
            "short-random",
            "empty",
            "identical",
            "repetitive",
            "autojunk-threshold",
            "long-text",
            "long-random",
            "popular-extension",
            "asymmetric",
            "autojunk-changes",
            "long-step-paraphrase",
            "unicode",
            "unicode-long",
            "unicode-normalisation",
            "math-step",
            "shell-step");

    long autojunkMatters =
        vectors.stream().filter(v -> v.withAutojunk() != v.withoutAutojunk()).count();
    long longB = vectors.stream().filter(v -> v.lengthB() >= 1000).count();
    long nonBmp = vectors.stream().filter(v -> v.a().length() != v.lengthA()).count();
    long emptyBoth = vectors.stream().filter(v -> v.a().isEmpty() && v.b().isEmpty()).count();
    assertThat(autojunkMatters).isGreaterThanOrEqualTo(150);
    assertThat(longB).isGreaterThanOrEqualTo(50);
    assertThat(nonBmp).isGreaterThanOrEqualTo(100);
    assertThat(emptyBoth).isPositive();
    assertThat(asymmetricPairs()).isGreaterThanOrEqualTo(100);
  }

  private static long asymmetricPairs() {
    Map<String, Double> byPair = new HashMap<>();
    for (Vector v : vectors) {
      byPair.put(v.a() + '\u0000' + v.b(), v.withAutojunk());
    }
    return vectors.stream()
        .filter(
            v -> {
              Double reverse = byPair.get(v.b() + '\u0000' + v.a());
              return reverse != null && !reverse.equals(v.withAutojunk());
            })
        .count();
  }

  private static void assertAllMatch(boolean autojunk) {
    assertThat(mismatches(vectors, autojunk))
        .as("vectors differing from CPython, autojunk=" + autojunk)
        .isEmpty();
  }

  private static List<String> mismatches(List<Vector> vectors, boolean autojunk) {
    List<String> mismatches = new ArrayList<>();
    for (Vector v : vectors) {
      double expected = autojunk ? v.withAutojunk() : v.withoutAutojunk();
      double actual = SequenceSimilarity.ratio(v.a(), v.b(), autojunk);
      if (Double.doubleToLongBits(actual) != Double.doubleToLongBits(expected)) {
        mismatches.add(
            String.format(
                "#%d %s (len %d/%d): java %s, python %s",
                v.id(), v.category(), v.lengthA(), v.lengthB(), actual, expected));
      }
    }
    return mismatches;
  }

  private static List<Vector> readVectors() throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<Vector> out = new ArrayList<>();
    try (InputStream in =
            Objects.requireNonNull(
                SequenceSimilarityGoldenTest.class.getResourceAsStream(RESOURCE), RESOURCE);
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        JsonNode node = json.readTree(line);
        out.add(
            new Vector(
                node.get("id").asInt(),
                node.get("category").asText(),
                node.get("a").asText(),
                node.get("b").asText(),
                node.get("len_a").asInt(),
                node.get("len_b").asInt(),
                decode(node, "autojunk"),
                decode(node, "no_autojunk")));
      }
    }
    return out;
  }

  /** The repr and the float.hex of a golden value must denote the same double. */
  private static double decode(JsonNode node, String field) {
    double fromRepr = Double.parseDouble(node.get(field).asText());
    double fromHex = Double.parseDouble(node.get(field + "_hex").asText());
    if (Double.doubleToLongBits(fromRepr) != Double.doubleToLongBits(fromHex)) {
      throw new IllegalStateException(
          "golden line " + node.get("id") + ": " + field + " repr and hex disagree");
    }
    return fromRepr;
  }
}
