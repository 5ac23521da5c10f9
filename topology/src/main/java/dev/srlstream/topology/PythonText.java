package dev.srlstream.topology;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/**
 * Numbers and strings written exactly as Python 3 writes them, so our output can be compared with a
 * Python reference line by line, as text.
 *
 * <p>Why not {@link Double#toString}: on Java 17 it does not always give the shortest decimal that
 * reads back as the same double ({@code 8.41e21} comes out as {@code 8.409999999999999E21}, {@code
 * 2e23} as {@code 1.9999999999999998E23}), it keeps two digits where one suffices ({@code 4.9E-324}
 * for Python's {@code 5e-324}), and its layout differs from Python's ({@code 1.0E-5} against {@code
 * 1e-05}).
 */
public final class PythonText {

  private PythonText() {}

  /**
   * {@code repr(x)} of a Python float: the shortest decimal that reads back as {@code x} (of those,
   * the closest to {@code x}; an exact tie goes to the even last digit), laid out as CPython's
   * {@code float_repr_style = 'short'} does: plain notation with at least one digit after the point
   * from {@code 1e-4} up to below {@code 1e16} ({@code 0.0001}, {@code 0.1}, {@code 1.0}, {@code
   * 1000000000000000.0}), scientific notation outside it with a signed exponent of at least two
   * digits ({@code 1e-05}, {@code 1e+16}, {@code 1.5e+300}); {@code inf}, {@code -inf}, {@code
   * nan}, and {@code -0.0} for negative zero.
   */
  public static String floatRepr(double x) {
    if (Double.isNaN(x)) {
      return "nan";
    }
    if (Double.isInfinite(x)) {
      return x > 0 ? "inf" : "-inf";
    }
    if (x == 0.0) {
      return Double.doubleToRawLongBits(x) < 0 ? "-0.0" : "0.0";
    }
    BigDecimal shortest = shortestDecimal(Math.abs(x)).stripTrailingZeros();
    String digits = shortest.unscaledValue().toString();
    // The value is 0.DIGITS × 10^decimalPoint, CPython's "decpt".
    int decimalPoint = digits.length() - shortest.scale();
    return (x < 0 ? "-" : "") + layout(digits, decimalPoint);
  }

  /**
   * The shortest decimal in the interval of reals that round to {@code v} (positive, finite), the
   * one closest to {@code v} when there are several.
   *
   * <p>The interval runs halfway to each neighbouring double; its ends belong to it when the
   * significand of {@code v} is even, because reading a decimal rounds half to even. Below a power
   * of two the neighbour is half as far as above it. The shortest decimal is a multiple of the
   * largest power of ten {@code 10^k} that has a multiple inside the interval (the interval is far
   * narrower than a factor of ten, so all its numbers have the same number of digits before the
   * {@code 10^k} place, unless it holds a power of ten, which is then the one-digit answer). A
   * multiple of {@code 10^(k+1)} is one of {@code 10^k}, so the powers with a multiple inside are
   * all those up to the largest: the search starts from the digits of {@link Double#toString},
   * which read back as {@code v} but are sometimes more than needed, and goes up from there.
   */
  private static BigDecimal shortestDecimal(double v) {
    Interval interval = new Interval(v);
    int k = -new BigDecimal(Double.toString(v)).stripTrailingZeros().scale();
    BigDecimal best = interval.closestMultiple(k);
    while (best == null) { // not expected, since Java's digits read back as v; but never wrong
      best = interval.closestMultiple(--k);
    }
    for (BigDecimal shorter = interval.closestMultiple(k + 1);
        shorter != null;
        shorter = interval.closestMultiple(++k + 1)) {
      best = shorter;
    }
    return best;
  }

  /** The reals that read back as one positive finite double, in exact decimal arithmetic. */
  private static final class Interval {
    private final BigDecimal exact;
    private final BigDecimal low;
    private final BigDecimal high;
    private final boolean endsIncluded;

    Interval(double v) {
      BigDecimal two = BigDecimal.valueOf(2);
      exact = new BigDecimal(v);
      BigDecimal up = new BigDecimal(Math.ulp(v)); // the gap to the next larger double
      BigDecimal down = exact.subtract(new BigDecimal(Math.nextDown(v)));
      low = exact.subtract(down.divide(two));
      high = exact.add(up.divide(two));
      endsIncluded = (Double.doubleToRawLongBits(v) & 1) == 0;
    }

    /**
     * The multiple of {@code 10^k} inside the interval closest to the double (an exact tie to the
     * even multiple), or null when there is none.
     */
    BigDecimal closestMultiple(int k) {
      BigDecimal unit = BigDecimal.ONE.scaleByPowerOfTen(k);
      BigDecimal first = low.setScale(-k, RoundingMode.CEILING);
      if (!endsIncluded && first.compareTo(low) == 0) {
        first = first.add(unit);
      }
      BigDecimal last = high.setScale(-k, RoundingMode.FLOOR);
      if (!endsIncluded && last.compareTo(high) == 0) {
        last = last.subtract(unit);
      }
      if (first.compareTo(last) > 0) {
        return null;
      }
      BigDecimal nearest = exact.setScale(-k, RoundingMode.HALF_EVEN);
      if (nearest.compareTo(first) < 0) {
        return first;
      }
      return nearest.compareTo(last) > 0 ? last : nearest;
    }
  }

  /** CPython's format_float_short for repr: the digits placed around the decimal point. */
  private static String layout(String digits, int decimalPoint) {
    if (decimalPoint <= -4 || decimalPoint > 16) {
      int exponent = decimalPoint - 1;
      String mantissa =
          digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      String sign = exponent < 0 ? "-" : "+";
      int magnitude = Math.abs(exponent);
      return mantissa + "e" + sign + (magnitude < 10 ? "0" : "") + magnitude;
    }
    if (decimalPoint <= 0) {
      return "0." + "0".repeat(-decimalPoint) + digits;
    }
    if (decimalPoint >= digits.length()) {
      return digits + "0".repeat(decimalPoint - digits.length()) + ".0";
    }
    return digits.substring(0, decimalPoint) + "." + digits.substring(decimalPoint);
  }

  /**
   * A JSON object written byte for byte as Python's {@code json.dumps} writes the same dict with
   * its defaults: {@code ", "} between members and {@code ": "} after names, floats as {@link
   * #floatRepr} ({@code NaN}, {@code Infinity}, {@code -Infinity} for the non-finite ones, as
   * Python does), and strings with {@code ensure_ascii}. Values may be null, {@link Boolean},
   * {@link Number} or {@link String}; the members keep the map's order.
   */
  public static String jsonObject(Map<String, ?> members) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.setCharacterEscapes(ENSURE_ASCII);
      json.setPrettyPrinter(PYTHON_SEPARATORS);
      json.writeStartObject();
      for (Map.Entry<String, ?> member : members.entrySet()) {
        json.writeFieldName(member.getKey());
        Object value = member.getValue();
        if (value == null) {
          json.writeNull();
        } else if (value instanceof Boolean b) {
          json.writeBoolean(b);
        } else if (value instanceof Double || value instanceof Float) {
          json.writeNumber(jsonFloat(((Number) value).doubleValue()));
        } else if (value instanceof Number n) {
          json.writeNumber(n.longValue());
        } else if (value instanceof String text) {
          json.writeString(text);
        } else {
          throw new IllegalArgumentException(
              "no Python JSON form for " + value.getClass().getName() + " of " + member.getKey());
        }
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  private static final JsonFactory JSON = new JsonFactory();

  private static String jsonFloat(double x) {
    if (Double.isNaN(x)) {
      return "NaN";
    }
    if (Double.isInfinite(x)) {
      return x > 0 ? "Infinity" : "-Infinity";
    }
    return floatRepr(x);
  }

  /** Python's separators, {@code (", ", ": ")}, on one line. */
  private static final PrettyPrinter PYTHON_SEPARATORS =
      new MinimalPrettyPrinter() {
        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
          g.writeRaw(", ");
        }

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
          g.writeRaw(": ");
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
          g.writeRaw(", ");
        }
      };

  /**
   * Python's {@code ensure_ascii}: {@code \" \\ \n \r \t \b \f} by name; every other character
   * outside printable ASCII (control characters, DEL, and each non-ASCII UTF-16 unit) as a
   * backslash-u escape with four <em>lower-case</em> hex digits, where Jackson's own escapes are
   * upper-case and leave DEL alone.
   */
  private static final CharacterEscapes ENSURE_ASCII =
      new CharacterEscapes() {
        private final int[] ascii = asciiEscapes();

        private static int[] asciiEscapes() {
          int[] codes = CharacterEscapes.standardAsciiEscapesForJSON();
          for (int c = 0; c < 0x20; c++) {
            if (codes[c] == ESCAPE_STANDARD) { // those without a name: \b \t \n \f \r have one
              codes[c] = ESCAPE_CUSTOM;
            }
          }
          codes[0x7f] = ESCAPE_CUSTOM;
          return codes;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
          return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int c) {
          return new SerializedString(String.format("\\u%04x", c));
        }
      };
}
