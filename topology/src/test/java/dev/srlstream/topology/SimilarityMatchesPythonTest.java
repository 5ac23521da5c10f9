package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.srlstream.method.reward.LongStepParaphrase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code srl similarity --pairs} prints, line for line, the text CPython's difflib and json print
 * for the same pairs: {@code json.dumps({"ratio": SequenceMatcher(None, a, b, autojunk).ratio()})}.
 */
class SimilarityMatchesPythonTest {

  private static final String PYTHON =
      "import json, sys\n"
          + "from difflib import SequenceMatcher\n"
          + "autojunk = sys.argv[2] == 'true'\n"
          + "with open(sys.argv[1], encoding='utf-8') as f:\n"
          + "    for line in f:\n"
          + "        p = json.loads(line)\n"
          + "        r = SequenceMatcher(None, p['a'], p['b'], autojunk=autojunk).ratio()\n"
          + "        print(json.dumps({'ratio': r}))\n";

  @TempDir Path dir;

  @Test
  void ratiosAreThoseOfCPythonInBothAutojunkModes() throws Exception {
    List<String> lines = pairLines();
    assertThat(lines).hasSize(232);
    Path pairs = dir.resolve("pairs.jsonl");
    Files.write(pairs, lines, StandardCharsets.UTF_8);

    List<String> withJunk = compare(pairs, "true");
    List<String> withoutJunk = compare(pairs, "false");
    // The pairs exercise the heuristic: some ratios differ between the two modes.
    assertThat(withJunk).isNotEqualTo(withoutJunk);
  }

  /**
   * Without --autojunk the ratio is CPython's autojunk=False one, not CPython's default: checked on
   * a close paraphrase of a 226-character expert step, whose two ratios differ a lot.
   */
  @Test
  void theDefaultIsCPythonsAutojunkFalse() throws Exception {
    Map<String, String> pair = new LinkedHashMap<>();
    pair.put("a", LongStepParaphrase.ACTION);
    pair.put("b", LongStepParaphrase.EXPERT_STEP);
    Path pairs = dir.resolve("long-step.jsonl");
    Files.write(
        pairs, List.of(new ObjectMapper().writeValueAsString(pair)), StandardCharsets.UTF_8);

    CommandRun run = CommandRun.of("similarity", "--pairs", pairs.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> withoutJunk = Python.run(dir, PYTHON, pairs.toString(), "false");
    List<String> withJunk = Python.run(dir, PYTHON, pairs.toString(), "true");
    assertThat(List.of(run.out().split("\n"))).isEqualTo(withoutJunk);
    assertThat(withoutJunk)
        .containsExactly(SimilarityCommand.line(LongStepParaphrase.CPYTHON_NO_AUTOJUNK));
    assertThat(withJunk)
        .containsExactly(SimilarityCommand.line(LongStepParaphrase.CPYTHON_AUTOJUNK));
    assertThat(compare(pairs, "true")).isEqualTo(withJunk);
  }

  /** Runs both and compares line by line; returns our lines. */
  private List<String> compare(Path pairs, String autojunk) throws Exception {
    CommandRun run =
        CommandRun.of("similarity", "--pairs", pairs.toString(), "--autojunk", autojunk);
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> ours = List.of(run.out().split("\n"));
    List<String> python = Python.run(dir, PYTHON, pairs.toString(), autojunk);
    assertThat(ours).hasSameSizeAs(python);
    List<String> input = Files.readAllLines(pairs, StandardCharsets.UTF_8);
    for (int i = 0; i < python.size(); i++) {
      assertThat(ours.get(i))
          .as("autojunk %s, line %d: %s", autojunk, i + 1, input.get(i))
          .isEqualTo(python.get(i));
    }
    return ours;
  }

  /** 232 varied pairs, the same every run. */
  private static List<String> pairLines() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    Random random = new Random(2510_25992L);
    List<String[]> pairs = new ArrayList<>();
    // Edge cases.
    pairs.add(new String[] {"", ""});
    pairs.add(new String[] {"", "abc"});
    pairs.add(new String[] {"abc", ""});
    pairs.add(new String[] {"abc", "abc"});
    pairs.add(new String[] {"abc", "xyz"});
    pairs.add(new String[] {"12 - 4 = 8 → 3 + 7 × 8", "12 - 4 = 8 → 3 + 7 × 8"});
    pairs.add(new String[] {"12 - 4 = 8 → 3 + 7 × 8", "12 − 4 = 8 -> 3 + 7 * 8"});
    pairs.add(new String[] {"ls -la", "ls -la src/"});
    pairs.add(new String[] {"line one\nline two\ttab", "line one\r\nline 2\ttab"});
    // Unicode: accents, combining marks, CJK, right-to-left, supplementary characters (one
    // element each in Python, two UTF-16 units in Java).
    pairs.add(new String[] {"café au lait", "cafe\u0301 au lait"});
    pairs.add(new String[] {"二次方程式を解く", "二次方程式の解"});
    pairs.add(new String[] {"مرحبا بالعالم", "مرحبا"});
    pairs.add(new String[] {"🙂🙃🙂 smile", "🙃🙂🙂 smile"});
    pairs.add(new String[] {"𝑥² + 𝑦² = 𝑧²", "x² + y² = z²"});
    pairs.add(new String[] {"🙂".repeat(150), "🙂🙃".repeat(120)});
    // Lengths around autojunk's threshold of 200 elements in b.
    for (int length : new int[] {199, 200, 201}) {
      pairs.add(new String[] {"ab".repeat(60), "ab".repeat(length / 2) + "c".repeat(length % 2)});
      pairs.add(new String[] {"ba".repeat(70), "a".repeat(length - 3) + "xyz"});
    }
    // Random texts from small alphabets (popular elements), long and short, ASCII and not.
    String[] alphabets = {"ab", "abc ", "0123456789+-×÷=→ ", "étoileÉ🙂 ", "的一是不了 ", "abcdefghij"};
    for (int i = 0; i < 120; i++) {
      String alphabet = alphabets[i % alphabets.length];
      String a = randomText(random, alphabet, 1 + random.nextInt(i < 60 ? 40 : 400));
      String b =
          random.nextBoolean()
              ? mutate(random, a, alphabet)
              : randomText(random, alphabet, 1 + random.nextInt(i < 60 ? 40 : 400));
      pairs.add(new String[] {a, b});
    }
    // Long prose with edits: 200+ characters where spaces and vowels are popular.
    String prose =
        "The policy writes an inner monologue and then one action per step; each action is"
            + " rewarded by its sequence similarity to the expert's action at that step, so the"
            + " model learns from expert trajectories even on problems it never solves end to end.";
    for (int i = 0; i < 90; i++) {
      String a = mutate(random, prose, "aeiou ,.xyzé");
      String b = mutate(random, prose.substring(random.nextInt(40)), "aeiou ,.xyzé");
      pairs.add(i % 2 == 0 ? new String[] {a, b} : new String[] {b, a});
    }
    List<String> lines = new ArrayList<>();
    for (String[] pair : pairs) {
      Map<String, String> json = new LinkedHashMap<>();
      json.put("a", pair[0]);
      json.put("b", pair[1]);
      lines.add(mapper.writeValueAsString(json));
    }
    // An unpaired surrogate, written as a JSON escape: one element in both languages.
    lines.add("{\"a\": \"x\\ud83d yz\", \"b\": \"\\ud83d xyz\"}");
    return lines;
  }

  private static String randomText(Random random, String alphabet, int length) {
    int[] codePoints = alphabet.codePoints().toArray();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      text.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
    }
    return text.toString();
  }

  /** A copy with a few code points replaced, deleted or inserted. */
  private static String mutate(Random random, String text, String alphabet) {
    int[] codePoints = alphabet.codePoints().toArray();
    List<Integer> out = new ArrayList<>();
    text.codePoints().forEach(out::add);
    int edits = 1 + random.nextInt(Math.max(1, out.size() / 8));
    for (int e = 0; e < edits && !out.isEmpty(); e++) {
      int at = random.nextInt(out.size());
      int c = codePoints[random.nextInt(codePoints.length)];
      switch (random.nextInt(3)) {
        case 0 -> out.set(at, c);
        case 1 -> out.remove(at);
        default -> out.add(at, c);
      }
    }
    StringBuilder result = new StringBuilder();
    out.forEach(result::appendCodePoint);
    return result.toString();
  }
}
