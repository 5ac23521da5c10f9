package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
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

class PythonTextTest {

  @TempDir Path dir;

  @Test
  void floatReprWritesWhatPythonWrites() {
    // Each expected value is what python3 -c 'print(repr(x))' prints.
    assertThat(PythonText.floatRepr(0.0)).isEqualTo("0.0");
    assertThat(PythonText.floatRepr(-0.0)).isEqualTo("-0.0");
    assertThat(PythonText.floatRepr(1.0)).isEqualTo("1.0");
    assertThat(PythonText.floatRepr(0.1)).isEqualTo("0.1");
    assertThat(PythonText.floatRepr(1.0 / 3)).isEqualTo("0.3333333333333333");
    assertThat(PythonText.floatRepr(2.0 / 3)).isEqualTo("0.6666666666666666");
    assertThat(PythonText.floatRepr(0.1 + 0.2)).isEqualTo("0.30000000000000004");
    assertThat(PythonText.floatRepr(-1.0)).isEqualTo("-1.0");
    assertThat(PythonText.floatRepr(1e-4)).isEqualTo("0.0001");
    assertThat(PythonText.floatRepr(1e-5)).isEqualTo("1e-05");
    assertThat(PythonText.floatRepr(2.5e-7)).isEqualTo("2.5e-07");
    assertThat(PythonText.floatRepr(5e-324)).isEqualTo("5e-324");
    assertThat(PythonText.floatRepr(1e15)).isEqualTo("1000000000000000.0");
    assertThat(PythonText.floatRepr(1e16)).isEqualTo("1e+16");
    assertThat(PythonText.floatRepr(123456789012345678.0)).isEqualTo("1.2345678901234568e+17");
    assertThat(PythonText.floatRepr(8.41e21)).isEqualTo("8.41e+21");
    assertThat(PythonText.floatRepr(2e23)).isEqualTo("2e+23");
    assertThat(PythonText.floatRepr(Double.MAX_VALUE)).isEqualTo("1.7976931348623157e+308");
    assertThat(PythonText.floatRepr(Double.POSITIVE_INFINITY)).isEqualTo("inf");
    assertThat(PythonText.floatRepr(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
    assertThat(PythonText.floatRepr(Double.NaN)).isEqualTo("nan");
  }

  @Test
  void jsonObjectIsWhatPythonJsonDumpsWrites() {
    Map<String, Object> members = new LinkedHashMap<>();
    members.put("reason", "missing <think>");
    members.put("escapes", "a\"b\\c\nd\te\u0001\u001b\u007f\b\f\r/");
    members.put("unicode", "é→🙂");
    members.put("ratio", 1e-05);
    members.put("none", null);
    members.put("ok", true);
    members.put("count", 3);
    members.put("nan", Double.NaN);
    members.put("inf", Double.NEGATIVE_INFINITY);
    String ours = PythonText.jsonObject(members);

    assertThat(ours)
        .isEqualTo(
            "{\"reason\": \"missing <think>\", \"escapes\":"
                + " \"a\\\"b\\\\c\\nd\\te\\u0001\\u001b\\u007f\\b\\f\\r/\","
                + " \"unicode\": \"\\u00e9\\u2192\\ud83d\\ude42\", \"ratio\": 1e-05,"
                + " \"none\": null, \"ok\": true, \"count\": 3, \"nan\": NaN, \"inf\": -Infinity}");
  }

  @Test
  void jsonObjectMatchesPython3OnTheSameDict() throws Exception {
    Map<String, Object> members = new LinkedHashMap<>();
    members.put("s", "tab\there \"quoted\" é→🙂 \u0000\u001f\u007f\u0080 back\\slash");
    members.put("x", 0.1 + 0.2);
    members.put("y", -2.5e-7);
    members.put("b", false);
    Path input = dir.resolve("dict.json");
    Files.writeString(input, new ObjectMapper().writeValueAsString(members));
    List<String> python =
        Python.run(
            dir,
            "import json,sys; print(json.dumps(json.load(open(sys.argv[1], encoding='utf-8'))))",
            input.toString());
    assertThat(python).containsExactly(PythonText.jsonObject(members));
  }

  @Test
  void floatReprMatchesPython3OnEdgeCasesAndRandomDoubles() throws Exception {
    List<Double> values = new ArrayList<>();
    for (double v :
        new double[] {
          0.0,
          -0.0,
          1.0,
          0.1,
          1.0 / 3,
          2.0 / 3,
          1e-4,
          1e-5,
          9.999999999999999e-5,
          5e-324,
          Double.MIN_NORMAL,
          Double.MAX_VALUE,
          1e16,
          9999999999999998.0,
          1e22,
          1e23,
          2e23,
          8.41e21,
          4.35,
          0.3,
          100.0,
          1.5e300,
          -2.5,
          Double.NaN,
          Double.POSITIVE_INFINITY
        }) {
      values.add(v);
    }
    for (int e = -1074; e <= 1023; e += 7) {
      values.add(Math.scalb(1.0, e)); // powers of two: the interval below is half as wide
    }
    for (int e = -323; e <= 308; e++) {
      values.add(Double.parseDouble("1e" + e));
      values.add(Double.parseDouble("3e" + e));
    }
    for (int total = 1; total <= 250; total++) {
      for (int matches = 0; 2 * matches <= total; matches++) {
        values.add(2.0 * matches / total); // every ratio of two short texts
      }
    }
    Random random = new Random(20251025);
    for (int i = 0; i < 5000; i++) {
      values.add(Double.longBitsToDouble(random.nextLong()));
      values.add(random.nextDouble());
    }
    List<String> bits = new ArrayList<>();
    List<String> ours = new ArrayList<>();
    for (double v : values) {
      bits.add(Long.toUnsignedString(Double.doubleToRawLongBits(v)));
      ours.add(PythonText.floatRepr(v));
    }
    Path input = dir.resolve("bits.txt");
    Files.write(input, bits, StandardCharsets.UTF_8);
    List<String> python =
        Python.run(
            dir,
            "import struct, sys\n"
                + "for line in open(sys.argv[1]):\n"
                + "    print(repr(struct.unpack('<d', struct.pack('<Q', int(line)))[0]))\n",
            input.toString());
    assertThat(python).hasSize(values.size());
    for (int i = 0; i < values.size(); i++) {
      assertThat(ours.get(i))
          .as("repr of the double with bits %s", bits.get(i))
          .isEqualTo(python.get(i));
    }
  }
}
