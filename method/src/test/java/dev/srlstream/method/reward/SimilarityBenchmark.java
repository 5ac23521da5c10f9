package dev.srlstream.method.reward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Times {@link SequenceSimilarity#ratio(String, String, boolean)} over a JSONL file of pairs
 * ({@code {"a": ..., "b": ...}} per line), the Java half of {@code bench/similarity-vs-cpython.sh}.
 * Not a test: it measures, it asserts nothing.
 *
 * <pre>
 * SimilarityBenchmark PAIRS.jsonl OUT.txt [ROUNDS] [AUTOJUNK]
 * </pre>
 *
 * Runs the whole set ROUNDS times (default 7) in one JVM, prints {@code best=S median=S} in
 * seconds, and writes the ratios of the last round to OUT.txt, one per line as the 16 hex digits of
 * their IEEE-754 bits. Only the ratio loop is timed.
 */
public final class SimilarityBenchmark {

  private SimilarityBenchmark() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: SimilarityBenchmark PAIRS.jsonl OUT.txt [ROUNDS] [AUTOJUNK]");
      System.exit(2);
    }
    Path pairsFile = Path.of(args[0]);
    Path out = Path.of(args[1]);
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
    boolean autojunk = args.length <= 3 || Boolean.parseBoolean(args[3]);

    List<String[]> pairs = readPairs(pairsFile);
    double[] ratios = new double[pairs.size()];
    double[] seconds = new double[rounds];
    for (int round = 0; round < rounds; round++) {
      long start = System.nanoTime();
      for (int n = 0; n < ratios.length; n++) {
        String[] pair = pairs.get(n);
        ratios[n] = SequenceSimilarity.ratio(pair[0], pair[1], autojunk);
      }
      seconds[round] = (System.nanoTime() - start) / 1e9;
    }
    writeBits(out, ratios);

    double[] sorted = seconds.clone();
    Arrays.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "best=%.4f median=%.4f rounds=%s%n",
        sorted[0],
        sorted[rounds / 2],
        Arrays.toString(seconds));
  }

  private static List<String[]> readPairs(Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<String[]> pairs = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = reader.readLine()) != null) {
        JsonNode node = json.readTree(line);
        pairs.add(new String[] {node.get("a").asText(), node.get("b").asText()});
      }
    }
    return pairs;
  }

  private static void writeBits(Path out, double[] ratios) throws IOException {
    try (BufferedWriter writer = Files.newBufferedWriter(out, StandardCharsets.US_ASCII)) {
      for (double ratio : ratios) {
        writer.write(String.format(Locale.ROOT, "%016x", Double.doubleToRawLongBits(ratio)));
        writer.newLine();
      }
    }
  }
}
