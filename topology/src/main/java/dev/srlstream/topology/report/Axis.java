package dev.srlstream.topology.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An axis: its range (never empty) and its ticks at a round step (1, 2 or 5 times a power of ten).
 */
record Axis(double min, double max, double step) {

  /** A closed interval of values. */
  record Range(double min, double max) {
    static Range include(Range range, double v) {
      return range == null
          ? new Range(v, v)
          : new Range(Math.min(range.min, v), Math.max(range.max, v));
    }
  }

  /**
   * The axis of a range with about {@code target} ticks. A fitted range is widened to whole steps;
   * a fixed one is kept as it is. A range of one value is widened around it.
   */
  static Axis of(Range range, boolean fixed, int target) {
    double min = range.min();
    double max = range.max();
    if (max - min <= Math.abs(max) * 1e-12) {
      double pad = Math.max(Math.abs(min) * 0.1, 0.5);
      min -= pad;
      max += pad;
    }
    double step = roundStep((max - min) / Math.max(1, target - 1));
    if (!fixed) {
      min = Math.floor(min / step) * step;
      max = Math.ceil(max / step) * step;
    }
    return new Axis(min, max, step);
  }

  /** The round step nearest above {@code raw}: 1, 2 or 5 times a power of ten. */
  static double roundStep(double raw) {
    double power = Math.pow(10, Math.floor(Math.log10(raw)));
    double fraction = raw / power;
    double round = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
    return round * power;
  }

  List<Double> ticks() {
    List<Double> ticks = new ArrayList<>();
    double first = Math.ceil(min / step - 1e-9) * step;
    for (int i = 0; ; i++) {
      double tick = first + i * step;
      if (tick > max + step * 1e-9 || i > 100) {
        break;
      }
      ticks.add(Math.abs(tick) < step * 1e-9 ? 0.0 : tick);
    }
    return ticks;
  }

  /** The tick's label: as many decimals as the step needs; k, M or G for large values. */
  String label(double tick) {
    double largest = Math.max(Math.abs(min), Math.abs(max));
    double scale = 1;
    String suffix = "";
    if (largest >= 1e9) {
      scale = 1e9;
      suffix = "G";
    } else if (largest >= 1e6) {
      scale = 1e6;
      suffix = "M";
    } else if (largest >= 1e4) {
      scale = 1e3;
      suffix = "k";
    }
    int decimals = (int) Math.max(0, Math.ceil(-Math.log10(step / scale) - 1e-9));
    return String.format(Locale.ROOT, "%." + decimals + "f", tick / scale) + suffix;
  }
}
