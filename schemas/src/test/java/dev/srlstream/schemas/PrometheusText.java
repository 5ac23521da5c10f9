package dev.srlstream.schemas;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A service's {@code /metrics} (the Prometheus text format, 0.0.4) read back, for the services'
 * tests: the type of every family from its {@code # TYPE} line, and the value of every sample by
 * its name and labels as written ({@code srl_actor_held_back{actor="a-0"}}).
 */
public final class PrometheusText {
  private final Map<String, String> types;
  private final Map<String, Double> samples;

  private PrometheusText(Map<String, String> types, Map<String, Double> samples) {
    this.types = Map.copyOf(types);
    this.samples = Map.copyOf(samples);
  }

  /** Parses a scrape; a line that is neither a comment nor {@code sample value} fails. */
  public static PrometheusText parse(String text) {
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, Double> samples = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("# HELP ")) {
        continue;
      }
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.substring("# TYPE ".length()).split(" ");
        types.put(parts[0], parts[1]);
        continue;
      }
      // Label values may hold spaces, the value never does: it follows the last space.
      int space = line.lastIndexOf(' ');
      if (space < 0 || line.startsWith("#")) {
        throw new IllegalArgumentException("not a sample line of the text format: " + line);
      }
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return new PrometheusText(types, samples);
  }

  /** Every family's type ({@code counter}, {@code gauge}, {@code summary}, ...) by its name. */
  public Map<String, String> types() {
    return types;
  }

  /** Every sample's value, by its name and labels as written. */
  public Map<String, Double> samples() {
    return samples;
  }

  /**
   * The samples of the families of {@code type} ({@code counter}, {@code gauge}), by name and
   * labels: a sample's family is its name without the labels.
   */
  public Map<String, Double> samplesOfType(String type) {
    Map<String, Double> ofType = new LinkedHashMap<>();
    samples.forEach(
        (sample, value) -> {
          int brace = sample.indexOf('{');
          if (type.equals(types.get(brace < 0 ? sample : sample.substring(0, brace)))) {
            ofType.put(sample, value);
          }
        });
    return ofType;
  }

  /** The value of {@code sample}; fails if the scrape does not have it. */
  public double value(String sample) {
    Double value = samples.get(sample);
    if (value == null) {
      throw new AssertionError(
          "no sample " + sample + " in the scrape; it has " + samples.keySet());
    }
    return value;
  }
}
