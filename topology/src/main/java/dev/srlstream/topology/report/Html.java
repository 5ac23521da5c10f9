package dev.srlstream.topology.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** HTML escaping, the shared style sheet, and the way report values are written as text. */
final class Html {

  /** What a missing value is shown as (an en dash). */
  static final String MISSING = "\u2013";

  /** The style sheet every report page inlines, so a page is one self-contained file. */
  static final String STYLE =
      """
      body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #222;
             max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.4; }
      h1 { font-size: 1.5rem; margin-bottom: 0.5rem; }
      h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
      dl.header { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
      dl.header dt { font-weight: 600; }
      dl.header dd { margin: 0; }
      table { border-collapse: collapse; margin: 0.5rem 0; }
      th, td { border: 1px solid #ccc; padding: 0.3rem 0.7rem; }
      th { background: #f4f4f4; text-align: left; }
      td.num { text-align: right; font-variant-numeric: tabular-nums; }
      figure { margin: 1rem 0; }
      figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
      figcaption { color: #555; font-size: 0.9rem; }
      ul.notes { color: #8a5a00; }
      pre { background: #f7f7f7; padding: 0.7rem; overflow-x: auto; font-size: 0.85rem; }
      code { font-size: 0.9em; }
      """;

  private Html() {}

  /** {@code text} with {@code & < > " '} escaped, for element content and attribute values. */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** {@code v} with {@code decimals} decimals, or {@link #MISSING} when it is NaN. */
  static String fixed(double v, int decimals) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : MISSING;
  }

  /**
   * The field of {@code node} as a table cell's text: a number with {@code decimals} decimals,
   * {@link #MISSING} when the field is missing or null, any other value as its JSON text (so a
   * wrong value shows instead of being hidden).
   */
  static String field(JsonNode node, String field, int decimals) {
    JsonNode value = node == null ? null : node.get(field);
    if (value == null || value.isNull()) {
      return MISSING;
    }
    if (value.isNumber()) {
      return fixed(value.doubleValue(), decimals);
    }
    return value.isTextual() ? value.asText() : value.toString();
  }

  /** "412.5 s (6 min 52 s)", or {@link #MISSING}. */
  static String duration(double seconds) {
    if (!Double.isFinite(seconds)) {
      return MISSING;
    }
    String plain = fixed(seconds, 1) + " s";
    if (Math.abs(seconds) < 60) {
      return plain;
    }
    long whole = Math.round(Math.abs(seconds));
    long hours = whole / 3600;
    long minutes = whole % 3600 / 60;
    long secs = whole % 60;
    String human =
        hours > 0
            ? hours + " h " + minutes + " min " + secs + " s"
            : minutes + " min " + secs + " s";
    return plain + " (" + human + ")";
  }

  /** "1.68 GiB (1800000000 bytes)", or {@link #MISSING}. */
  static String bytes(double bytes) {
    if (!Double.isFinite(bytes)) {
      return MISSING;
    }
    String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int unit = 0;
    while (Math.abs(v) >= 1024 && unit < units.length - 1) {
      v /= 1024;
      unit++;
    }
    if (unit == 0) {
      return fixed(bytes, 0) + " bytes";
    }
    return fixed(v, 2) + " " + units[unit] + " (" + fixed(bytes, 0) + " bytes)";
  }

  /** {@code text}, or {@link #MISSING} when it is null or empty. */
  static String orMissing(String text) {
    return text == null || text.isEmpty() ? MISSING : text;
  }

  /** Appends one term and its value to a {@code <dl>}, both escaped. */
  /**
   * Starts a self-contained page on {@code page}: the document head with {@code title} and the
   * shared style, then the body's {@code <h1>heading</h1>}; both texts are escaped.
   */
  static StringBuilder start(StringBuilder page, String title, String heading) {
    return page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>")
        .append(escape(title))
        .append("</title>\n<style>\n")
        .append(STYLE)
        .append("</style>\n</head>\n<body>\n<h1>")
        .append(escape(heading))
        .append("</h1>\n");
  }

  static void item(StringBuilder page, String term, String value) {
    page.append("<dt>")
        .append(escape(term))
        .append("</dt><dd>")
        .append(escape(value))
        .append("</dd>\n");
  }
}
